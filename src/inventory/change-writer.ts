// One sync's changes fed batch by batch: each batch of seen rows is diffed against its stored rows and (unless planning) written with its snapshots in one short transaction.
import type Database from 'better-sqlite3';
import { diffKind, type Change, type ChangeType, type FieldDiff, type Fields, type Kind, type KindDiff } from './model.js';

/** Resources per write transaction: short enough that another writer waits milliseconds, not the whole sync. */
export const APPLY_BATCH = 200;

export interface KindTable {
  table: string;
  numericId: boolean;
  columns: readonly string[];
}

/**
 * What a sync reports of a change. Its row is in the table, so the list stays small on a large cluster:
 * a `discovered` resource (a first sync, a new node) carries no diff, since every field would be in it.
 */
export interface ChangeSummary {
  kind: Kind;
  id: string;
  change: ChangeType;
  diff?: FieldDiff;
}
const summary = ({ kind, id, change, diff }: Change): ChangeSummary => (change === 'discovered' ? { kind, id, change } : { kind, id, change, diff });

export interface TaskRow {
  upid: string;
  node_id: string;
  type: string;
  resource_id: string | null;
  user: string | null;
  status: string | null;
  pid: number | null;
  start_time: number | null;
  end_time: number | null;
}

export interface ApplyResult {
  changes: ChangeSummary[];
  tasksWritten: number;
}

export interface WriterDeps {
  db: Database.Database;
  tables: Record<Kind, KindTable>;
  rowsById(kind: Kind, ids: readonly string[]): Map<string, Fields>;
  /** The nodes stored before this sync: a new resource on one of them is `created`, elsewhere `discovered`. */
  known: ReadonlySet<string>;
  /** Snapshot time; undefined for a plan, which writes nothing. */
  at: string | undefined;
}

export class ChangeWriter {
  private readonly changes: ChangeSummary[] = [];
  private tasksWritten = 0;
  private readonly prepared = new Map<Kind, { upsert: Database.Statement; del: Database.Statement; snap: Database.Statement }>();

  constructor(private readonly d: WriterDeps) {}

  /** Seen rows of one kind (any subset; call again with the next batch): new or changed ones become changes. */
  seen(kind: Kind, rows: ReadonlyMap<string, Fields>): void {
    const ids = [...rows.keys()];
    for (let i = 0; i < ids.length; i += APPLY_BATCH) {
      const batch = new Map(ids.slice(i, i + APPLY_BATCH).map((id) => [id, rows.get(id)!]));
      // Read and written under one IMMEDIATE lock, so two syncs never both record the same change.
      this.step(kind, () => diffKind(this.d.rowsById(kind, [...batch.keys()]), { kind, rows: batch }, this.d.known));
    }
  }

  /**
   * Stored rows of a kind this sync did not see: deleted when their node is in scope (every row of the kind
   * when `scopeNodes` is undefined). `seenIds` is every id seen, including guests seen on other nodes.
   */
  gone(kind: Kind, seenIds: ReadonlySet<string>, scopeNodes?: ReadonlySet<string>): void {
    this.step(kind, () => {
      const stored = this.d.db.prepare(`SELECT id FROM ${this.d.tables[kind].table}`).pluck().all() as Array<string | number>;
      const ids = stored.map(String).filter((id) => !seenIds.has(id));
      return diffKind(this.d.rowsById(kind, ids), { kind, rows: new Map(), scopeNodes }, this.d.known);
    });
  }

  /** Tasks not stored yet, or whose status or end time moved on. */
  tasks(list: readonly TaskRow[]): void {
    if (list.length === 0) return;
    const have = new Map((this.d.db.prepare('SELECT upid, status, end_time FROM tasks').all() as TaskRow[]).map((r) => [r.upid, `${r.status}|${r.end_time}`]));
    const fresh = list.filter((r) => have.get(r.upid) !== `${r.status}|${r.end_time}`);
    this.tasksWritten += fresh.length;
    if (fresh.length === 0 || this.d.at === undefined) return;
    const put = this.d.db.prepare(
      `INSERT INTO tasks (upid, node_id, type, resource_id, user, status, pid, start_time, end_time) VALUES (@upid, @node_id, @type, @resource_id, @user, @status, @pid, @start_time, @end_time)
       ON CONFLICT(upid) DO UPDATE SET status = excluded.status, end_time = excluded.end_time`,
    );
    this.d.db.transaction(() => fresh.forEach((r) => put.run(r))).immediate();
  }

  result(): ApplyResult {
    return { changes: this.changes, tasksWritten: this.tasksWritten };
  }

  private step(kind: Kind, diff: () => KindDiff): void {
    const at = this.d.at;
    if (at === undefined) {
      this.changes.push(...diff().changes.map(summary));
      return;
    }
    this.d.db.transaction(() => {
      const d = diff();
      if (d.changes.length > 0 || d.quiet.length > 0) this.write(kind, d, at);
    }).immediate();
  }

  /** A kind's upsert, delete and snapshot statements, prepared once per sync rather than per batch. */
  private statements(kind: Kind) {
    let st = this.prepared.get(kind);
    if (st) return st;
    const t = this.d.tables[kind];
    const cols = t.columns;
    st = {
      upsert: this.d.db.prepare(
        `INSERT INTO ${t.table} (id, ${cols.join(', ')}, created_at, updated_at) VALUES (@id, ${cols.map((c) => `@${c}`).join(', ')}, @at, @at)
         ON CONFLICT(id) DO UPDATE SET ${cols.map((c) => `${c} = excluded.${c}`).join(', ')}, updated_at = excluded.updated_at`,
      ),
      del: this.d.db.prepare(`DELETE FROM ${t.table} WHERE id = ?`),
      snap: this.d.db.prepare('INSERT INTO state_snapshots (snapshot_time, resource_type, resource_id, change_type, resource_data, diff) VALUES (?, ?, ?, ?, ?, ?)'),
    };
    this.prepared.set(kind, st);
    return st;
  }

  private write(kind: Kind, d: KindDiff, at: string): void {
    const t = this.d.tables[kind];
    const cols = t.columns;
    const { upsert, del, snap } = this.statements(kind);
    const idOf = (id: string) => (t.numericId ? Number(id) : id);
    const row = (id: string, f: Fields) => ({ ...Object.fromEntries(cols.map((c) => [c, f[c] ?? null])), id: idOf(id), at });
    for (const c of d.changes) {
      if (c.change === 'deleted') del.run(idOf(c.id));
      else upsert.run(row(c.id, c.fields));
      const data = Object.fromEntries(cols.map((k) => [k, c.fields[k] ?? null]));
      snap.run(at, kind, c.id, c.change, JSON.stringify(data), JSON.stringify(c.diff));
      this.changes.push(summary(c));
    }
    for (const [id, f] of d.quiet) upsert.run(row(id, f));
  }
}
