// The inventory database: WAL and busy timeout, migrations up from an older file, refusal of a newer one, writes only on change, two writers at once.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { NewerFormatError } from '../../src/errors.js';
import type { Fields, KindObservation } from '../../src/inventory/model.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/inventory/schema.js';
import { APPLY_BATCH, BUSY_TIMEOUT_MS, InventoryStore, type TaskRow } from '../../src/inventory/store.js';
import { buildDist, repoRoot } from '../helpers/lock-build.js';

const tmpDb = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'pxd-inv-')), 'var/lib/pxdeploy/inventory.db');

const ct = (over: Fields = {}): Fields => ({ type: 'lxc', node_id: 'pve', name: 'web', status: 'stopped', template: 0, cpus: 1, memory: 512, disk_size: 2147483648, tags: null, lock_status: null, hostname: 'web', cores: 1, swap: 512, ostype: 'debian', unprivileged: 1, onboot: null, net0: 'name=eth0,bridge=vmbr0', rootfs: 'local-lvm:vm-580-disk-0,size=2G', config_digest: 'a1', ...over });
/**
 * What a sync does with its observations, through the store's writer: each kind's rows, then the stored rows
 * not seen (`seenIds` adds ids seen elsewhere, as a sync's guests on other nodes); then the tasks.
 */
function record(store: InventoryStore, seen: readonly KindObservation[], tasks: readonly TaskRow[], at: string | undefined, seenIds: readonly string[] = []) {
  const w = store.writer(at);
  for (const o of seen) {
    w.seen(o.kind, o.rows);
    w.gone(o.kind, new Set([...o.rows.keys(), ...seenIds]), o.scopeNodes);
  }
  w.tasks(tasks);
  return w.result();
}

const seen = (nodeRows: Record<string, Fields>, cts: Record<string, Fields>): KindObservation[] => [
  { kind: 'node', rows: new Map(Object.entries(nodeRows)), scopeNodes: new Set(['pve']) },
  { kind: 'container', rows: new Map(Object.entries(cts)), scopeNodes: new Set(['pve']) },
];
const node: Fields = { status: 'online', cpu_max: 2, memory_max: 4_000_000_000, disk_max: 1e11, pve_version: '9.1.1', kernel: '6.8' };

describe('inventory store', () => {
  it('creates the file in WAL mode with the current schema and a busy timeout', () => {
    const file = tmpDb();
    InventoryStore.openForWrite(file).close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all()).toEqual(
      ['containers', 'nodes', 'schema_migrations', 'sqlite_sequence', 'state_snapshots', 'storage', 'tasks'],
    );
    db.close();
    expect(BUSY_TIMEOUT_MS).toBeGreaterThanOrEqual(5000);
  });

  it('upgrades a database an older pxdeploy wrote (schema 1), keeping its rows; a read leaves the file as it was', () => {
    const file = tmpDb();
    InventoryStore.openForWrite(file).close(); // creates the directory
    const old = new Database(`${file}.old`);
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    old.exec(MIGRATIONS[0]!);
    old.prepare("INSERT INTO schema_migrations VALUES (1, '2026-01-01T00:00:00Z')").run();
    old.prepare("INSERT INTO nodes (id, status, created_at, updated_at) VALUES ('pve', 'online', 'x', 'x')").run();
    old.close();
    const oldFile = `${file}.old`;

    const reader = InventoryStore.openForRead(oldFile);
    expect([...reader.rows('node').keys()]).toEqual(['pve']);
    expect(reader.tasks()).toEqual([]); // the private upgraded copy has the new table
    reader.close();
    const untouched = new Database(oldFile, { readonly: true });
    expect(untouched.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(1);
    untouched.close();

    const store = InventoryStore.openForWrite(oldFile);
    expect(store.version).toBe(SCHEMA_VERSION);
    expect(store.rows('node').get('pve')?.status).toBe('online');
    expect(store.tasks()).toEqual([]);
    store.close();
  });

  it('refuses a database from a newer pxdeploy with one clear line, for writes and reads', () => {
    const file = tmpDb();
    InventoryStore.openForWrite(file).close();
    const db = new Database(file);
    db.prepare("INSERT INTO schema_migrations VALUES (99, '2030-01-01T00:00:00Z')").run();
    db.close();
    for (const open of [() => InventoryStore.openForWrite(file), () => InventoryStore.openForRead(file)]) {
      let err: unknown;
      try {
        open().close();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(NewerFormatError);
      expect((err as Error).message).toBe(`${file}: inventory schema version 99 is newer than this pxdeploy understands (${SCHEMA_VERSION})`);
    }
  });

  it('an absent file reads as empty and is not created by a read', async () => {
    const file = tmpDb();
    const r = InventoryStore.openForRead(file);
    expect(r.rows('container').size).toBe(0);
    r.close();
    const { existsSync } = await import('node:fs');
    expect(existsSync(file)).toBe(false);
  });

  it('writes a snapshot only for what changed: discovered, then nothing, then one updated with the field, then deleted', () => {
    const store = InventoryStore.openForWrite(tmpDb());
    const first = record(store, seen({ pve: node }, { '580': ct() }), [], '2026-12-02T10:00:00.000Z');
    expect(first.changes.map((c) => [c.kind, c.id, c.change])).toEqual([['node', 'pve', 'discovered'], ['container', '580', 'discovered']]);
    expect(record(store, seen({ pve: node }, { '580': ct() }), [], '2026-12-02T10:01:00.000Z').changes).toEqual([]);
    expect(store.snapshotCount()).toBe(2);

    const digestOnly = record(store, seen({ pve: node }, { '580': ct({ config_digest: 'b2' }) }), [], '2026-12-02T10:01:30.000Z');
    expect(digestOnly.changes).toEqual([]); // bookkeeping is stored, not history
    expect(store.rows('container').get('580')?.config_digest).toBe('b2');

    const upd = record(store, seen({ pve: node }, { '580': ct({ memory: 1024, config_digest: 'c3' }), '581': ct({ name: 'db' }) }), [], '2026-12-02T10:02:00.000Z');
    expect(upd.changes.map((c) => [c.id, c.change, c.diff])).toEqual([
      ['580', 'updated', { memory: [512, 1024] }],
      ['581', 'created', expect.objectContaining({ name: [null, 'db'] })],
    ]);
    const gone = record(store, seen({ pve: node }, { '580': ct({ memory: 1024, config_digest: 'c3' }) }), [], '2026-12-02T10:03:00.000Z');
    expect(gone.changes.map((c) => [c.id, c.change])).toEqual([['581', 'deleted']]);
    expect(store.snapshots({ id: '580' }).map((s) => [s.change, s.diff.memory])).toEqual([['discovered', [null, 512]], ['updated', [512, 1024]]]);
    expect(store.snapshots({ id: '580', since: '2026-12-02T10:01:00.000Z' })).toHaveLength(1);
    store.close();
  });

  it('writes in batches of APPLY_BATCH: every row of a large sync lands once; unchanged guests may be left out of `rows` (seen elsewhere) without reading as deleted', () => {
    const store = InventoryStore.openForWrite(tmpDb());
    const ids = Array.from({ length: 2 * APPLY_BATCH + 50 }, (_, i) => String(10000 + i));
    const all = new Set(ids);
    const obs = (rows: Record<string, Fields>): KindObservation[] => [{ kind: 'container', rows: new Map(Object.entries(rows)), scopeNodes: new Set(['pve']) }];
    const first = record(store, obs(Object.fromEntries(ids.map((id) => [id, ct({ name: `ct-${id}` })]))), [], '2026-12-02T10:00:00.000Z', [...all]);
    expect(first.changes).toHaveLength(ids.length);
    expect(store.rows('container').size).toBe(ids.length);

    all.delete(ids[0]!);
    const second = record(store, obs({ [ids[300]!]: ct({ name: `ct-${ids[300]}`, memory: 1024 }) }), [], '2026-12-02T10:01:00.000Z', [...all]);
    expect(second.changes.map((c) => [c.id, c.change, c.change === 'updated' ? c.diff : undefined])).toEqual([
      [ids[300], 'updated', { memory: [512, 1024] }],
      [ids[0], 'deleted', undefined],
    ]);
    expect(store.rows('container').size).toBe(ids.length - 1);
    expect(store.snapshotCount()).toBe(ids.length + 2);
    store.close();
  });

  it('stores tasks once and again only when their status moves on', () => {
    const store = InventoryStore.openForWrite(tmpDb());
    const t = { upid: 'UPID:pve:00001234:00ABCDEF:674D8A00:vzstart:580:root@pam:', node_id: 'pve', type: 'vzstart', resource_id: '580', user: 'root@pam', status: null, pid: 4660, start_time: 1733134848, end_time: null };
    expect(record(store, [], [t], 'now').tasksWritten).toBe(1);
    expect(record(store, [], [t], 'now').tasksWritten).toBe(0);
    expect(record(store, [], [{ ...t, status: 'OK', end_time: 1733134850 }], 'now').tasksWritten).toBe(1);
    expect(store.tasks('pve')).toEqual([{ ...t, status: 'OK', end_time: 1733134850 }]);
    store.close();
  });

  it('opening waits for a writer that holds the file while it would switch to WAL (SQLite refuses that at once)', async () => {
    const file = tmpDb();
    InventoryStore.openForWrite(file).close();
    const plain = new Database(file);
    plain.pragma('journal_mode = DELETE'); // as a file left by a rollback-journal writer, or one still being created
    plain.close();
    // Another process takes the write lock and keeps it 600 ms; the open below must wait for it, not fail.
    const holder = spawn(process.execPath, ['-e', `
      const D = require(${JSON.stringify(path.join(repoRoot, 'node_modules/better-sqlite3'))});
      const db = new D(process.env.DB); db.exec('BEGIN IMMEDIATE'); console.log('held');
      setTimeout(() => { db.exec('COMMIT'); db.close(); }, 600);`], { env: { ...process.env, DB: file } });
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    const started = Date.now();
    const store = InventoryStore.openForWrite(file);
    expect(Date.now() - started).toBeGreaterThan(100); // it did meet the lock
    store.close();
    await new Promise((resolve) => holder.on('close', resolve));
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('two processes writing the same database at once both succeed (no "database is locked")', async () => {
    await buildDist(['inventory/store.js']);
    const file = tmpDb();
    const storeJs = path.join(repoRoot, 'dist/inventory/store.js');
    // Each writer: 40 syncs of 100 CTs (its own vmid range, all changing each time), a new connection every time.
    const script = `
      const { InventoryStore } = await import(${JSON.stringify(storeJs)});
      const [base] = process.argv.slice(1).map(Number);
      for (let round = 0; round < 40; round++) {
        const rows = new Map();
        for (let i = 0; i < 100; i++) rows.set(String(base + i), { type: 'lxc', node_id: 'pve', status: 'running', memory: 256 + round, template: 0 });
        const s = InventoryStore.openForWrite(process.env.DB);
        const w = s.writer(new Date().toISOString());
        w.seen('container', rows);
        w.gone('container', new Set(rows.keys()), new Set(['none']));
        s.close();
      }
      console.log('done');`;
    const runOne = (base: number) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, String(base)], { env: { ...process.env, DB: file } });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('close', (code) => resolve({ code, out })); // 'close': all output has been read
      });
    const results = await Promise.all([runOne(1000), runOne(2000)]);
    for (const r of results) {
      expect(r.out).not.toMatch(/database is locked|SQLITE_BUSY/);
      expect(r).toEqual({ code: 0, out: 'done\n' });
    }
    const store = InventoryStore.openForRead(file);
    expect(store.rows('container').size).toBe(200);
    expect(store.snapshotCount()).toBe(2 * 40 * 100);
    store.close();
  }, 120_000);
});
