// `inventory show` and `history`: the stored rows of a kind, and one resource's snapshots as `field: old → new` lines.
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import type { Fields, Kind, Value } from './model.js';
import { columnsOf, InventoryStore, type Snapshot } from './store.js';

export const SHOW_TYPES = { ct: 'container', node: 'node', storage: 'storage' } as const satisfies Record<string, Kind>;
export type ShowType = keyof typeof SHOW_TYPES;

export interface ShowResult {
  db: string;
  nodes?: Fields[];
  containers?: Fields[];
  storage?: Fields[];
}

const plural: Record<Kind, keyof Omit<ShowResult, 'db'>> = { node: 'nodes', container: 'containers', storage: 'storage' };

export function showInventory(ctx: Pick<Context, 'paths'>, type?: ShowType): ShowResult {
  const store = InventoryStore.openForRead(ctx.paths.inventoryDb);
  try {
    const out: ShowResult = { db: ctx.paths.inventoryDb };
    for (const kind of type ? [SHOW_TYPES[type]] : (['node', 'container', 'storage'] as Kind[])) {
      out[plural[kind]] = [...store.rows(kind).values()].map((r) => ({ id: r.id ?? null, ...Object.fromEntries(columnsOf(kind).map((c) => [c, r[c] ?? null])), updated_at: r.updated_at ?? null }));
    }
    return out;
  } finally {
    store.close();
  }
}

export interface HistoryResult {
  resource: string;
  snapshots: Snapshot[];
}

/** `--since`: an ISO date/time, or a duration back from now (`30m`, `12h`, `7d`). */
export function parseSince(text: string, now: Date): string {
  const rel = /^(\d+)([smhd])$/.exec(text);
  if (rel) return new Date(now.getTime() - Number(rel[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[rel[2] as 's' | 'm' | 'h' | 'd']).toISOString();
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new UsageError(`invalid --since '${text}': expected an ISO time (2026-12-01T10:00Z) or a duration (30m, 12h, 7d)`);
  return new Date(t).toISOString();
}

/** A vmid, a node name or a storage id: every snapshot of that resource, oldest first. */
export function resourceHistory(ctx: Pick<Context, 'paths' | 'clock'>, resource: string, since?: string): HistoryResult {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(resource)) throw new UsageError(`invalid resource '${resource}': expected a vmid, node name or storage id`);
  const store = InventoryStore.openForRead(ctx.paths.inventoryDb);
  try {
    return { resource, snapshots: store.snapshots({ id: resource, since: since === undefined ? undefined : parseSince(since, ctx.clock.now()) }) };
  } finally {
    store.close();
  }
}

const show = (v: Value): string => (v === null ? '(unset)' : String(v));

/** One block per snapshot: its time, change and resource, then `field: old → new` (created: `field: value`). */
export function formatHistory(h: HistoryResult): string {
  if (h.snapshots.length === 0) return `no recorded changes for ${h.resource} (run \`pxdeploy inventory sync\` first?)`;
  return h.snapshots
    .map((s) => {
      const head = `${s.time}  ${s.change.padEnd(10)} ${s.kind} ${s.resourceId}`;
      const lines = Object.entries(s.diff).map(([k, [a, b]]) =>
        s.change === 'updated' ? `  ${k}: ${show(a)} → ${show(b)}` : s.change === 'deleted' ? `  ${k}: ${show(a)}` : `  ${k}: ${show(b)}`,
      );
      return [head, ...lines.filter((_l, i) => s.change === 'updated' || Object.values(s.diff)[i]!.some((v) => v !== null))].join('\n');
    })
    .join('\n');
}
