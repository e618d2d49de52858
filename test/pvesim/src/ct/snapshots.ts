// Snapshots as AbstractConfig does them: prepare (lock, section with snapstate) → copy volumes → commit; rollback; delete.
import fs from 'node:fs';
import { PveError } from '../common/errors.js';
import { run, runChecked } from '../common/run.js';
import { supportsSnapshots } from '../storage/storagecfg.js';
import { parseVolume, snapshotDir, volumePath } from '../storage/volumes.js';
import { lxcArgs } from '../lxc/runtime.js';
import { isRunning } from '../lxc/state.js';
import { killContainer } from '../lxc/runtime.js';
import type { CtConfig, CtSection } from './conffile.js';
import { mountpoints, sectionVolids } from './mountpoints.js';
import { checkLock, loadConfig, withConfigLock, writeCtConfig } from './store.js';
import { addUnusedVolume } from './unused.js';

export function checkSnapshotName(name: string): void {
  if (name === 'current' || name === 'vzdump') throw new PveError(`unable to use snapshot name '${name}' (reserved name)\n`);
}

/** Volumes that take part in a snapshot: volume mount points of the section. */
function snapshotVolids(section: CtSection): string[] {
  return mountpoints(section)
    .filter((mp) => mp.type === 'volume')
    .map((mp) => mp.volume);
}

/** has_feature('snapshot'): every volume must be on a storage that can snapshot. */
function checkSnapshotFeature(section: CtSection): void {
  for (const volid of snapshotVolids(section)) {
    if (!supportsSnapshots(parseVolume(volid).storage)) throw new PveError('snapshot feature is not available\n');
  }
}

function copyDir(from: string, to: string): void {
  fs.rmSync(to, { recursive: true, force: true });
  runChecked('cp', ['-a', '--reflink=auto', from, to]);
}

/** The snapshot section: the current config without lock, digest, description, unusedN, snapstate. */
function snapshotSection(conf: CtConfig, description: string | undefined): CtSection {
  const props: Record<string, string> = {};
  for (const [k, v] of Object.entries(conf.props)) {
    if (k === 'lock' || k === 'snapstate' || /^unused\d+$/.test(k)) continue;
    props[k] = v;
  }
  const snap: CtSection = { props, lxc: [...conf.lxc] };
  if (description !== undefined) snap.description = description;
  return snap;
}

export async function snapshotCreate(vmid: number, name: string, description: string | undefined): Promise<void> {
  const snap = await withConfigLock(vmid, () => {
    const conf = loadConfig(vmid);
    if (conf.props.template === '1') throw new PveError("you can't take a snapshot if it's a template\n");
    checkLock(conf);
    conf.props.lock = 'snapshot';
    if (conf.snapshots[name]) throw new PveError(`snapshot name '${name}' already used\n`);
    checkSnapshotFeature(conf);
    const section = snapshotSection(conf, description);
    section.props.snapstate = 'prepare';
    section.props.snaptime = String(Math.floor(Date.now() / 1000));
    conf.snapshots[name] = section;
    writeCtConfig(vmid, conf);
    return section;
  });
  const running = isRunning(vmid);
  try {
    if (running) run('lxc-freeze', lxcArgs(vmid));
    try {
      for (const volid of snapshotVolids(snap)) {
        const vol = parseVolume(volid);
        copyDir(volumePath(vol), snapshotDir(vol, name));
      }
    } finally {
      if (running) run('lxc-unfreeze', lxcArgs(vmid));
    }
  } catch (err) {
    await snapshotDelete(vmid, name, true).catch(() => undefined);
    throw err;
  }
  await withConfigLock(vmid, () => {
    const conf = loadConfig(vmid);
    if (conf.props.lock !== 'snapshot') throw new PveError('missing snapshot lock\n');
    delete conf.snapshots[name]?.props.snapstate;
    delete conf.props.lock;
    conf.props.parent = name;
    writeCtConfig(vmid, conf);
  });
}

export async function snapshotDelete(vmid: number, name: string, force: boolean): Promise<void> {
  const snap = await withConfigLock(vmid, () => {
    const conf = loadConfig(vmid);
    const section = conf.snapshots[name];
    if (!section) throw new PveError(`snapshot '${name}' does not exist\n`);
    if (!force) checkLock(conf);
    conf.props.lock = 'snapshot-delete';
    section.props.snapstate = 'delete';
    writeCtConfig(vmid, conf);
    return section;
  });
  for (const volid of snapshotVolids(snap)) {
    try {
      const vol = parseVolume(volid);
      fs.rmSync(snapshotDir(vol, name), { recursive: true, force: true });
    } catch (err) {
      if (!force) throw err;
    }
  }
  await withConfigLock(vmid, () => {
    const conf = loadConfig(vmid);
    const parent = conf.snapshots[name]?.props.parent;
    delete conf.snapshots[name];
    for (const other of Object.values(conf.snapshots)) {
      if (other.props.parent !== name) continue;
      if (parent) other.props.parent = parent;
      else delete other.props.parent;
    }
    if (conf.props.parent === name) {
      if (parent) conf.props.parent = parent;
      else delete conf.props.parent;
    }
    delete conf.props.lock;
    writeCtConfig(vmid, conf);
  });
}

export async function snapshotRollback(vmid: number, name: string): Promise<void> {
  const snap = await withConfigLock(vmid, () => {
    const conf = loadConfig(vmid);
    const section = conf.snapshots[name];
    if (!section) throw new PveError(`snapshot '${name}' does not exist\n`);
    if (section.props.snapstate) throw new PveError(`unable to rollback to incomplete snapshot (snapstate = ${section.props.snapstate})\n`);
    checkLock(conf);
    for (const volid of snapshotVolids(section)) {
      const vol = parseVolume(volid);
      if (!fs.existsSync(snapshotDir(vol, name))) throw new PveError(`snapshot '${name}' of volume '${volid}' does not exist\n`);
    }
    conf.props.lock = 'rollback';
    writeCtConfig(vmid, conf);
    if (isRunning(vmid)) killContainer(vmid);
    return section;
  });
  for (const volid of snapshotVolids(snap)) {
    const vol = parseVolume(volid);
    const dir = volumePath(vol);
    const st = fs.statSync(dir);
    copyDir(snapshotDir(vol, name), `${dir}.rollback`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(`${dir}.rollback`, dir);
    fs.chownSync(dir, st.uid, st.gid);
  }
  await withConfigLock(vmid, () => {
    const conf = loadConfig(vmid);
    if (conf.props.lock !== 'rollback') throw new PveError('got wrong lock\n');
    const section = conf.snapshots[name]!;
    const props: Record<string, string> = {};
    for (const [k, v] of Object.entries(conf.props)) if (/^unused\d+$/.test(k)) props[k] = v;
    for (const [k, v] of Object.entries(section.props)) if (k !== 'snaptime' && k !== 'lock' && k !== 'snapstate') props[k] = v;
    props.parent = name;
    const unusedNow = sectionVolids(conf).filter((v) => !sectionVolids(section).includes(v));
    const next: CtConfig = { props, lxc: [...section.lxc], pending: { props: {}, lxc: [] }, snapshots: conf.snapshots, digest: conf.digest };
    if (conf.description !== undefined) next.description = conf.description;
    for (const volid of unusedNow) addUnusedVolume(next, volid);
    writeCtConfig(vmid, next);
  });
}
