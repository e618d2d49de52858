// A validated container spec → the typed `pct create` options of the key table (pve-cli.md §3): one mapping, used to create and to compare.
import type { ContainerSpec } from '../../config/schema/spec.js';
import type { DevSpec, MountSpec, PctCreateOptions } from '../../host/pct.js';

/** Every CT pxdeploy makes carries this tag, so it can tell its own CTs from hand-made ones. */
export const PXDEPLOY_TAG = 'pxdeploy';

export interface Placement {
  /** Storage for the root disk (and the default for new volumes). */
  storage: string;
  /** Host file with root's authorized keys, for `--ssh-public-keys`; written by the caller. */
  sshKeysFile?: string;
}

const SIZE_GIB: Record<string, number> = { K: 1 / 1024 ** 2, M: 1 / 1024, G: 1, T: 1024 };

/** `"512M"` → `0.5`: pct allocates new volumes as `STORAGE:SIZE_GiB`. */
export function sizeInGiB(size: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMGT])$/.exec(size);
  if (!m) throw new Error(`not a size: ${size}`); // the schema admits nothing else
  return Math.round(Number(m[1]) * SIZE_GIB[m[2]!]! * 1000) / 1000;
}

function mountPoints(spec: ContainerSpec): Record<number, MountSpec> {
  const out: Record<number, MountSpec> = {};
  for (const m of spec.container.mount_points) {
    const volume = m.host ?? `${m.storage}:${sizeInGiB(m.size!)}`;
    // `backup` only means something for storage volumes; a bind mount is never backed up by vzdump.
    out[Number(m.id.slice(2))] = { volume, mp: m.container, ...(m.read_only ? { ro: true } : {}), ...(m.host ? {} : { backup: m.backup }) };
  }
  return out;
}

function devices(spec: ContainerSpec): Record<number, DevSpec> {
  const out: Record<number, DevSpec> = {};
  spec.container.devices.forEach((d, i) => {
    out[i] = { path: d.path, mode: d.mode, uid: d.uid, gid: d.gid, ...(d.read_only ? { 'deny-write': true } : {}) };
  });
  return out;
}

/** The features to set: only the enabled ones, as PVE stores them (`keyctl=1,nesting=1`); docker needs nesting and keyctl. */
function features(spec: ContainerSpec): PctCreateOptions['features'] {
  const f = spec.container.features;
  const docker = spec.provisioning.docker;
  const on = {
    ...(f.nesting || docker ? { nesting: true } : {}),
    ...(f.keyctl || (docker && spec.container.unprivileged) ? { keyctl: true } : {}),
    ...(f.fuse ? { fuse: true } : {}),
    ...(f.mknod ? { mknod: true } : {}),
    ...(f.mount.length > 0 ? { mount: f.mount } : {}),
  };
  return Object.keys(on).length > 0 ? on : undefined;
}

export function specToCreateOptions(spec: ContainerSpec, placement: Placement): PctCreateOptions {
  const c = spec.container;
  const n = c.network;
  const tags = [...new Set([PXDEPLOY_TAG, ...c.tags])].sort();
  const drop = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return drop({
    hostname: c.hostname,
    cores: c.resources.cores,
    memory: c.resources.memory,
    swap: c.resources.swap,
    rootfs: { volume: `${placement.storage}:${c.resources.disk}` },
    mp: Object.keys(c.mount_points).length > 0 ? mountPoints(spec) : undefined,
    net: { 0: drop({ name: 'eth0', bridge: n.bridge, ip: n.ip, gw: n.gateway, ip6: n.ip6, gw6: n.gw6 }) },
    dev: c.devices.length > 0 ? devices(spec) : undefined,
    features: features(spec),
    unprivileged: c.unprivileged,
    onboot: c.start_on_boot,
    tags,
    description: c.description,
    'ssh-public-keys': placement.sshKeysFile,
  });
}
