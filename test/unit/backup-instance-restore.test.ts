// restoreOperation over the DataSwap seam: the default host-folder swap (OCI apps) and a target's own swap (instances) both restore, and both put the old data back when the health gate fails.
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { restoreOperation } from '../../src/backup/ops/restore.js';
import type { BackupSource, DataSwap } from '../../src/backup/ops/source.js';
import { takeBackup } from '../../src/backup/ops/take-backup.js';
import { HealthCheckError } from '../../src/errors.js';
import { RecordingRunner } from '../../src/host/recording-runner.js';
import { snapshotTree } from '../helpers/cli.js';
import { testContext } from '../helpers/context.js';
import { makeTree } from './backup/helpers.js';

function fixture(swap?: (calls: string[]) => (extracted: string, stamp: string) => DataSwap) {
  const t = testContext(new RecordingRunner());
  const host = path.join(t.root, 'var/lib/pxdeploy/apps/demo/data');
  makeTree(host);
  const calls: string[] = [];
  let failGate = false;
  const source: BackupSource = {
    id: 'demo', kind: 'oci-app', lockResource: 'app-demo', version: '1.0', metadata: { app_version: '1.0' },
    entries: async () => [{ name: 'files/data', kind: 'dir', source: host }],
    restore: {
      dirs: [{ entry: 'files/data', host }],
      ...(swap ? { swap: swap(calls), stagingDir: path.join(t.root, 'staging') } : {}),
      stop: async () => void calls.push('stop'),
      start: async () => void calls.push('start'),
      healthGate: async () => {
        calls.push('gate');
        if (failGate) {
          failGate = false;
          throw new HealthCheckError('not healthy');
        }
      },
    },
  };
  return { ...t, host, calls, source, failNextGate: () => (failGate = true) };
}

describe('restoreOperation', () => {
  it('host folders: swapped in between stop and start; a failed gate puts the newer data back (exit 11) and leaves no safety copy', async () => {
    const f = fixture();
    const original = snapshotTree(f.host);
    const backup = await takeBackup(f.ctx, { source: f.source, trigger: 'manual', compress: 'gzip', retention: {} });
    writeFileSync(path.join(f.host, 'a/one.txt'), 'changed\n');
    const changed = snapshotTree(f.host);
    const r = await restoreOperation(f.ctx, { source: f.source, file: backup.file, force: false });
    expect(snapshotTree(f.host)).toEqual(original);
    expect(f.calls).toEqual(['stop', 'start', 'gate']);
    expect(r.restored).toEqual([f.host]);

    writeFileSync(path.join(f.host, 'a/one.txt'), 'changed\n');
    f.calls.length = 0;
    f.failNextGate();
    await expect(restoreOperation(f.ctx, { source: f.source, file: backup.file, force: false })).rejects.toMatchObject({ exitCode: 11 });
    expect(snapshotTree(f.host)).toEqual(changed);
    expect(f.calls).toEqual(['stop', 'start', 'gate', 'stop', 'start', 'gate']);
    expect(readdirSync(path.dirname(f.host)).sort()).toEqual(['data']);
  });

  it('a target\'s own swap gets the extracted folder from its staging dir, in order prepare → stop → swapIn → start, and putBack on failure', async () => {
    const seen: string[] = [];
    const f = fixture((calls) => (extracted, stamp) => ({
      prepare: async () => void calls.push(`prepare ${readdirSync(extracted).sort().join(',')} ${/^\d+$/.test(stamp)}`),
      swapIn: async () => void calls.push('swapIn'),
      putBack: async () => void calls.push('putBack'),
      cleanup: async () => {
        calls.push('cleanup');
        seen.push(extracted);
      },
    }));
    const backup = await takeBackup(f.ctx, { source: f.source, trigger: 'manual', compress: 'gzip', retention: {} });
    await restoreOperation(f.ctx, { source: f.source, file: backup.file, force: false });
    expect(f.calls.slice(1)).toEqual(['stop', 'swapIn', 'start', 'gate', 'cleanup']);
    expect(f.calls[0]).toMatch(/^prepare .*files.*metadata\.json true$/);
    expect(path.dirname(seen[0]!)).toBe(path.join(f.root, 'staging'));
    f.calls.length = 0;
    f.failNextGate();
    await expect(restoreOperation(f.ctx, { source: f.source, file: backup.file, force: false })).rejects.toMatchObject({ exitCode: 11 });
    expect(f.calls.slice(1)).toEqual(['stop', 'swapIn', 'start', 'gate', 'stop', 'putBack', 'cleanup', 'start', 'gate']);
    expect(readdirSync(path.join(f.root, 'staging'))).toEqual([]);
  });
});
