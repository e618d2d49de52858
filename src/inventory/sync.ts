// `inventory sync`: read the cluster through pvesh, then write only what changed (rows + a state_snapshots row per change).
import os from 'node:os';
import type { Context } from '../context.js';
import type { CommandResult } from '../host/command.js';
import { NotFoundError, UsageError } from '../errors.js';
import { runPve } from '../host/pve-run.js';
import { parseNodes, parseNodeStatus, pveshClusterResourcesVm, pveshGet, pveshNodes, pveshNodeStatus, pveVersionOf, type PveNode } from '../host/pvesh.js';
import { diffFields, type Fields } from './model.js';
import { CT_CONFIG_KEYS, localNodeOf, parseGuests, parseLxcConfig, parseNodeStorage, parseNodeTasks, pveshLxcConfig, pveshNodeStorage, pveshNodeTasks, type Guest } from './pve-reads.js';
import { readCtConfig } from './pmxcfs-config.js';
import { InventoryStore, type ApplyResult, type ChangeSummary, type TaskRow } from './store.js';

export interface SyncOptions {
  node?: string;
  allNodes?: boolean;
  /** Without pmxcfs (configs through pvesh): read every CT's config, not only those whose summary changed. With it every config is checked anyway. */
  full?: boolean;
}

export interface SyncResult {
  db: string;
  nodes: string[];
  guests: number;
  /** CT configs read this time: every CT's from pmxcfs; through pvesh (no readable /etc/pve) new CTs, changed summaries, or all with --full. */
  configsRead: number;
  /** How many of them came straight from /etc/pve (the rest through `pvesh get …/config`). */
  configsFromPmxcfs: number;
  /** `discovered` changes carry no diff (every field would be in it; `history` has the row). */
  changes: ChangeSummary[];
  tasksWritten: number;
  /** False when nothing differed (nothing was written), and on --dry-run. */
  written: boolean;
}

/** Parallel pvesh reads: enough to hide process start-up, few enough not to load the node. */
const CONFIG_READS_AT_ONCE = 4;

/** Run `fn` over `items` with at most `n` at once. */
async function eachAtOnce<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

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

/** Guests handled together: their stored rows are read in one query, and their changes written in one batch. */
const GUEST_BATCH = 200;

/**
 * One batch of guests' rows that may differ from the stored ones (new, a field moved, or a new config
 * digest). A row is the guest's summary and its config fields. Every CT's config is read from pmxcfs
 * (cheap: one file read and a SHA-1) and parsed only when its digest differs from the stored one, so a
 * config-only edit (net0, onboot…) is seen by a plain sync. Where the file cannot be read, pvesh is asked
 * instead, but only for CTs whose summary moved (or all with `full`): one process per CT is what makes that path slow.
 */
async function guestBatchRows(ctx: Context, batch: readonly Guest[], store: InventoryStore, full: boolean): Promise<{ rows: Map<string, Fields>; fromFiles: number; fromPvesh: number }> {
  const rows = new Map<string, Fields>();
  let fromFiles = 0;
  const stored = store.rowsById('container', batch.map((g) => String(g.vmid)));
  const built = new Map<string, Fields>();
  const viaPvesh: Guest[] = [];
  const take = (g: Guest, cfg: Fields) => {
    const row = built.get(String(g.vmid))!;
    if (cfg.config_digest !== row.config_digest) Object.assign(row, cfg);
  };
  for (const g of batch) {
    const before = stored.get(String(g.vmid));
    const carried: Fields = Object.fromEntries([...CT_CONFIG_KEYS, 'config_digest'].map((k) => [k, before?.[k] ?? null]));
    built.set(String(g.vmid), { ...g.summary, ...carried });
    if (g.summary.type !== 'lxc') continue;
    const file = readCtConfig(ctx.paths.pveDir, String(g.summary.node_id), g.vmid, before?.config_digest);
    if (file) {
      fromFiles++;
      if (file.fields) take(g, file.fields);
      continue;
    }
    const moved = !before || SUMMARY_KEYS.some((k) => (before[k] ?? null) !== (g.summary[k] ?? null));
    if (full || moved) viaPvesh.push(g);
  }
  await eachAtOnce(viaPvesh, CONFIG_READS_AT_ONCE, async (g) => {
    const res = await runPve(ctx.effects, pveshLxcConfig(String(g.summary.node_id), g.vmid), { allowFailure: true });
    if (res.exitCode === 0) take(g, parseLxcConfig(g.vmid, res.stdout)); // else gone between the two reads: the next sync sees it deleted
  });
  for (const [id, row] of built) {
    const before = stored.get(id);
    if (!before || (before.config_digest ?? null) !== (row.config_digest ?? null) || Object.keys(diffFields(before, row)).length > 0) rows.set(id, row);
  }
  return { rows, fromFiles, fromPvesh: viaPvesh.length };
}

/** What the cluster's nodes report: their rows, storage rows and tasks, and every guest (one `/cluster/resources`). */
async function readCluster(ctx: Context, nodes: readonly PveNode[], resourcesRead: Promise<CommandResult>): Promise<{ nodeRows: Map<string, Fields>; storageRows: Map<string, Fields>; tasks: TaskRow[]; guests: Guest[] }> {
  // The nodes' reads and the guest list are independent: asked side by side (each is a pvesh process).
  const perNode = new Map<string, { row: Fields; storage?: Map<string, Fields>; tasks?: TaskRow[] }>();
  const [, resources] = await Promise.all([
    eachAtOnce(nodes, CONFIG_READS_AT_ONCE - 1, async (n) => {
      const row = await nodeRow(ctx, n);
      if (n.status !== 'online') return void perNode.set(n.node, { row });
      const storage = parseNodeStorage(n.node, (await runPve(ctx.effects, pveshNodeStorage(n.node))).stdout);
      perNode.set(n.node, { row, storage, tasks: parseNodeTasks(n.node, (await runPve(ctx.effects, pveshNodeTasks(n.node))).stdout) });
    }),
    resourcesRead,
  ]);
  const nodeRows = new Map<string, Fields>();
  const storageRows = new Map<string, Fields>();
  const tasks: TaskRow[] = [];
  for (const n of nodes) {
    const r = perNode.get(n.node)!;
    nodeRows.set(n.node, r.row);
    for (const [id, row] of r.storage ?? []) storageRows.set(id, row);
    tasks.push(...(r.tasks ?? []));
  }
  return { nodeRows, storageRows, tasks, guests: parseGuests(resources.stdout) };
}

/**
 * Read the cluster, then feed the store's writer kind by kind, guests batch by batch, so memory follows a
 * batch and the changes, not the cluster's size. A real run writes each batch as it goes (nothing when
 * nothing differs); `--dry-run` computes the same changes against the stored rows and writes nothing.
 */
export async function syncInventory(ctx: Context, opts: SyncOptions): Promise<SyncResult> {
  // The guest list is the slowest read and needs nothing from the others: asked first, beside `/nodes`.
  const resourcesRead = runPve(ctx.effects, pveshClusterResourcesVm());
  resourcesRead.catch(() => undefined); // awaited below; a bad --node throws before that, and must not leave it unhandled
  const all = parseNodes((await runPve(ctx.effects, pveshNodes())).stdout);
  const needLocal = opts.node === undefined && !opts.allNodes && all.length > 1;
  const scope = pickNodes(all, opts, needLocal ? localNodeOf((await runPve(ctx.effects, pveshGet('/cluster/status'))).stdout) : undefined);
  const inScope = new Set(scope);
  const seen = await readCluster(ctx, all.filter((x) => inScope.has(x.node)), resourcesRead);
  const mine = seen.guests.filter((g) => inScope.has(String(g.summary.node_id)));
  const planning = ctx.effects.plan !== undefined;
  const store = planning ? InventoryStore.openForRead(ctx.paths.inventoryDb) : InventoryStore.openForWrite(ctx.paths.inventoryDb);
  let result: ApplyResult;
  let fromFiles = 0;
  let fromPvesh = 0;
  try {
    const w = store.writer(planning ? undefined : ctx.clock.now().toISOString());
    w.seen('node', seen.nodeRows);
    w.gone('node', new Set(seen.nodeRows.keys()), opts.allNodes ? undefined : inScope);
    for (let i = 0; i < mine.length; i += GUEST_BATCH) {
      const b = await guestBatchRows(ctx, mine.slice(i, i + GUEST_BATCH), store, !!opts.full);
      fromFiles += b.fromFiles;
      fromPvesh += b.fromPvesh;
      w.seen('container', b.rows);
    }
    w.gone('container', new Set(seen.guests.map((g) => String(g.vmid))), inScope); // a guest seen on another node is not gone
    w.seen('storage', seen.storageRows);
    w.gone('storage', new Set(seen.storageRows.keys()), inScope);
    w.tasks(seen.tasks);
    result = w.result();
  } finally {
    store.close();
  }
  const pending = result.changes.length + result.tasksWritten;
  const what = `write ${result.changes.length} resource change(s) and ${result.tasksWritten} task(s) to ${ctx.paths.inventoryDb}`;
  if (planning && pending > 0) await ctx.effects.afterApply(what, async () => undefined, undefined); // listed in the plan; a real run wrote it above
  if (!planning && pending > 0) ctx.log.info(`inventory: ${result.changes.length} change(s), ${result.tasksWritten} task(s) written to ${ctx.paths.inventoryDb}`);
  return {
    db: ctx.paths.inventoryDb,
    nodes: scope,
    guests: mine.length,
    configsRead: fromFiles + fromPvesh,
    configsFromPmxcfs: fromFiles,
    changes: result.changes,
    tasksWritten: result.tasksWritten,
    written: !planning && pending > 0,
  };
}
