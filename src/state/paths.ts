// Every host path pxdeploy touches, derived from one root (`/` in production, PXDEPLOY_ROOT in tests).
import { UsageError } from '../errors.js';
import path from 'node:path';
import { clusterLockDir } from '../cluster/pmxcfs.js';

export interface Paths {
  root: string;
  configDir: string;
  configFile: string;
  instanceConfigDir: string;
  stateDir: string;
  healthDir: string;
  registryFile: string;
  /** Operation locks: `/var/lock/pxdeploy`, or on a cluster pmxcfs's `/etc/pve/priv/lock` (seen by every node). */
  lockDir: string;
  logDir: string;
  /** The cluster filesystem (pmxcfs) as this node mounts it. */
  pveDir: string;
  /** Locks are on pmxcfs, seen by every node: a holder on another host is judged by its age, not its pid. */
  locksShared: boolean;
  backupDir: string;
  /** pxdeploy's record of each CT it made: spec hash, provisioning steps done, the failed step. */
  containersDir: string;
  /** Host-side scratch files on their way into a CT (`pct push`); removed after use. */
  scratchDir: string;
  /** Pulled OCI archives: ref, digest, size, volid, time (`oci list`, `oci rm`, "up to date"). */
  ociIndexFile: string;
  /** App records (`<hostname>.json`) and, under `<hostname>/`, the app's volumes. */
  appsDir: string;
  /** systemd unit files pxdeploy installs (backup timers). */
  systemdDir: string;
  /** The inventory database (SQLite, WAL): nodes, guests, storage, tasks and their history (`inventory sync`). */
  inventoryDb: string;
  instanceConfig(id: string): string;
  stateFile(id: string): string;
  healthFile(id: string): string;
  lockPath(id: string): string;
  /** The resource id of a lock directory's name under `lockDir`, or undefined when it is not one of ours. */
  lockIdOf(name: string): string | undefined;
  logFile(id: string): string;
  backupsOf(id: string): string;
  /** The per-instance backup index (`<backupsOf(id)>/index.json`). */
  backupIndex(id: string): string;
  containerState(vmid: number): string;
  appState(hostname: string): string;
  appVolume(hostname: string, volume: string): string;
}

/** Resource ids become file names: refuse anything that could escape its directory. */
export function assertSafeId(id: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id) || id.includes('..')) {
    throw new UsageError(`invalid resource id '${id}'`, 'ids are letters, digits, ".", "_" and "-", starting with a letter or digit');
  }
  return id;
}

export function makePaths(root: string = process.env.PXDEPLOY_ROOT || '/'): Paths {
  const r = (...p: string[]) => path.join(root, ...p);
  // On a cluster the locks live where PVE keeps its own (cfs_lock), named so they cannot clash with PVE's.
  const clusterLocks = clusterLockDir(r('etc/pve'));
  const lockName = clusterLocks ? (id: string) => `pxdeploy-${id}` : (id: string) => `${id}.lock`;
  const lockNameRe = clusterLocks ? /^pxdeploy-([^.].*)$/ : /^([^.].*)\.lock$/;
  const p: Paths = {
    root,
    configDir: r('etc/pxdeploy'),
    configFile: r('etc/pxdeploy/config.yaml'),
    instanceConfigDir: r('etc/pxdeploy/instances'),
    stateDir: r('var/lib/pxdeploy/state'),
    healthDir: r('var/lib/pxdeploy/health'),
    registryFile: r('var/lib/pxdeploy/instances.json'),
    lockDir: clusterLocks ?? r('var/lock/pxdeploy'),
    logDir: r('var/log/pxdeploy'),
    pveDir: r('etc/pve'),
    locksShared: clusterLocks !== undefined,
    backupDir: r('var/backups/pxdeploy'),
    containersDir: r('var/lib/pxdeploy/containers'),
    scratchDir: r('var/lib/pxdeploy/tmp'),
    ociIndexFile: r('var/lib/pxdeploy/oci/index.json'),
    appsDir: r('var/lib/pxdeploy/apps'),
    systemdDir: r('etc/systemd/system'),
    inventoryDb: r('var/lib/pxdeploy/inventory.db'),
    instanceConfig: (id) => path.join(p.instanceConfigDir, `${assertSafeId(id)}.yaml`),
    stateFile: (id) => path.join(p.stateDir, `${assertSafeId(id)}.state`),
    healthFile: (id) => path.join(p.healthDir, `${assertSafeId(id)}.json`),
    lockPath: (id) => path.join(p.lockDir, lockName(assertSafeId(id))),
    lockIdOf: (name) => lockNameRe.exec(name)?.[1],
    logFile: (id) => path.join(p.logDir, `${assertSafeId(id)}.log`),
    backupsOf: (id) => path.join(p.backupDir, assertSafeId(id)),
    backupIndex: (id) => path.join(p.backupDir, assertSafeId(id), 'index.json'),
    containerState: (vmid) => path.join(p.containersDir, `${Math.trunc(vmid)}.json`),
    appState: (hostname) => path.join(p.appsDir, `${assertSafeId(hostname)}.json`),
    appVolume: (hostname, volume) => path.join(p.appsDir, assertSafeId(hostname), assertSafeId(volume)),
  };
  return p;
}
