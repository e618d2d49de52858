// container.mount_points: bind mounts of host directories or new storage volumes, with ids mp0..mp255.
import { z } from 'zod';
import { show } from '../problems/show.js';
import { absolutePathProblem, matching, normalizeAbsolutePath } from './primitives.js';
import { storageId } from './names.js';

export const MAX_MOUNT_POINTS = 256;
const MP_ID = /^mp([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$/;

/** pct disk-size: number with unit K|M|G|T; a bare number in pct means bytes, so a unit is required here. */
const SIZE = /^(\d+(\.\d+)?)([KMGT])$/;

/** Mounting over these would hide what the container needs to boot or run its package manager. */
const SYSTEM_DIRS = new Set(['/', '/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/libx32', '/proc', '/run', '/sbin', '/sys', '/usr', '/var']);
/** Kernel file systems LXC sets up itself: nothing may be mounted anywhere below them. */
const RUNTIME_TREES = ['/proc', '/sys', '/dev'];

export function containerPathProblem(p: string): string | undefined {
  const basic = absolutePathProblem(p);
  if (basic) return basic;
  const n = normalizeAbsolutePath(p);
  if (SYSTEM_DIRS.has(n)) return `${show(p)} is a system directory of the container; mount below it or elsewhere (e.g. /srv/…, /mnt/…)`;
  const tree = RUNTIME_TREES.find((t) => n.startsWith(`${t}/`));
  if (tree) return `${show(p)} is inside ${tree}, which the container runtime manages`;
  return undefined;
}

const containerPath = z
  .string()
  .superRefine((p, ctx) => {
    const problem = containerPathProblem(p);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform(normalizeAbsolutePath);

const hostPath = z
  .string()
  .superRefine((p, ctx) => {
    const problem = absolutePathProblem(p);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform(normalizeAbsolutePath);

/** `"10G"`; a plain number is read as GB (like resources.disk) and written `"<n>G"`. */
const diskSize = z.preprocess(
  (v) => (typeof v === 'number' ? `${v}G` : v),
  z.string().superRefine((s, ctx) => {
    const m = SIZE.exec(s);
    if (!m) ctx.addIssue({ code: 'custom', message: `${show(s)} is not a size: use a number with a unit K, M, G or T, e.g. "10G"` });
    else if (Number(m[1]) <= 0) ctx.addIssue({ code: 'custom', message: `${show(s)} must be larger than zero` });
  }),
);

export const mountPointSchema = z
  .object({
    /** Omitted ids are assigned in order from the lowest free mpN. */
    id: matching(MP_ID, 'is not a mount point id (mp0 … mp255)').optional(),
    /** Bind mount of this host directory… */
    host: hostPath.optional(),
    /** …or a new volume on this storage (then `size` is required). Exactly one of host/storage: rules.ts. */
    storage: storageId().optional(),
    container: containerPath,
    read_only: z.boolean().default(false),
    size: diskSize.optional(),
    backup: z.boolean().default(true),
  })
  .strict();

type MountPointInput = z.output<typeof mountPointSchema>;
export type MountPoint = MountPointInput & { id: string };

/** Give every mount point an id: explicit ids are kept, the others take the lowest free mpN in file order. */
export function assignMountIds(list: MountPointInput[]): MountPoint[] {
  const taken = new Set(list.flatMap((m) => (m.id === undefined ? [] : [m.id])));
  let next = 0;
  return list.map((m) => {
    if (m.id !== undefined) return { ...m, id: m.id };
    while (taken.has(`mp${next}`)) next++;
    const id = `mp${next}`;
    taken.add(id);
    return { id, ...m };
  });
}

export const mountPointsSchema = z.array(mountPointSchema).max(MAX_MOUNT_POINTS).transform(assignMountIds).default([]);
