// E2E on pvesim: a blue/green notes instance as a backup source — backup streamed out of the CT, GNU tools read it, restore brings data back byte for byte through nginx, a failed restore leaves the old data serving, update's pre-update backup survives keep-last=1.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostTool, makeRoot, pxdeployAsync, repoRoot } from '../helpers/cli.js';
import { expectGnuReadable } from '../helpers/backup-checks.js';
import { notesInstanceYaml } from '../helpers/instance-config.js';

const VMID = 550;
const IP = '10.203.0.90';
const ID = 'notes-bk';
const BASE = `http://${IP}`;
const root = makeRoot('pxdeploy-bkinst-');
const work = makeRoot('pxdeploy-bkinst-work-');
const dist = path.join(work, 'dist');
const config = path.join(work, `${ID}.yaml`);
const backupDir = path.join(root, 'var/backups/pxdeploy', ID);
const run = (args: string[], extra: Record<string, string> = {}) => pxdeployAsync(args, { root, env: { NOTES_DIST: dist, ...extra } });

const inCt = (script: string): string => {
  const r = hostTool('pct', ['exec', String(VMID), '--', 'sh', '-c', script]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};
/** Every file under the data root but the live database, with its sha256 and owner, as the CT sees it. */
const filesInCt = () => inCt('cd /var/lib/notes/files && find . -type f -exec sha256sum {} + | sort && stat -c "%U %n" . * | sort');
const notes = async () => ((await (await fetch(`${BASE}/api/v1/notes`, { signal: AbortSignal.timeout(10_000) })).json()) as { text: string }[]).map((n) => n.text);
const health = async () => (await fetch(`${BASE}/health`, { signal: AbortSignal.timeout(10_000) })).status;
const archives = () => readdirSync(backupDir).filter((f) => /^\d+\.tar\.gz$/.test(f)).sort();
/** The end of the instance's operation log, for failure messages. */
const logTail = () => readFileSync(path.join(root, 'var/log/pxdeploy', `${ID}.log`), 'utf8').split('\n').slice(-25).join('\n');
const state = () => JSON.parse(readFileSync(path.join(root, 'var/lib/pxdeploy/state', `${ID}.state`), 'utf8')) as { pre_update_backup?: string; restore_stamp?: string; last_operation?: string };

beforeAll(async () => {
  execFileSync(path.join(repoRoot, 'apps/notes/build.sh'), [dist], { stdio: 'ignore' });
  writeFileSync(
    config,
    notesInstanceYaml({ vmid: VMID, hostname: ID, ip: IP }, { healthTimeout: 15 }),
  );
  const r = await run(['install', ID, '-f', config]);
  expect(r.code, r.stderr).toBe(0);
}, 300_000);

afterAll(() => {
  hostTool('pct', ['destroy', String(VMID), '--force', '1', '--purge', '1']);
});

describe('backup and restore of a blue/green instance', () => {
  let before = '';
  let first = '';

  it('backup streams the database and files out of the CT into <ts>.tar.gz; GNU tar lists it, sha256sum -c accepts it, metadata says what ran', async () => {
    expect((await fetch(`${BASE}/api/v1/notes`, { method: 'POST', body: 'kept across restore' })).status).toBe(201);
    expect((await fetch(`${BASE}/api/v1/files/hello.txt`, { method: 'PUT', body: 'hello from v1' })).status).toBe(201);
    expect((await fetch(`${BASE}/api/v1/files/blob.bin`, { method: 'PUT', body: randomBytes(64 * 1024) })).status).toBe(201);
    before = filesInCt();
    expect(before).toContain('./blob.bin');
    const r = await run(['backup', ID, '--json']);
    expect(r.code, `${r.stderr}\n${logTail()}`).toBe(0);
    const out = JSON.parse(r.stdout) as { file: string; version: string; trigger: string };
    expect(out).toMatchObject({ version: '1.0.0', trigger: 'manual' });
    first = path.basename(out.file);
    expect(readlinkSync(path.join(backupDir, 'latest'))).toBe(first);
    const { names, top } = expectGnuReadable(out.file);
    expect(names).toEqual(expect.arrayContaining([`${top}/metadata.json`, `${top}/deployment-config.yaml`, `${top}/environment`, `${top}/database/notes.db`, `${top}/config/instance.yaml`, `${top}/files/var/lib/notes/files/hello.txt`, `${top}/files/var/lib/notes/files/blob.bin`]));
    const meta = JSON.parse(execFileSync('tar', ['-xzOf', out.file, `${top}/metadata.json`], { encoding: 'utf8' })) as Record<string, unknown>;
    expect(meta).toMatchObject({ instance_id: ID, app: 'notes', app_version: '1.0.0', notes_version: '1.0.0', active_color: 'blue', database_type: 'sqlite', hostname: ID, container_id: VMID, backup_trigger: 'manual', colors: { blue: { version: '1.0.0' } } });
    expect(meta.database_size_bytes as number).toBeGreaterThan(0);
    expect(meta.files_count).toBe(2);
    // the SQLite copy made inside the CT is gone again, and the app kept serving
    expect(inCt('ls -A /var/backups/notes 2>/dev/null; true')).toBe('');
    expect(await health()).toBe(200);
  });

  it('restore after data loss: database, files and the instance config back byte for byte, owned by the app user, answered through nginx', async () => {
    inCt('rm -rf /var/lib/notes/files/* && sqlite3 /var/lib/notes/notes.db "DELETE FROM notes;"');
    expect(await notes()).toEqual([]);
    const configFile = path.join(root, 'etc/pxdeploy/instances', `${ID}.yaml`);
    const configAtBackup = readFileSync(configFile, 'utf8');
    writeFileSync(configFile, configAtBackup.replace('health: { timeout: 15,', 'health: { timeout: 20,'));
    const r = await run(['restore', ID, first, '--yes']);
    expect(r.code, `${r.stderr}\n${logTail()}`).toBe(0);
    expect(readFileSync(configFile, 'utf8')).toBe(configAtBackup);
    expect(readdirSync(path.dirname(configFile)).filter((f) => f.includes('pre-restore'))).toEqual([]); // the replaced config's keep-copy is gone
    expect(filesInCt()).toBe(before);
    expect(inCt('stat -c %U /var/lib/notes/notes.db').trim()).toBe('notes');
    expect(await notes()).toEqual(['kept across restore']);
    expect(await health()).toBe(200);
    // safety copies and the staging folder are cleaned up; a pre-restore backup was recorded
    expect(inCt('ls -A /var/lib /var/lib/notes | grep -c pre-restore || true').trim()).toBe('0');
    const index = JSON.parse(readFileSync(path.join(backupDir, 'index.json'), 'utf8')) as { backups: { trigger: string }[] };
    expect(index.backups.map((b) => b.trigger)).toEqual(['manual', 'pre-restore']);
  });

  it('a restore failing half-way (PXDEPLOY_FAIL_AT=restore:swapped) exits 11 and the pre-restore data serves again', async () => {
    expect((await fetch(`${BASE}/api/v1/notes`, { method: 'POST', body: 'written after the backup' })).status).toBe(201);
    const now = filesInCt();
    const configFile = path.join(root, 'etc/pxdeploy/instances', `${ID}.yaml`);
    const edited = readFileSync(configFile, 'utf8').replace('health: { timeout: 15,', 'health: { timeout: 20,');
    writeFileSync(configFile, edited);
    const r = await run(['restore', ID, first, '--yes'], { PXDEPLOY_FAIL_AT: 'restore:swapped' });
    expect(r.code, r.stderr).toBe(11);
    expect(readFileSync(configFile, 'utf8')).toBe(edited); // the config the restore replaced is back too
    expect(readdirSync(path.dirname(configFile)).filter((f) => f.includes('pre-restore'))).toEqual([]);
    expect(r.stderr).toContain('pre-restore data is back');
    expect(await notes()).toEqual(['kept across restore', 'written after the backup']);
    expect(filesInCt()).toBe(now);
    expect(await health()).toBe(200);
    expect(inCt('ls -A /var/lib /var/lib/notes | grep -c pre-restore || true').trim()).toBe('0');
  });

  it('a restore killed with the app stopped (SIGKILL at restore:swapped): the next command puts the safety copies back and starts the app', async () => {
    const now = filesInCt();
    const before = await notes();
    const configFile = path.join(root, 'etc/pxdeploy/instances', `${ID}.yaml`);
    const configNow = readFileSync(configFile, 'utf8'); // the edited one the previous test left (timeout 20), not the archived one
    const r = await run(['restore', ID, first, '--yes'], { PXDEPLOY_FAIL_AT: 'restore:swapped:kill' });
    expect(r.code, r.stderr).toBe(-1); // killed by SIGKILL: no exit code
    expect(readFileSync(configFile, 'utf8')).not.toBe(configNow); // killed after the archived config was written
    expect(state()).toMatchObject({ last_operation: 'restore', last_operation_status: 'in_progress', operation_step: 'swap' });
    expect(inCt('ls -A /var/lib/notes | grep -c pre-restore || true').trim()).not.toBe('0');
    const next = await run(['start', ID]);
    // The recovery under start's lock already started the app, so start itself has nothing left to do (20).
    expect(next.code, `${next.stderr}\n${logTail()}`).toBe(20);
    expect(next.stderr).toContain('the interrupted restore is undone');
    expect(await notes()).toEqual(before);
    expect(filesInCt()).toBe(now);
    expect(await health()).toBe(200);
    expect(inCt('ls -A /var/lib /var/lib/notes | grep -c pre-restore || true').trim()).toBe('0');
    expect(state().restore_stamp).toBeUndefined();
    expect(readFileSync(configFile, 'utf8')).toBe(configNow); // the replaced instance config is back too
    expect(readdirSync(path.dirname(configFile)).filter((f) => f.includes('pre-restore'))).toEqual([]);
  });

  it('update takes a pre-update backup recorded in the state; backup --keep-last 1 keeps it beside the newest', async () => {
    const u = await run(['update', ID, '--release', '2.0.0', '--json']);
    expect(u.code, `${u.stderr}${u.stdout}\n${logTail()}`).toBe(0);
    const pre = path.basename((JSON.parse(u.stdout) as { backup: string }).backup);
    expect(state().pre_update_backup).toBe(pre);
    const index = JSON.parse(readFileSync(path.join(backupDir, 'index.json'), 'utf8')) as { backups: { file: string; trigger: string; version?: string }[] };
    expect(index.backups.find((b) => b.file === pre)).toMatchObject({ trigger: 'pre-update', version: '1.0.0' });
    const b = await run(['backup', ID, '--keep-last', '1', '--json']);
    expect(b.code, `${b.stderr}${b.stdout}\n${logTail()}`).toBe(0);
    const newest = path.basename((JSON.parse(b.stdout) as { file: string }).file);
    expect(archives()).toEqual([pre, newest].sort());
    expect(readlinkSync(path.join(backupDir, 'latest'))).toBe(newest);
    expect(await notes()).toEqual(['kept across restore', 'written after the backup']);
  });
});
