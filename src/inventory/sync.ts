// `inventory sync`: read the cluster through pvesh, then write only what changed (rows + a state_snapshots row per change).
import os from 'node:os';
import type { Context } from '../context.js';
import { NotFoundError, UsageError } from '../errors.js';
import { runPve } from '../host/pve-run.js';
import { parseNodes, parseNodeStatus, pveshClusterResourcesVm, pveshGet, pveshNodes, pveshNodeStatus, pveVersionOf, type PveNode } from '../host/pvesh.js';
import type { Change, Fields, KindObservation } from './model.js';
import { CT_CONFIG_KEYS, localNodeOf, parseGuests, parseLxcConfig, parseNodeStorage, parseNodeTasks, pveshLxcConfig, pveshNodeStorage, pveshNodeTasks, type Guest } from './pve-reads.js';
import { InventoryStore, type ApplyResult, type TaskRow } from './store.js';

export interface SyncOptions {
  node?: string;
  allNodes?: boolean;
  /** Read every CT's config digest, not only those whose summary changed (catches config-only edits). */
  full?: boolean;
}

export interface SyncResult {
  db: string;
  nodes: string[];
  guests: number;
  /** CT configs read this time (new CTs, changed summaries, or all with --full). */
  configsRead: number;
  changes: Array<Pick<Change, 'kind' | 'id' | 'change' | 'diff'>>;
  tasksWritten: number;
  /** False when nothing differed: the database was not opened for writing. */
  written: boolean;
}

/** Parallel pvesh reads: enough to hide process start-up, few enough not to load the node. */
const CONFIG_READS_AT_ONCE = 4;

/** The nodes this sync reads: `--node`, `--all-nodes`, else this node (the only one, or the one `/cluster/status` marks local). */
export function pickNodes(all: readonly Pick<PveNode, 'node'>[], opts: SyncOptions, local?: string): string[] {
  const names = all.map((n) => n.node);
  if (opts.node !== undefined) {
    if (!names.includes(opts.node)) throw new NotFoundError(`no node '${opts.node}' in this cluster (nodes: ${names.join(', ')})`);
    return [opts.node];
  }
  if (opts.allNodes || names.length === 1) return names;
  const here = local ?? os.hostname().split('.')[0]!;
  if (names.includes(here)) return [here];
  throw new UsageError(`cannot tell which of the nodes ${names.join(', ')} is this one`, 'pass --node <name> or --all-nodes');
}

async function nodeRow(ctx: Context, n: PveNode): Promise<Fields> {
  const row: Fields = { status: n.status, cpu_max: n.maxcpu ?? null, memory_max: n.maxmem ?? null, disk_max: n.maxdisk ?? null, pve_version: null, kernel: null };
  if (n.status !== 'online') return row;
  const st = parseNodeStatus((await runPve(ctx.effects, pveshNodeStatus(n.node))).stdout);
  return { ...row, cpu_max: st.cpuinfo?.cpus ?? row.cpu_max ?? null, memory_max: st.memory.total, disk_max: st.rootfs.total, pve_version: pveVersionOf(st) ?? null, kernel: st['current-kernel']?.release ?? null };
}

const SUMMARY_KEYS = ['type', 'node_id', 'name', 'status', 'template', 'cpus', 'memory', 'disk_size', 'tags', 'lock_status'] as const;

/** A guest's row: its summary, and its config fields — read again only when the summary moved and the digest says the config did. */
async function guestRows(ctx: Context, guests: readonly Guest[], stored: ReadonlyMap<string, Fields>, full: boolean): Promise<{ rows: Map<string, Fields>; configsRead: number }> {
  const rows = new Map<string, Fields>();
  const toRead: Guest[] = [];
  for (const g of guests) {
    const before = stored.get(String(g.vmid));
    const carried: Fields = Object.fromEntries([...CT_CONFIG_KEYS, 'config_digest'].map((k) => [k, before?.[k] ?? null]));
    rows.set(String(g.vmid), { ...g.summary, ...carried });
    const moved = !before || SUMMARY_KEYS.some((k) => (before[k] ?? null) !== (g.summary[k] ?? null));
    if (g.summary.type === 'lxc' && (full || moved)) toRead.push(g);
  }
  let next = 0;
  const worker = async () => {
    while (next < toRead.length) {
      const g = toRead[next++]!;
      const res = await runPve(ctx.effects, pveshLxcConfig(String(g.summary.node_id), g.vmid), { allowFailure: true });
      if (res.exitCode !== 0) continue; // gone between the two reads: the next sync sees it deleted
      const cfg = parseLxcConfig(g.vmid, res.stdout);
      const row = rows.get(String(g.vmid))!;
      if (cfg.config_digest !== row.config_digest) Object.assign(row, cfg);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONFIG_READS_AT_ONCE, toRead.length) }, worker));
  return { rows, configsRead: toRead.length };
}

export async function syncInventory(ctx: Context, opts: SyncOptions): Promise<SyncResult> {
  const all = parseNodes((await runPve(ctx.effects, pveshNodes())).stdout);
  const needLocal = opts.node === undefined && !opts.allNodes && all.length > 1;
  const scope = pickNodes(all, opts, needLocal ? localNodeOf((await runPve(ctx.effects, pveshGet('/cluster/status'))).stdout) : undefined);
  const inScope = new Set(scope);
  const read = InventoryStore.openForRead(ctx.paths.inventoryDb);
  let seen: KindObservation[];
  let tasks: TaskRow[];
  let preview: ApplyResult;
  let guestCount: number;
  let configsRead: number;
  try {
    const nodeRows = new Map<string, Fields>();
    const storageRows = new Map<string, Fields>();
    tasks = [];
    for (const n of all.filter((x) => inScope.has(x.node))) {
      nodeRows.set(n.node, await nodeRow(ctx, n));
      if (n.status !== 'online') continue;
      for (const [id, row] of parseNodeStorage(n.node, (await runPve(ctx.effects, pveshNodeStorage(n.node))).stdout)) storageRows.set(id, row);
      tasks.push(...parseNodeTasks(n.node, (await runPve(ctx.effects, pveshNodeTasks(n.node))).stdout));
    }
    const guests = parseGuests((await runPve(ctx.effects, pveshClusterResourcesVm())).stdout);
    const mine = guests.filter((g) => inScope.has(String(g.summary.node_id)));
    const g = await guestRows(ctx, mine, read.rows('container'), !!opts.full);
    guestCount = mine.length;
    configsRead = g.configsRead;
    seen = [
      { kind: 'node', rows: nodeRows, scopeNodes: opts.allNodes ? undefined : inScope },
      { kind: 'container', rows: g.rows, scopeNodes: inScope, seenElsewhere: new Set(guests.map((x) => String(x.vmid))) },
      { kind: 'storage', rows: storageRows, scopeNodes: inScope },
    ];
    preview = read.preview(seen, tasks);
  } finally {
    read.close();
  }
  const pending = preview.changes.length + preview.tasksWritten;
  const result =
    pending === 0
      ? { ...preview, written: false }
      : await ctx.effects.afterApply(
          `write ${preview.changes.length} resource change(s) and ${preview.tasksWritten} task(s) to ${ctx.paths.inventoryDb}`,
          async () => {
            const store = InventoryStore.openForWrite(ctx.paths.inventoryDb);
            try {
              return { ...store.apply(seen, tasks, ctx.clock.now().toISOString()), written: true };
            } finally {
              store.close();
            }
          },
          { ...preview, written: false },
        );
  if (result.written) ctx.log.info(`inventory: ${result.changes.length} change(s), ${result.tasksWritten} task(s) written to ${ctx.paths.inventoryDb}`);
  return {
    db: ctx.paths.inventoryDb,
    nodes: scope,
    guests: guestCount,
    configsRead,
    changes: result.changes.map(({ kind, id, change, diff }) => ({ kind, id, change, diff })),
    tasksWritten: result.tasksWritten,
    written: result.written,
  };
}
