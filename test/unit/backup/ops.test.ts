// Backup operations over the effects seam: a backup's plan and its real files, retention that spares latest, restore compatibility, retention config.
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordingRunner } from '../../../src/host/recording-runner.js';
import type { ArchiveReport } from '../../../src/backup/check-archive.js';
import { readBackupIndex, type BackupRecord } from '../../../src/backup/ops/backup-index.js';
import { appBackupSource } from '../../../src/backup/ops/app-source.js';
import { pruneBackups } from '../../../src/backup/ops/prune.js';
import { checkCompatible } from '../../../src/backup/ops/restore.js';
import { configuredRetention, mergeRetention } from '../../../src/backup/ops/retention-config.js';
import { takeBackup } from '../../../src/backup/ops/take-backup.js';
import { compareVersions } from '../../../src/backup/ops/versions.js';
import type { AppState } from '../../../src/apps/state.js';
import { verifyArchive } from '../../../src/backup/check-archive.js';
import { testContext } from '../../helpers/context.js';
import { makeTree, run } from './helpers.js';

function app(root: string, tag = '2.0'): AppState {
  const host = path.join(root, 'var/lib/pxdeploy/apps/demo/data');
  if (!existsSync(host)) {
    mkdirSync(host, { recursive: true });
    makeTree(host);
  }
  return {
    schemaVersion: 1, hostname: 'demo', package: 'demo', vmid: 500, node: 'n', image: 'r/demo', tag, digest: 'sha256:1',
    archive: { volid: 'local:vztmpl/app.tar', path: '/x' }, storage: 'local-lvm', network: { bridge: 'vmbr0', ip: '10.0.0.5/24' },
    env: { GREETING: 'hi', TOKEN: '***' }, secret_keys: ['TOKEN'], volumes: [{ name: 'data', path: '/data', host }], url: 'http://10.0.0.5:3456/', installed_at: '2026-01-01T00:00:00Z',
  };
}

describe('takeBackup', () => {
  it('performs what its plan lists: partial → rename → sidecar → latest → index; the archive verifies and holds the volume', async () => {
    const plan = testContext(new RecordingRunner(), { dryRun: true });
    const source = appBackupSource(app(plan.root));
    await takeBackup(plan.ctx, { source, trigger: 'manual', compress: 'gzip', retention: {} });
    const dir = path.join(plan.root, 'var/backups/pxdeploy/demo');
    const ts = Date.parse('2026-12-02T10:00:00Z') / 1000;
    expect(plan.printed.map((l) => l.replace(/ \(\d+ bytes, mode 0[0-7]+\)$/, ''))).toEqual([
      `[dry-run] mkdir ${dir} (mode 0700)`,
      expect.stringMatching(new RegExp(`^\\[dry-run\\] then write ${dir}/\\.${ts}\\.tar\\.gz\\.partial-\\d+ \\(deployment-config\\.yaml, environment, files/data → tar → gzip → sha256, one pass\\)$`)),
      expect.stringMatching(new RegExp(`^\\[dry-run\\] rename ${dir}/\\.${ts}\\.tar\\.gz\\.partial-\\d+ -> ${dir}/${ts}\\.tar\\.gz$`)),
      `[dry-run] write ${dir}/${ts}.tar.gz.sha256`,
      `[dry-run] symlink ${dir}/latest -> ${ts}.tar.gz`,
      `[dry-run] write ${dir}/index.json`,
    ]);
    expect(existsSync(dir)).toBe(false);

    const real = testContext(new RecordingRunner());
    const r = await takeBackup(real.ctx, { source: appBackupSource(app(real.root)), trigger: 'scheduled', compress: 'gzip', retention: {} });
    const realDir = path.join(real.root, 'var/backups/pxdeploy/demo');
    expect(readdirSync(realDir).sort()).toEqual([`${ts}.tar.gz`, `${ts}.tar.gz.sha256`, 'index.json', 'latest']);
    expect(readlinkSync(path.join(realDir, 'latest'))).toBe(`${ts}.tar.gz`);
    expect(run('sha256sum', ['-c', `${ts}.tar.gz.sha256`], realDir)).toBe(`${ts}.tar.gz: OK\n`);
    const report = await verifyArchive(r.file);
    expect(report.metadata).toMatchObject({ instance_id: 'demo', app_version: '2.0', backup_trigger: 'scheduled', hostname: 'demo' });
    expect(report.metadata.entries.map((e) => e.name)).toEqual(['deployment-config.yaml', 'environment', 'files/data']);
    const listed = run('tar', ['-xzOf', r.file, `pxdeploy-backup-${ts}/environment`]);
    expect(listed).toBe('GREETING=hi\nTOKEN=***\n'); // secrets stay masked
    expect((await readBackupIndex(real.ctx.effects, real.ctx.paths, 'demo')).backups).toEqual([expect.objectContaining({ file: `${ts}.tar.gz`, trigger: 'scheduled', version: '2.0', sha256: r.sha256 })]);
    // A second backup in the same second gets the next timestamp instead of colliding.
    const again = await takeBackup(real.ctx, { source: appBackupSource(app(real.root)), trigger: 'manual', compress: 'gzip', retention: {} });
    expect(path.basename(again.file)).toBe(`${ts + 1}.tar.gz`);
  });
});

describe('pruneBackups', () => {
  it('keep-last=1 removes archive and sidecar of the others but never the one latest points to, and updates the index', async () => {
    const { ctx, root } = testContext(new RecordingRunner());
    const dir = path.join(root, 'var/backups/pxdeploy/demo');
    mkdirSync(dir, { recursive: true });
    const records: BackupRecord[] = [100, 200, 300, 400].map((t) => ({ file: `${t}.tar.gz`, timestamp: t, created_at: '', size: 1, sha256: 'x', compression: 'gzip', trigger: 'manual', total_size_bytes: 1 }));
    for (const r of records) for (const f of [r.file, `${r.file}.sha256`]) writeFileSync(path.join(dir, f), 'x');
    writeFileSync(path.join(dir, 'index.json'), JSON.stringify({ schemaVersion: 1, id: 'demo', backups: records }));
    symlinkSync('100.tar.gz', path.join(dir, 'latest'));
    const out = await pruneBackups(ctx, 'demo', { 'keep-last': 1 });
    expect(out).toEqual([
      { file: '400.tar.gz', action: 'keep', reason: 'keep-last' },
      { file: '300.tar.gz', action: 'remove', reason: 'not selected by any keep rule' },
      { file: '200.tar.gz', action: 'remove', reason: 'not selected by any keep rule' },
      { file: '100.tar.gz', action: 'keep', reason: 'latest' },
    ]);
    expect(readdirSync(dir).sort()).toEqual(['100.tar.gz', '100.tar.gz.sha256', '400.tar.gz', '400.tar.gz.sha256', 'index.json', 'latest']);
    expect((await readBackupIndex(ctx.effects, ctx.paths, 'demo')).backups.map((b) => b.file)).toEqual(['100.tar.gz', '400.tar.gz']);
  });
});

describe('restore compatibility', () => {
  const report = (m: Record<string, unknown>) => ({ file: '/b/1.tar.gz', metadata: { instance_id: 'demo', app_version: '2.0', entries: [{ name: 'files/data' }], ...m } }) as unknown as ArchiveReport;
  const source = appBackupSource({ ...app(testContext(new RecordingRunner()).root), tag: '2.0' });
  const dirs = source.restore!.dirs;

  it('orders versions by their numbers', () => {
    expect(compareVersions('2.0', '10.0')).toBeLessThan(0);
    expect(compareVersions('v1.2.3', '1.2')).toBeGreaterThan(0);
    expect(compareVersions('1.0', '1.0.0')).toBe(0);
    expect(compareVersions('latest', '2.0')).toBe(0);
  });

  it('accepts the same or an older version; refuses a newer one or another app unless forced; always refuses a backup without the folders', () => {
    expect(checkCompatible(source, dirs, report({ app_version: '1.0' }), false)).toEqual([]);
    expect(() => checkCompatible(source, dirs, report({ app_version: '3.0' }), false)).toThrow(/taken from version 3\.0, newer than the running 2\.0/);
    expect(checkCompatible(source, dirs, report({ app_version: '3.0' }), true)).toEqual([expect.stringMatching(/newer .*\(--force\)$/)]);
    expect(() => checkCompatible(source, dirs, report({ instance_id: 'other' }), false)).toThrow(/a backup of 'other', not of 'demo'/);
    expect(() => checkCompatible(source, dirs, report({ entries: [] }), true)).toThrow(/holds no files\/data/);
  });
});

describe('retention settings', () => {
  it('come from backup.retention in the config file, flags winning rule by rule; unknown rules are refused', async () => {
    const { ctx, root } = testContext(new RecordingRunner());
    mkdirSync(path.join(root, 'etc/pxdeploy'), { recursive: true });
    writeFileSync(path.join(root, 'etc/pxdeploy/config.yaml'), 'backup:\n  retention:\n    keep-last: 7\n    keep-weekly: 4\n');
    const config = await configuredRetention(ctx.effects, ctx.paths);
    expect(config).toEqual({ 'keep-last': 7, 'keep-weekly': 4 });
    expect(mergeRetention(config, { 'keep-last': 3, 'keep-daily': undefined })).toEqual({ 'keep-last': 3, 'keep-weekly': 4 });
    writeFileSync(path.join(root, 'etc/pxdeploy/config.yaml'), 'backup:\n  retention:\n    keep-lots: 7\n');
    await expect(configuredRetention(ctx.effects, ctx.paths)).rejects.toThrow(/backup\.retention: .*keep-lots/);
    expect(readFileSync(path.join(root, 'etc/pxdeploy/config.yaml'), 'utf8')).toContain('keep-lots');
  });
});
