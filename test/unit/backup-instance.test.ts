// The blue/green instance backup source: the exact commands run in the CT, the streams it opens (recorded argv, fed bytes), metadata, redaction, dry-run, the restore swap's undo, retention sparing the pre-update backup.
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { verifyArchive } from '../../src/backup/check-archive.js';
import { openCommandStream } from '../../src/backup/instance/ct-stream.js';
import { activeUnits, instanceRestoreTarget } from '../../src/backup/instance/restore-target.js';
import { databasePlan, dumpCheck } from '../../src/backup/instance/database.js';
import type { BackupRecord } from '../../src/backup/ops/backup-index.js';
import { filesTarArgv, instanceBackupSource } from '../../src/backup/ops/instance-source.js';
import { pruneBackups } from '../../src/backup/ops/prune.js';
import { takeBackup } from '../../src/backup/ops/take-backup.js';
import { loadCatalog, requirePackage } from '../../src/catalog/index.js';
import type { HostCommand } from '../../src/host/command.js';
import { RecordingRunner, type ExpectedCommand } from '../../src/host/recording-runner.js';
import { appModel, type AppModel } from '../../src/instances/app-model.js';
import type { InstanceConfig } from '../../src/instances/config-schema.js';
import type { LoadedInstance } from '../../src/instances/load.js';
import { writeInstanceState, type InstanceState } from '../../src/state/instance-state.js';
import { testContext } from '../helpers/context.js';
import { makeTree, run, tarStreamOf, tempDir } from './backup/helpers.js';

const pkgs = fileURLToPath(new URL('../../packages', import.meta.url));
const notes = async () => appModel(requirePackage((await loadCatalog(pkgs)).packages, 'notes').pkg);
const exec = (argv: string[], stdout = '', exitCode = 0): ExpectedCommand => ({ file: 'pct', args: ['exec', '550', '--', ...argv], result: { stdout, exitCode } });
const COPY = '/var/backups/notes/.pxdeploy-backup.db';
const FILES_TAR = ['sh', '-c', 'tar "$@"; s=$?; [ "$s" -le 1 ] || exit "$s"', 'tar', '-cf', '-', '--warning=no-file-changed', '-C', '/var/lib/notes/files', '.'];
const TS = Date.parse('2026-12-02T10:00:00Z') / 1000;

function instance(app: AppModel): LoadedInstance {
  const config = { app: app.name, container: { hostname: 'notes-bk' }, health: { timeout: 1, interval: 0.05 } } as unknown as InstanceConfig;
  return { id: 'notes-bk', file: '/etc/pxdeploy/instances/notes-bk.yaml', config, spec: {} as LoadedInstance['spec'], lineOf: (() => undefined) as unknown as LoadedInstance['lineOf'], app };
}

const state: InstanceState = {
  schemaVersion: 1, instance_id: 'notes-bk', container_id: 550, status: 'running', active_color: 'green', last_operation: 'update',
  last_operation_time: '2026-12-01T00:00:00Z', last_operation_status: 'success', deployed_version: '2.0.0', app: 'notes', url: 'http://10.203.0.90/',
  colors: { blue: { version: '1.0.0', deployed_at: '2026-11-30T00:00:00Z', health: 'ready' }, green: { version: '2.0.0', commits: { backend: 'abc123' }, deployed_at: '2026-12-01T00:00:00Z', health: 'ready' } },
};

/** An opener that records each command and answers from `answers` (keyed by the in-CT argv joined with spaces). */
function recordingOpener(answers: Record<string, () => Readable>) {
  const opened: string[][] = [];
  return {
    opened,
    open: (cmd: HostCommand) => {
      opened.push([cmd.file, ...cmd.args]);
      const key = cmd.args.slice(3).join(' ');
      const answer = answers[key];
      if (!answer) throw new Error(`unexpected stream: ${key}`);
      return answer();
    },
  };
}

describe('command streams', () => {
  const drain = async (r: Readable) => {
    let out = '';
    for await (const c of r as AsyncIterable<Buffer>) out += c.toString();
    return out;
  };

  it('start on the first read, carry stdout through, and fail with the command and exit code when it dies part-way', async () => {
    expect(await drain(openCommandStream({ file: 'sh', args: ['-c', 'printf abc'] }))).toBe('abc');
    await expect(drain(openCommandStream({ file: 'sh', args: ['-c', 'printf abc; echo gone >&2; exit 3'] }))).rejects.toThrow(/streaming from `sh -c .*` failed with exit code 3\ngone/);
  });
});

describe('instance backup source (sqlite)', () => {
  it('runs exactly the CT commands of a consistent copy, streams the copy and the files folder out, and writes the seed metadata', async () => {
    const app = await notes();
    const files = tempDir();
    makeTree(files.dir);
    const runner = new RecordingRunner([
      exec(['cat', '/etc/notes/deployment-config.yaml'], 'deployment:\n  instance_id: notes-bk\ndatabase:\n  password: hunter2\n'),
      exec(['test', '-f', '/var/lib/notes/notes.db']),
      exec(['test', '-d', '/var/lib/notes/files']),
      exec(['mkdir', '-p', '/var/backups/notes']),
      exec(['sqlite3', '-cmd', '.timeout 30000', '/var/lib/notes/notes.db', `.backup ${COPY}`]),
      exec(['sqlite3', COPY, 'PRAGMA integrity_check;'], 'ok\n'),
      exec(['rm', '-f', COPY]),
    ]);
    const { ctx } = testContext(runner);
    const rec = recordingOpener({ [`cat ${COPY}`]: () => Readable.from([Buffer.from('SQLite format 3\0 pretend pages')]), [FILES_TAR.join(' ')]: () => tarStreamOf(files.dir) });
    const source = instanceBackupSource(ctx.paths, instance(app), state, { open: rec.open });
    expect(source).toMatchObject({ id: 'notes-bk', kind: 'instance', lockResource: 'notes-bk', version: '2.0.0' });
    const r = await takeBackup(ctx, { source, trigger: 'pre-update', compress: 'gzip', retention: {} });
    expect(runner.remaining).toEqual([]);
    expect(rec.opened).toEqual([
      ['pct', 'exec', '550', '--', 'cat', COPY],
      ['pct', 'exec', '550', '--', 'sh', '-c', 'tar "$@"; s=$?; [ "$s" -le 1 ] || exit "$s"', 'tar', '-cf', '-', '--warning=no-file-changed', '-C', '/var/lib/notes/files', '.'],
    ]);
    const report = await verifyArchive(r.file);
    expect(report.metadata.entries.map((e) => e.name)).toEqual(['deployment-config.yaml', 'environment', 'database/notes.db', 'files/var/lib/notes/files']);
    expect(report.metadata).toMatchObject({
      instance_id: 'notes-bk', app: 'notes', app_version: '2.0.0', app_commit: 'abc123', notes_version: '2.0.0', notes_commit: 'abc123', active_color: 'green',
      colors: { blue: { version: '1.0.0', commit: null }, green: { version: '2.0.0', commit: 'abc123' } },
      database_type: 'sqlite', hostname: 'notes-bk', container_id: 550, backup_trigger: 'pre-update', database_size_bytes: 30, files_count: 4,
    });
    const top = `pxdeploy-backup-${TS}`;
    expect(run('tar', ['-xzOf', r.file, `${top}/database/notes.db`])).toBe('SQLite format 3\0 pretend pages');
    expect(run('tar', ['-xzOf', r.file, `${top}/deployment-config.yaml`])).toContain('password: ***');
    const env = run('tar', ['-xzOf', r.file, `${top}/environment`]);
    expect(env).toContain('NOTES_COLOUR=green\nNOTES_PORT=3457\n'); // the active colour's env files
    expect(env).toContain('MCP_PORT=8457');
    files.cleanup();
  });

  it('a plan lists the consistent-copy commands but opens no stream', async () => {
    const app = await notes();
    const runner = new RecordingRunner([exec(['cat', '/etc/notes/deployment-config.yaml'], 'x: 1\n'), exec(['test', '-f', '/var/lib/notes/notes.db']), exec(['test', '-d', '/var/lib/notes/files'])]);
    const plan = testContext(runner, { dryRun: true });
    const rec = recordingOpener({});
    await takeBackup(plan.ctx, { source: instanceBackupSource(plan.ctx.paths, instance(app), state, { open: rec.open }), trigger: 'manual', compress: 'gzip', retention: {} });
    expect(rec.opened).toEqual([]);
    expect(plan.printed.filter((l) => l.includes('pct exec'))).toEqual([
      '[dry-run] run pct exec 550 -- mkdir -p /var/backups/notes',
      `[dry-run] run pct exec 550 -- sqlite3 -cmd '.timeout 30000' /var/lib/notes/notes.db '.backup ${COPY}'`,
      `[dry-run] run pct exec 550 -- sqlite3 ${COPY} 'PRAGMA integrity_check;'`,
      `[dry-run] run pct exec 550 -- rm -f ${COPY}`,
    ]);
  });

  it('leaves a live database inside a backed-up folder to the database/ entry', () => {
    expect(filesTarArgv('/var/lib/notes', { type: 'sqlite', entry: 'database/notes.db', file: '/var/lib/notes/notes.db' })).toEqual(['sh', '-c', 'tar "$@"; s=$?; [ "$s" -le 1 ] || exit "$s"', 'tar', '-cf', '-', '--warning=no-file-changed', '--exclude=./notes.db', '--exclude=./notes.db-wal', '--exclude=./notes.db-shm', '-C', '/var/lib/notes', '.']);
    expect(filesTarArgv('/srv/uploads', { type: 'sqlite', entry: 'database/notes.db', file: '/var/lib/notes/notes.db' })).toEqual(['sh', '-c', 'tar "$@"; s=$?; [ "$s" -le 1 ] || exit "$s"', 'tar', '-cf', '-', '--warning=no-file-changed', '-C', '/srv/uploads', '.']);
  });
});

describe('instance backup source (server databases)', () => {
  const withDb = async (type: 'postgresql' | 'mysql'): Promise<AppModel> => {
    const app = await notes();
    return { ...app, bg: { ...app.bg, database: { supported: [type], default: type, name: 'notesdb' } } };
  };

  it('postgresql: pg_dump -Fc as postgres, streamed into database/<name>.dump; no consistent-copy step', async () => {
    const app = await withDb('postgresql');
    expect(databasePlan(app)).toEqual({ type: 'postgresql', entry: 'database/notesdb.dump', name: 'notesdb' });
    const runner = new RecordingRunner([exec(['cat', '/etc/notes/deployment-config.yaml'], 'x: 1\n'), exec(['test', '-d', '/var/lib/notes/files'], '', 1)]);
    const { ctx } = testContext(runner);
    const rec = recordingOpener({ 'runuser -u postgres -- pg_dump -Fc notesdb': () => Readable.from([Buffer.from('PGDMP custom')]) });
    const r = await takeBackup(ctx, { source: instanceBackupSource(ctx.paths, instance(app), state, { open: rec.open }), trigger: 'manual', compress: 'gzip', retention: {} });
    expect(rec.opened).toEqual([['pct', 'exec', '550', '--', 'runuser', '-u', 'postgres', '--', 'pg_dump', '-Fc', 'notesdb']]);
    expect(runner.remaining).toEqual([]);
    expect((await verifyArchive(r.file)).metadata).toMatchObject({ database_type: 'postgresql', entries: expect.arrayContaining([expect.objectContaining({ name: 'database/notesdb.dump', size_bytes: 12 })]) });
  });

  it('mysql: mysqldump in one transaction, gzipped on its way into database/<name>.sql.gz', async () => {
    const app = await withDb('mysql');
    const runner = new RecordingRunner([exec(['cat', '/etc/notes/deployment-config.yaml'], 'x: 1\n'), exec(['test', '-d', '/var/lib/notes/files'], '', 1)]);
    const { ctx } = testContext(runner);
    const dump = 'CREATE DATABASE notesdb;\nINSERT INTO notes VALUES (1);\n'.repeat(50);
    const rec = recordingOpener({ 'mysqldump --single-transaction --quick --routines --triggers --databases notesdb': () => Readable.from([Buffer.from(dump)]) });
    const r = await takeBackup(ctx, { source: instanceBackupSource(ctx.paths, instance(app), state, { open: rec.open }), trigger: 'manual', compress: 'gzip', retention: {} });
    expect(rec.opened).toEqual([['pct', 'exec', '550', '--', 'mysqldump', '--single-transaction', '--quick', '--routines', '--triggers', '--databases', 'notesdb']]);
    const gz = Buffer.from(run('sh', ['-c', `tar -xzOf '${r.file}' pxdeploy-backup-${TS}/database/notesdb.sql.gz | base64 -w0`]), 'base64');
    expect(gunzipSync(gz).toString()).toBe(dump);
  });
});

describe('instance restore target', () => {
  it('reads which units ran from systemctl is-active, one line per unit', () => {
    expect(activeUnits(['a', 'b', 'c'], 'active\ninactive\nactive\n')).toEqual(['a', 'c']);
  });

  it('a swap failing half-way puts back exactly what it moved, newest first', async () => {
    const app = await notes();
    const db = databasePlan(app);
    const target = instanceRestoreTarget(instance(app), state, db, ['/var/lib/notes/files'], '/tmp/unused');
    const staging = '/var/lib/notes.pxdeploy-restore-42';
    const runner = new RecordingRunner([
      exec(['test', '-e', '/var/lib/notes/notes.db']),
      exec(['test', '-e', '/var/lib/notes/notes.db-wal'], '', 1),
      exec(['test', '-e', '/var/lib/notes/notes.db-shm'], '', 1),
      exec(['mv', '-T', '/var/lib/notes/notes.db', '/var/lib/notes/notes.db.pre-restore-42']),
      exec(['mv', '-T', `${staging}/database/notes.db`, '/var/lib/notes/notes.db']),
      exec(['chown', '-R', 'notes:', '/var/lib/notes/notes.db']),
      exec(['mkdir', '-p', '/var/lib/notes']),
      exec(['test', '-e', '/var/lib/notes/files']),
      exec(['mv', '-T', '/var/lib/notes/files', '/var/lib/notes/files.pre-restore-42']),
      exec(['mv', '-T', `${staging}/files/var/lib/notes/files`, '/var/lib/notes/files'], 'no space left', 1),
      // undo: the files folder only went aside; the database was replaced
      exec(['mv', '-T', '/var/lib/notes/files.pre-restore-42', '/var/lib/notes/files']),
      exec(['rm', '-rf', '/var/lib/notes/notes.db', '/var/lib/notes/notes.db-wal', '/var/lib/notes/notes.db-shm']),
      exec(['mv', '-T', '/var/lib/notes/notes.db.pre-restore-42', '/var/lib/notes/notes.db']),
      exec(['rm', '-rf', staging, `${staging}.tar`]),
    ]);
    const { ctx } = testContext(runner);
    const swap = target.swap!('/tmp/unused/.data.restore-x', '42');
    await expect(swap.swapIn(ctx)).rejects.toThrow(/mv -T .* failed with exit code 1/);
    await swap.putBack(ctx);
    await swap.cleanup(ctx);
    expect(runner.remaining).toEqual([]);
    expect(target.dirs).toEqual([{ entry: 'database/notes.db', host: '/var/lib/notes/notes.db' }, { entry: 'files/var/lib/notes/files', host: '/var/lib/notes/files' }]);
  });
});

describe('instance restore of server databases', () => {
  const staging = '/var/lib/notes.pxdeploy-restore-42';
  const serverApp = async (type: 'postgresql' | 'mysql'): Promise<AppModel> => {
    const app = await notes();
    return { ...app, bg: { ...app.bg, database: { supported: [type], default: type, name: 'notesdb' } } };
  };

  it('postgresql: a safety dump first, pg_restore --clean of the archive\'s dump; putBack restores the safety dump', async () => {
    const app = await serverApp('postgresql');
    const target = instanceRestoreTarget(instance(app), state, databasePlan(app), [], '/tmp/unused');
    const runner = new RecordingRunner([
      exec(['chmod', '0755', staging]),
      exec(['runuser', '-u', 'postgres', '--', 'pg_dump', '-Fc', '-f', `${staging}/pre-restore.dump`, 'notesdb']),
      exec(['runuser', '-u', 'postgres', '--', 'pg_restore', '--clean', '--if-exists', '-d', 'notesdb', `${staging}/database/notesdb.dump`]),
      exec(['runuser', '-u', 'postgres', '--', 'pg_restore', '--clean', '--if-exists', '-d', 'notesdb', `${staging}/pre-restore.dump`]),
    ]);
    const { ctx } = testContext(runner);
    const swap = target.swap!('/tmp/unused/x', '42');
    await swap.swapIn(ctx);
    await swap.putBack(ctx);
    expect(runner.remaining).toEqual([]);
    expect(target.dirs).toEqual([{ entry: 'database/notesdb.dump', host: 'postgresql:notesdb' }]);
  });

  it('mysql: a safety dump with --result-file, the archive\'s dump gunzipped and sourced', async () => {
    const app = await serverApp('mysql');
    const target = instanceRestoreTarget(instance(app), state, databasePlan(app), [], '/tmp/unused');
    const runner = new RecordingRunner([
      exec(['mysqldump', '--single-transaction', '--quick', '--routines', '--triggers', `--result-file=${staging}/pre-restore.sql`, '--databases', 'notesdb']),
      exec(['gzip', '-d', '-f', `${staging}/database/notesdb.sql.gz`]),
      exec(['mysql', '-e', `source ${staging}/database/notesdb.sql`]),
    ]);
    const { ctx } = testContext(runner);
    await target.swap!('/tmp/unused/x', '42').swapIn(ctx);
    expect(runner.remaining).toEqual([]);
  });
});

describe('retention and the pre-update backup', () => {
  it('keep-last=1 keeps the backup the state names as the last update\'s, besides the newest', async () => {
    const { ctx, root } = testContext(new RecordingRunner());
    const dir = path.join(root, 'var/backups/pxdeploy/notes-bk');
    mkdirSync(dir, { recursive: true });
    const records: BackupRecord[] = [100, 200, 300, 400].map((t) => ({ file: `${t}.tar.gz`, timestamp: t, created_at: '', size: 1, sha256: 'x', compression: 'gzip', trigger: t === 200 ? 'pre-update' : 'manual', total_size_bytes: 1 }));
    for (const r of records) for (const f of [r.file, `${r.file}.sha256`]) writeFileSync(path.join(dir, f), 'x');
    writeFileSync(path.join(dir, 'index.json'), JSON.stringify({ schemaVersion: 1, id: 'notes-bk', backups: records }));
    symlinkSync('400.tar.gz', path.join(dir, 'latest'));
    await writeInstanceState(ctx.effects, ctx.paths, { ...state, pre_update_backup: '200.tar.gz' });
    const out = await pruneBackups(ctx, 'notes-bk', { 'keep-last': 1 });
    expect(out).toEqual([
      { file: '400.tar.gz', action: 'keep', reason: 'keep-last' },
      { file: '300.tar.gz', action: 'remove', reason: 'not selected by any keep rule' },
      { file: '200.tar.gz', action: 'keep', reason: 'protected' },
      { file: '100.tar.gz', action: 'remove', reason: 'not selected by any keep rule' },
    ]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tar.gz')).sort()).toEqual(['200.tar.gz', '400.tar.gz']);
  });
});

describe('dumpCheck: a staged dump is validated before the app is stopped', () => {
  it('SQLite must answer "ok" to its integrity check; pg_restore must read the archive; gzip must test the MySQL dump', () => {
    const sqlite = dumpCheck({ type: 'sqlite', entry: 'database/notes.db', file: '/var/lib/notes/notes.db' }, '/s/database/notes.db');
    expect(sqlite.argv).toEqual(['sqlite3', '-readonly', '/s/database/notes.db', 'PRAGMA integrity_check;']);
    expect(sqlite.ok('ok\n')).toBe(true);
    expect(sqlite.ok('*** in database main ***\nPage 3: btreeInitPage() returns error code 11\n')).toBe(false);
    expect(dumpCheck({ type: 'postgresql', entry: 'database/app.dump', name: 'app' }, '/s/database/app.dump').argv).toEqual(['runuser', '-u', 'postgres', '--', 'pg_restore', '--list', '/s/database/app.dump']);
    expect(dumpCheck({ type: 'mysql', entry: 'database/app.sql.gz', name: 'app' }, '/s/database/app.sql.gz').argv).toEqual(['gzip', '-t', '/s/database/app.sql.gz']);
  });
});
