// `ct set` / `ct resize`: vertical scaling with pct set and pct resize, reporting what changed and whether it is live or pending.
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { PCT_KEYS, parsePctConfig, parsePctStatus, pctConfig, pctResize, pctSet, pctStatus, type PctConfig } from '../host/pct.js';
import { runPve } from '../host/pve-run.js';

export type ResourceKey = 'memory' | 'cores' | 'swap';

export interface ResourceChange {
  key: ResourceKey;
  from?: number;
  to: number;
  applied: 'live' | 'pending';
}

const KEYS: readonly ResourceKey[] = ['memory', 'cores', 'swap'];
/** PVE's own bounds (pve-cli.md §3.1): memory ≥ 16 MB, swap ≥ 0, 1–8192 cores. */
const BOUNDS: Record<ResourceKey, [number, number]> = { memory: [16, 2 ** 40], cores: [1, 8192], swap: [0, 2 ** 40] };

function checkWant(want: Partial<Record<ResourceKey, number>>): void {
  for (const key of KEYS) {
    const v = want[key];
    if (v === undefined) continue;
    const [min, max] = BOUNDS[key];
    if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`invalid ${key} ${v}: expected a whole number from ${min} to ${max}`);
  }
}

async function readConfig(ctx: Context, vmid: number, current = false): Promise<PctConfig> {
  return parsePctConfig((await runPve(ctx.effects, pctConfig(vmid, { current }))).stdout);
}

/**
 * Set memory/cores/swap where they differ from the config (pending values included, so asking again
 * for what is already pending changes nothing). A running CT gets them as PVE's hotplug rules allow;
 * what `pct config --current` then shows tells live from pending.
 */
export async function setContainerResources(ctx: Context, vmid: number, want: { memory?: number; cores?: number; swap?: number }): Promise<ResourceChange[]> {
  checkWant(want);
  const [have, status] = await Promise.all([readConfig(ctx, vmid), runPve(ctx.effects, pctStatus(vmid)).then((r) => parsePctStatus(r.stdout))]);
  const changed = KEYS.filter((k) => want[k] !== undefined && want[k] !== have[k]);
  if (changed.length === 0) return [];
  await runPve(ctx.effects, pctSet(vmid, Object.fromEntries(changed.map((k) => [k, want[k]]))));
  // Predicted from the key table for a plan; read back for real (a hotplug PVE could not do stays pending).
  const predicted = Object.fromEntries(changed.map((k) => [k, status !== 'running' || ['direct', 'hotplug'].includes(PCT_KEYS[k].apply) ? want[k] : have[k]]));
  const current = await ctx.effects.afterApply(`read the current (non-pending) config of CT ${vmid}`, async () => readConfig(ctx, vmid, true), predicted as Partial<PctConfig>);
  return changed.map((key) => ({ key, ...(have[key] !== undefined ? { from: have[key] } : {}), to: want[key]!, applied: current[key] === want[key] ? 'live' : 'pending' }));
}

const UNIT: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** `8G`, `512M`, `1.5G`, bare bytes → bytes. */
export function sizeBytes(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMGT])?$/.exec(text);
  if (!m) throw new UsageError(`invalid size '${text}'`);
  return Math.floor(Number(m[1]) * (m[2] ? UNIT[m[2]]! : 1));
}

/** As PVE writes `size=`: the largest unit that divides the size exactly. */
export function formatSize(bytes: number): string {
  for (const unit of ['T', 'G', 'M', 'K']) {
    const div = UNIT[unit]!;
    if (bytes >= div && bytes % div === 0) return `${bytes / div}${unit}`;
  }
  return String(bytes);
}

function diskSize(cfg: PctConfig, disk: string): string | undefined {
  const mount = disk === 'rootfs' ? cfg.rootfs : cfg.mp[Number(disk.slice(2))];
  if (!mount) throw new UsageError(`CT has no disk '${disk}'`, 'see its disks with `pct config <vmid>` (rootfs, mp0, mp1, ...)');
  return mount.size;
}

export interface DiskResize {
  disk: string;
  from?: string;
  to: string;
  changed: boolean;
}

/**
 * Grow `disk` to `size` (or by `+size`). Shrinking is refused before pct is asked (PVE cannot), and
 * asking for the size the disk already has changes nothing.
 */
export async function resizeContainerDisk(ctx: Context, vmid: number, disk: string, size: string): Promise<DiskResize> {
  const cmd = pctResize(vmid, disk, size); // checks disk and size before anything is read
  const from = diskSize(await readConfig(ctx, vmid), disk);
  const grow = size.startsWith('+');
  const amount = sizeBytes(grow ? size.slice(1) : size);
  const fromBytes = from === undefined ? undefined : sizeBytes(from);
  if (fromBytes !== undefined) {
    const target = grow ? fromBytes + amount : amount;
    if (target === fromBytes) return { disk, from, to: from!, changed: false };
    if (target < fromBytes) throw new UsageError(`cannot shrink ${disk} of CT ${vmid} from ${from} to ${formatSize(target)}`, 'PVE only grows disks');
  }
  await runPve(ctx.effects, cmd);
  const predicted = fromBytes === undefined ? '(known after apply)' : formatSize(grow ? fromBytes + amount : amount);
  const to = await ctx.effects.afterApply(`read the new size of ${disk} of CT ${vmid}`, async () => diskSize(await readConfig(ctx, vmid), disk) ?? predicted, predicted);
  return { disk, ...(from !== undefined ? { from } : {}), to, changed: true };
}
