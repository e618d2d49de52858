// The inventory database (SQLite, WAL): opening with migrations, rows by kind, one short transaction per kind, history queries.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { NewerFormatError } from '../errors.js';
import { ChangeWriter, type KindTable, type TaskRow } from './change-writer.js';
import type { ChangeType, FieldDiff, Fields, Kind } from './model.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';

/** Another pxdeploy writing the same file waits this long for its turn instead of failing "database is locked". */
export const BUSY_TIMEOUT_MS = 10_000;
export { APPLY_BATCH, type ApplyResult, type ChangeSummary, type TaskRow } from './change-writer.js';

const TABLES: Record<Kind, KindTable> = {
  node: { table: 'nodes', numericId: false, columns: ['status', 'cpu_max', 'memory_max', 'disk_max', 'pve_version', 'kernel'] },
  container: {
    table: 'containers',
    numericId: true,
    columns: ['type', 'node_id', 'name', 'status', 'template', 'cpus', 'memory', 'disk_size', 'tags', 'lock_status', 'hostname', 'cores', 'swap', 'ostype', 'unprivileged', 'onboot', 'net0', 'rootfs', 'config_digest'],
  },
  storage: { table: 'storage', numericId: false, columns: ['node_id', 'storage', 'type', 'content', 'enabled', 'active', 'shared', 'total_bytes'] },
};

export const KINDS = Object.keys(TABLES) as Kind[];
export const columnsOf = (kind: Kind): readonly string[] => TABLES[kind].columns;

export interface Snapshot {
  id: number;
  time: string;
  kind: Kind;
  resourceId: string;
  change: ChangeType;
  data: Fields;
  diff: FieldDiff;
}

export class InventoryStore {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly cleanup?: string;

  private constructor(file: string, db: Database.Database, cleanup?: string) {
    this.file = file;
    this.db = db;
    this.cleanup = cleanup;
  }

  /** For sync's write phase: creates the file (and its directory), sets WAL and upgrades the schema. */
  static openForWrite(file: string): InventoryStore {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    return retryWhileBusy(() => {
      const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
      try {
        // A read first, so the connection learns the file is already WAL; only a new file changes mode,
        // since SQLite answers a mode change that meets another connection with BUSY at once, busy_timeout or not.
        schemaVersion(db);
        if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        migrate(db, file);
      } catch (err) {
        db.close();
        throw err;
      }
      return new InventoryStore(file, db);
    });
  }

  /**
   * For reads (show, history, drift, sync's plan): never creates or changes the file. An absent file
   * reads as an empty inventory; an older schema is upgraded in a private copy, so queries see today's tables.
   */
  static openForRead(file: string): InventoryStore {
    if (!existsSync(file)) {
      const db = new Database(':memory:');
      migrate(db, file);
      return new InventoryStore(file, db);
    }
    const db = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    const version = schemaVersion(db);
    refuseNewer(version, file);
    if (version === SCHEMA_VERSION) return new InventoryStore(file, db);
    db.close();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pxdeploy-inventory-'));
    const copy = path.join(dir, 'inventory.db');
    copyFileSync(file, copy);
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
    const upgraded = new Database(copy);
    migrate(upgraded, file);
    return new InventoryStore(file, upgraded, dir);
  }

  get version(): number {
    return schemaVersion(this.db);
  }

  close(): void {
    this.db.close();
    if (this.cleanup) rmSync(this.cleanup, { recursive: true, force: true });
  }

  rows(kind: Kind): Map<string, Fields> {
    const out = new Map<string, Fields>();
    for (const r of this.db.prepare(`SELECT * FROM ${TABLES[kind].table} ORDER BY id`).all() as Fields[]) out.set(String(r.id), r);
    return out;
  }

  knownNodes(): Set<string> {
    return new Set((this.db.prepare('SELECT id FROM nodes').pluck().all() as string[]));
  }

  tasks(node?: string): TaskRow[] {
    const sql = `SELECT * FROM tasks ${node ? 'WHERE node_id = ?' : ''} ORDER BY start_time DESC, upid`;
    return this.db.prepare(sql).all(...(node ? [node] : [])) as TaskRow[];
  }

  /**
   * Start feeding one sync's observations: `at` is the snapshot time, or undefined for a plan (the same
   * diffs, nothing written). The nodes known before the sync are read now, before any node row is written.
   */
  writer(at: string | undefined): ChangeWriter {
    return new ChangeWriter({ db: this.db, tables: TABLES, rowsById: (k, ids) => this.rowsById(k, ids), known: this.knownNodes(), at });
  }

  /** The stored rows of these ids (one query through json_each, whatever the count). */
  rowsById(kind: Kind, ids: readonly string[]): Map<string, Fields> {
    const t = TABLES[kind];
    const out = new Map<string, Fields>();
    const list = JSON.stringify(ids.map((id) => (t.numericId ? Number(id) : id)));
    for (const r of this.db.prepare(`SELECT * FROM ${t.table} WHERE id IN (SELECT value FROM json_each(?))`).all(list) as Fields[]) out.set(String(r.id), r);
    return out;
  }

  /** Tasks not stored yet, or whose status or end time moved on. */
  private changedTasks(tasks: readonly TaskRow[]): TaskRow[] {
    if (tasks.length === 0) return [];
    const have = new Map((this.db.prepare('SELECT upid, status, end_time FROM tasks').all() as TaskRow[]).map((r) => [r.upid, `${r.status}|${r.end_time}`]));
    return tasks.filter((r) => have.get(r.upid) !== `${r.status}|${r.end_time}`);
  }

  /** A resource's snapshots, oldest first; `ids` match the resource id or, for storage, the storage name on any node. */
  snapshots(q: { kind?: Kind; id: string; since?: string }): Snapshot[] {
    const where = ['(resource_id = @id OR (resource_type = \'storage\' AND resource_id LIKE \'%/\' || @id))'];
    if (q.kind) where.push('resource_type = @kind');
    if (q.since) where.push('snapshot_time >= @since');
    const rows = this.db
      .prepare(`SELECT id, snapshot_time, resource_type, resource_id, change_type, resource_data, diff FROM state_snapshots WHERE ${where.join(' AND ')} ORDER BY id`)
      .all({ id: q.id, kind: q.kind ?? null, since: q.since ?? null }) as Array<Record<string, string | number>>;
    return rows.map((r) => ({
      id: Number(r.id),
      time: String(r.snapshot_time),
      kind: r.resource_type as Kind,
      resourceId: String(r.resource_id),
      change: r.change_type as ChangeType,
      data: JSON.parse(String(r.resource_data)) as Fields,
      diff: JSON.parse(String(r.diff)) as FieldDiff,
    }));
  }

  snapshotCount(): number {
    return this.db.prepare('SELECT count(*) FROM state_snapshots').pluck().get() as number;
  }
}

function schemaVersion(db: Database.Database): number {
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!has) return 0;
  return (db.prepare('SELECT coalesce(max(version), 0) FROM schema_migrations').pluck().get() as number) ?? 0;
}

function refuseNewer(version: number, file: string): void {
  if (version > SCHEMA_VERSION) {
    throw new NewerFormatError(file, 'inventory schema version', version, SCHEMA_VERSION);
  }
}

/**
 * Run an open again while SQLite says BUSY, up to BUSY_TIMEOUT_MS: the busy handler covers ordinary lock waits,
 * but not the few cases SQLite refuses at once (a journal-mode change, WAL recovery by another opener).
 */
function retryWhileBusy<T>(open: () => T): T {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let pause = 5; ; pause = Math.min(pause * 2, 200)) {
    try {
      return open();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY') || Date.now() + pause > deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause); // a synchronous pause: the store's API is synchronous
    }
  }
}

/** Apply the missing migrations in one IMMEDIATE transaction, so two processes opening an old file upgrade it once. */
function migrate(db: Database.Database, file: string): void {
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    const from = schemaVersion(db);
    refuseNewer(from, file);
    const mark = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
    for (let v = from; v < SCHEMA_VERSION; v++) {
      db.exec(MIGRATIONS[v]!);
      mark.run(v + 1, new Date().toISOString());
    }
  }).immediate();
}
