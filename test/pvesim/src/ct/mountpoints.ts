// rootfs / mpN / unusedN values: parse, classify (volume|bind|device), print, and allocate `STORAGE:SIZE` disks.
import fs from 'node:fs';
import { PveError } from '../common/errors.js';
import { formatSize, parseSize } from '../common/formats.js';
import { parsePropertyString, printPropertyString } from '../common/schema.js';
import { storageDef } from '../storage/storagecfg.js';
import { allocImage, parseVolumeId, pathOfVolid, recordSize } from '../storage/volumes.js';
import type { CtSection } from './conffile.js';
import { MAX_MOUNT_POINTS, mpFormat, rootfsFormat, unusedFormat } from './options.js';

export type MountType = 'volume' | 'bind' | 'device';

export interface MountPoint {
  key: string;
  volume: string;
  mp: string;
  /** Bytes, when `size=` is set. */
  size?: number;
  type: MountType;
  opts: Record<string, string>;
}

/** `[<storage>:]<GiB>`: a request for a new volume. */
export const NEW_DISK_RE = /^(([^/:\s]+):)?(\d+(\.\d+)?)$/;

export function classifyMountpoint(volume: string): MountType {
  if (volume.startsWith('/')) return volume.startsWith('/dev/') ? 'device' : 'bind';
  return 'volume';
}

function formatFor(key: string): typeof mpFormat {
  if (key === 'rootfs') return rootfsFormat;
  if (/^unused\d+$/.test(key)) return unusedFormat;
  return mpFormat;
}

export function parseMountpoint(key: string, value: string): MountPoint {
  const opts = parsePropertyString(formatFor(key), value);
  const volume = opts.volume!;
  let size: number | undefined;
  if (opts.size !== undefined) {
    size = parseSize(opts.size);
    if (size === undefined) throw new PveError(`invalid size: ${opts.size}\n`);
  }
  const res: MountPoint = { key, volume, mp: key === 'rootfs' ? '/' : opts.mp ?? '', type: classifyMountpoint(volume), opts };
  if (size !== undefined) res.size = size;
  return res;
}

export function printMountpoint(key: string, opts: Record<string, string>): string {
  return printPropertyString(opts, formatFor(key), key === 'rootfs' ? ['mp'] : []);
}

export function volumeKeys(section: CtSection, includeUnused = false): string[] {
  const keys: string[] = [];
  if (section.props.rootfs !== undefined) keys.push('rootfs');
  for (let i = 0; i < MAX_MOUNT_POINTS; i++) if (section.props[`mp${i}`] !== undefined) keys.push(`mp${i}`);
  if (includeUnused) for (let i = 0; i < MAX_MOUNT_POINTS; i++) if (section.props[`unused${i}`] !== undefined) keys.push(`unused${i}`);
  return keys;
}

/** foreach_volume: rootfs then mp0..mp255 (optionally unusedN) as parsed mount points. */
export function mountpoints(section: CtSection, includeUnused = false): MountPoint[] {
  return volumeKeys(section, includeUnused).map((k) => parseMountpoint(k, section.props[k]!));
}

/** Storage volids a section references (volume mount points only). */
export function sectionVolids(section: CtSection, includeUnused = false): string[] {
  return mountpoints(section, includeUnused)
    .filter((mp) => mp.type === 'volume')
    .map((mp) => mp.volume);
}

export function checkRootdirContent(volume: string): void {
  const { storeid } = parseVolumeId(volume);
  if (!storageDef(storeid).content.has('rootdir')) {
    throw new PveError(`storage '${storeid}' does not allow content type 'rootdir' (Container)\n`);
  }
}

/**
 * create_disks: every `STORAGE:SIZE` value becomes a new volume (`local-lvm:vm-200-disk-0,size=8G`).
 * Every volid created is appended to `created` at once, so a failure half-way can free them again.
 * Unprivileged CTs get the volume root mapped.
 */
export function createDisks(vmid: number, section: CtSection, keys: string[], unprivileged: boolean, log: (l: string) => void, created: string[] = []): string[] {
  for (const key of keys) {
    const value = section.props[key];
    if (value === undefined) continue;
    const mp = parseMountpoint(key, value);
    const m = NEW_DISK_RE.exec(mp.volume);
    if (mp.type !== 'volume' || !m || !m[2]) continue;
    const storeid = m[2];
    const def = storageDef(storeid);
    if (!def.content.has('rootdir')) throw new PveError(`storage '${storeid}' does not allow content type 'rootdir' (Container)\n`);
    const bytes = Math.round(Number(m[3]) * 1024 ** 3);
    const volid = allocImage(storeid, vmid, bytes);
    created.push(volid);
    const dir = pathOfVolid(volid);
    if (def.type === 'lvmthin') log(`  Logical volume "${volid.slice(storeid.length + 1)}" created.`);
    if (unprivileged) fs.chownSync(dir, 100000, 100000);
    fs.chmodSync(dir, 0o755);
    recordSize(dir, bytes);
    const opts: Record<string, string> = { ...mp.opts, volume: volid };
    if (bytes > 0) opts.size = formatSize(bytes);
    section.props[key] = printMountpoint(key, opts);
  }
  return created;
}
