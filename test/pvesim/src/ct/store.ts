// The CT config store: load/write configs of the local node, cluster-wide vmid lookup, config lock and `lock:` property.
import fs from 'node:fs';
import path from 'node:path';
import { PveError } from '../common/errors.js';
import { acquireFileLock, lockTimeoutSec } from '../common/fslock.js';
import { cfsConfigPath, ctConfigFile, simPaths } from '../common/paths.js';
import { parseConfig, writeConfig, type CtConfig } from './conffile.js';

export function configExists(vmid: number, node = simPaths().node): boolean {
  return fs.existsSync(ctConfigFile(vmid, node));
}

/** AbstractConfig::load_config for the local node. */
export function loadConfig(vmid: number, node = simPaths().node): CtConfig {
  let raw: string;
  try {
    raw = fs.readFileSync(ctConfigFile(vmid, node), 'utf8');
  } catch {
    throw new PveError(`Configuration file '${cfsConfigPath(vmid, node)}' does not exist\n`);
  }
  return parseConfig(raw, vmid);
}

/** Atomic write (tmp + rename), as pmxcfs makes every write atomic. */
export function writeCtConfig(vmid: number, conf: CtConfig, node = simPaths().node): void {
  const file = ctConfigFile(vmid, node);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp.${process.pid}`;
  fs.writeFileSync(tmp, writeConfig(conf));
  fs.renameSync(tmp, file);
}

export function destroyConfig(vmid: number, node = simPaths().node): void {
  fs.rmSync(ctConfigFile(vmid, node), { force: true });
}

/** A config moved to another node's directory, as pmxcfs renames it (the volumes stay where they are: shared storage). */
export function moveConfigToNode(vmid: number, from: string, to: string): void {
  const dest = ctConfigFile(vmid, to);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.renameSync(ctConfigFile(vmid, from), dest);
}

export interface GuestLocation {
  node: string;
  type: 'lxc' | 'qemu';
}

/** Where a vmid lives in the (simulated) cluster: every node directory under /etc/pve/nodes. */
export function locateGuest(vmid: number): GuestLocation | undefined {
  for (const node of clusterNodes()) {
    if (fs.existsSync(path.join(simPaths().nodesDir, node, 'lxc', `${vmid}.conf`))) return { node, type: 'lxc' };
    if (fs.existsSync(path.join(simPaths().nodesDir, node, 'qemu-server', `${vmid}.conf`))) return { node, type: 'qemu' };
  }
  return undefined;
}

export function clusterNodes(): string[] {
  const nodes = new Set<string>([simPaths().node]);
  try {
    for (const n of fs.readdirSync(simPaths().nodesDir)) nodes.add(n);
  } catch {
    /* no nodes dir yet */
  }
  return [...nodes].sort();
}

/** pve-cluster check_vmid_unused: `CT <vmid> already exists on node '<node>'`. */
export function checkVmidUnused(vmid: number): void {
  const loc = locateGuest(vmid);
  if (loc) throw new PveError(`${loc.type === 'qemu' ? 'VM' : 'CT'} ${vmid} already exists on node '${loc.node}'\n`);
}

/** vmids of the CTs configured on `node`, ascending. */
export function listVmids(node = simPaths().node): number[] {
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(path.join(simPaths().nodesDir, node, 'lxc'));
  } catch {
    return [];
  }
  return entries
    .map((e) => /^(\d+)\.conf$/.exec(e)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

export function configLockFile(vmid: number): string {
  return path.join(simPaths().lockDir, `pve-config-${vmid}.lock`);
}

/** lock_config: run `fn` holding the per-vmid config lock (10 s timeout). */
export async function withConfigLock<T>(vmid: number, fn: () => T | Promise<T>): Promise<T> {
  const release = acquireFileLock(configLockFile(vmid), lockTimeoutSec());
  try {
    return await fn();
  } finally {
    release();
  }
}

/** check_lock: `CT is locked (<lock>)`. */
export function checkLock(conf: CtConfig, allowed: string[] = []): void {
  const lock = conf.props.lock;
  if (lock && !allowed.includes(lock)) throw new PveError(`CT is locked (${lock})\n`);
}

/** set_lock: under the config lock, refuse if already locked, then write `lock: <name>`. */
export async function setLock(vmid: number, lock: string): Promise<CtConfig> {
  return withConfigLock(vmid, () => {
    const conf = loadConfig(vmid);
    checkLock(conf);
    conf.props.lock = lock;
    writeCtConfig(vmid, conf);
    return conf;
  });
}

/** remove_lock: drop `lock:` (only if it is `expected`, when given). */
export async function removeLock(vmid: number, expected?: string): Promise<void> {
  await withConfigLock(vmid, () => {
    const conf = loadConfig(vmid);
    const lock = conf.props.lock;
    if (!lock) throw new PveError(`no lock found trying to remove ${expected ? `'${expected}'  lock` : 'any lock'}\n`);
    if (expected && lock !== expected) throw new PveError(`found lock '${lock}' trying to remove '${expected}' lock\n`);
    delete conf.props.lock;
    writeCtConfig(vmid, conf);
  });
}

export function checkProtection(conf: CtConfig, context: string): void {
  if (conf.props.protection === '1') throw new PveError(`${context} - protection mode enabled\n`);
}
