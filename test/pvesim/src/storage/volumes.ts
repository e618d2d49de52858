// Volume ids and their directories: parse `<storage>:<volname>`, allocate, free, snapshot and list CT volumes.
import fs from 'node:fs';
import path from 'node:path';
import { PveError } from '../common/errors.js';
import { run } from '../common/run.js';
import { storageDef, type StorageDef } from './storagecfg.js';

export type VolType = 'images' | 'vztmpl' | 'iso' | 'backup' | 'snippets';

export interface VolumeInfo {
  storage: StorageDef;
  volid: string;
  volname: string;
  vtype: VolType;
  /** Owner vmid for images/backups. */
  owner?: number;
  /** The disk name without the base prefix part (`vm-200-disk-0`, `vm-200-disk-0.raw`). */
  name: string;
  isBase: boolean;
  format: string;
}

export function parseVolumeId(volid: string): { storeid: string; volname: string } {
  const m = /^([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)$/i.exec(volid);
  if (!m) throw new PveError(`unable to parse volume ID '${volid}'\n`);
  return { storeid: m[1]!, volname: m[2]! };
}

const TEMPLATE_EXT = /\.tar(\.(gz|xz|zst|bz2))?$/;

export function templateFormat(file: string): string {
  const m = /\.tar(?:\.(gz|xz|zst|bz2))?$/.exec(file);
  if (!m) return 'raw';
  return m[1] ? { gz: 'tgz', xz: 'txz', zst: 'tzst', bz2: 'tbz2' }[m[1]]! : 'tar';
}

function diskFormat(name: string): string {
  if (name.endsWith('.raw')) return 'raw';
  if (name.endsWith('.subvol') || name.startsWith('subvol-')) return 'subvol';
  return 'raw';
}

export function parseVolume(volid: string): VolumeInfo {
  const { storeid, volname } = parseVolumeId(volid);
  const storage = storageDef(storeid, false);
  const base = { storage, volid, volname };
  if (storage.type === 'lvmthin') {
    const m = /^((base-(\d+)-disk-\d+)\/)?((vm|base)-(\d+)-disk-\d+)$/.exec(volname);
    if (!m) throw new PveError(`unable to parse lvm volume name '${volname}'\n`);
    return { ...base, vtype: 'images', owner: Number(m[6]), name: m[4]!, isBase: m[5] === 'base', format: 'raw' };
  }
  let m = /^(vztmpl|iso|snippets)\/([^/]+)$/.exec(volname);
  if (m) {
    const vtype = m[1] as VolType;
    if (vtype === 'vztmpl' && !TEMPLATE_EXT.test(m[2]!)) throw new PveError(`unable to parse directory volume name '${volname}'\n`);
    return { ...base, vtype, name: m[2]!, isBase: false, format: vtype === 'vztmpl' ? templateFormat(m[2]!) : 'raw' };
  }
  m = /^backup\/([^/]+)$/.exec(volname);
  if (m) {
    const owner = /^vzdump-(?:lxc|qemu|openvz)-(\d+)-/.exec(m[1]!);
    return { ...base, vtype: 'backup', name: m[1]!, isBase: false, format: templateFormat(m[1]!), ...(owner ? { owner: Number(owner[1]) } : {}) };
  }
  m = /^(?:(\d+)\/((?:base|vm|subvol|basevol)-\d+-disk-\d+(?:\.\w+)?)\/)?(\d+)\/(((base|vm|subvol|basevol)-(\d+)-disk-\d+)(?:\.\w+)?)$/.exec(volname);
  if (m) {
    return { ...base, vtype: 'images', owner: Number(m[3]), name: m[4]!, isBase: m[6]!.startsWith('base'), format: diskFormat(m[4]!) };
  }
  throw new PveError(`unable to parse directory volume name '${volname}'\n`);
}

/** The directory (or file, for templates/backups) that holds a volume. */
export function volumePath(vol: VolumeInfo): string {
  const root = vol.storage.path;
  switch (vol.vtype) {
    case 'vztmpl':
      return path.join(root, 'template', 'cache', vol.name);
    case 'iso':
      return path.join(root, 'template', 'iso', vol.name);
    case 'backup':
      return path.join(root, 'dump', vol.name);
    case 'snippets':
      return path.join(root, 'snippets', vol.name);
    default:
      return vol.storage.type === 'lvmthin' ? path.join(root, vol.name) : path.join(root, 'images', String(vol.owner), vol.name);
  }
}

export function pathOfVolid(volid: string): string {
  return volumePath(parseVolume(volid));
}

function sizeFile(dir: string): string {
  return path.join(path.dirname(dir), `.${path.basename(dir)}.size`);
}

export function recordedSize(volDir: string): number | undefined {
  try {
    return Number(fs.readFileSync(sizeFile(volDir), 'utf8'));
  } catch {
    return undefined;
  }
}

export function recordSize(volDir: string, bytes: number): void {
  fs.writeFileSync(sizeFile(volDir), `${bytes}\n`);
}

function imageDir(storage: StorageDef, vmid: number): string {
  return storage.type === 'lvmthin' ? storage.path : path.join(storage.path, 'images', String(vmid));
}

/** vdisk_alloc: the next free `vm-<vmid>-disk-<n>` on `storeid`, created as an empty directory. */
export function allocImage(storeid: string, vmid: number, sizeBytes: number): string {
  const storage = storageDef(storeid);
  const dir = imageDir(storage, vmid);
  fs.mkdirSync(dir, { recursive: true });
  const existing = new Set(fs.readdirSync(dir));
  for (let n = 0; ; n++) {
    const stem = storage.type !== 'lvmthin' && sizeBytes === 0 ? `subvol-${vmid}-disk-${n}` : `vm-${vmid}-disk-${n}`;
    if ([`vm-${vmid}-disk-${n}`, `base-${vmid}-disk-${n}`, `subvol-${vmid}-disk-${n}`].some((s) => [...existing].some((e) => e === s || e.startsWith(`${s}.`)))) continue;
    const name = storage.type === 'lvmthin' ? stem : `${stem}.${sizeBytes === 0 ? 'subvol' : 'raw'}`;
    const volDir = path.join(dir, name);
    fs.mkdirSync(volDir);
    recordSize(volDir, sizeBytes);
    return storage.type === 'lvmthin' ? `${storeid}:${name}` : `${storeid}:${vmid}/${name}`;
  }
}

/** The volid a linked clone of `base` gets for `vmid` (lvmthin naming). */
export function linkedCloneVolid(base: VolumeInfo, vmid: number): string {
  const dir = imageDir(base.storage, vmid);
  fs.mkdirSync(dir, { recursive: true });
  for (let n = 0; ; n++) {
    const name = `vm-${vmid}-disk-${n}`;
    if (fs.existsSync(path.join(dir, name))) continue;
    fs.mkdirSync(path.join(dir, name));
    return `${base.storage.id}:${base.name}/${name}`;
  }
}

export function snapshotDir(vol: VolumeInfo, snap: string): string {
  return path.join(vol.storage.path, `snap_${vol.name}_${snap}`);
}

/** Remove a directory tree (rm -rf is several times faster than fs.rmSync on a rootfs). */
export function removeTree(dir: string): void {
  run('rm', ['-rf', '--one-file-system', '--', dir]);
}

export function freeImage(volid: string): void {
  const vol = parseVolume(volid);
  const dir = volumePath(vol);
  const doomed = [dir];
  if (vol.storage.type === 'lvmthin') {
    for (const entry of safeReaddir(vol.storage.path)) if (entry.startsWith(`snap_${vol.name}_`)) doomed.push(path.join(vol.storage.path, entry));
  }
  for (const d of doomed) removeTree(d);
  fs.rmSync(sizeFile(dir), { force: true });
  if (vol.storage.type !== 'lvmthin') {
    try {
      fs.rmdirSync(path.dirname(dir));
    } catch {
      /* other volumes of this vmid remain */
    }
  }
}

/** create_base: `vm-X-disk-N` becomes `base-X-disk-N`; returns the new volid. */
export function renameToBase(volid: string): string {
  const vol = parseVolume(volid);
  if (vol.isBase) return volid;
  const newName = vol.name.replace(/^vm-/, 'base-');
  const from = volumePath(vol);
  const to = path.join(path.dirname(from), newName);
  fs.renameSync(from, to);
  try {
    fs.renameSync(sizeFile(from), sizeFile(to));
  } catch {
    /* no size recorded */
  }
  return vol.storage.type === 'lvmthin' ? `${vol.storage.id}:${newName}` : `${vol.storage.id}:${vol.owner}/${newName}`;
}

export function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

export interface ListedVolume {
  volid: string;
  format: string;
  content: string;
  size: number;
  vmid?: number;
}

/** All volumes of one storage, optionally filtered by content type and owner. */
export function listVolumes(storage: StorageDef, content?: string, vmid?: number): ListedVolume[] {
  const res: ListedVolume[] = [];
  const fileSize = (p: string): number => {
    try {
      return fs.statSync(p).size;
    } catch {
      return 0;
    }
  };
  const wanted = (c: string): boolean => !content || content.split(',').includes(c);
  const holdsImages = storage.content.has('rootdir') || storage.content.has('images');
  if ((wanted('rootdir') || wanted('images')) && holdsImages) {
    const addImage = (volid: string, dir: string, owner: number): void => {
      if (vmid !== undefined && owner !== vmid) return;
      const vol = parseVolume(volid);
      res.push({ volid, format: vol.format, content: 'rootdir', size: recordedSize(dir) ?? 0, vmid: owner });
    };
    if (storage.type === 'lvmthin') {
      for (const e of safeReaddir(storage.path).sort()) {
        const m = /^(?:vm|base)-(\d+)-disk-\d+$/.exec(e);
        if (m) addImage(`${storage.id}:${e}`, path.join(storage.path, e), Number(m[1]));
      }
    } else {
      const imagesDir = path.join(storage.path, 'images');
      for (const owner of safeReaddir(imagesDir).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(a) - Number(b))) {
        for (const e of safeReaddir(path.join(imagesDir, owner)).sort()) {
          if (/^(vm|base|subvol)-\d+-disk-\d+/.test(e)) addImage(`${storage.id}:${owner}/${e}`, path.join(imagesDir, owner, e), Number(owner));
        }
      }
    }
  }
  if (storage.type !== 'lvmthin') {
    const files = (vtype: VolType, sub: string, filter: RegExp): void => {
      if (content && !content.split(',').includes(vtype)) return;
      if (!storage.content.has(vtype)) return;
      for (const e of safeReaddir(path.join(storage.path, sub)).sort()) {
        if (!filter.test(e)) continue;
        const volid = `${storage.id}:${vtype}/${e}`;
        const owner = vtype === 'backup' ? /^vzdump-(?:lxc|qemu)-(\d+)-/.exec(e)?.[1] : undefined;
        if (vmid !== undefined && Number(owner) !== vmid) continue;
        res.push({
          volid,
          format: vtype === 'iso' || vtype === 'snippets' ? (vtype === 'iso' ? 'iso' : 'snippet') : templateFormat(e),
          content: vtype,
          size: fileSize(path.join(storage.path, sub, e)),
          ...(owner ? { vmid: Number(owner) } : {}),
        });
      }
    };
    files('vztmpl', 'template/cache', TEMPLATE_EXT);
    files('iso', 'template/iso', /\.(iso|img)$/i);
    files('backup', 'dump', /^vzdump-.*\.(tar|tgz|tar\.(gz|lzo|zst))$/);
    files('snippets', 'snippets', /./);
  }
  return res;
}
