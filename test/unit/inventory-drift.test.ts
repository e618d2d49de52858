// drift: a CT pxdeploy made, compared with the spec it was made from (recorded pvesim output); gone CTs, apps and instances against their records.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordingRunner, type ExpectedCommand } from '../../src/host/recording-runner.js';
import { detectDrift } from '../../src/inventory/drift.js';
import { testContext } from '../helpers/context.js';

const FIX = path.resolve(import.meta.dirname, '../fixtures');
const resources = (file: string): ExpectedCommand => ({ file: 'pvesh', args: ['get', '/cluster/resources', '--type', 'vm', '--output-format', 'json'], stdoutFile: path.join(FIX, 'inventory', file) });

function recordCt(root: string, vmid: number, specFile?: string): void {
  const dir = path.join(root, 'var/lib/pxdeploy/containers');
  mkdirSync(dir, { recursive: true });
  const state = { schemaVersion: 1, vmid, hostname: 'stubbed', node: 'pve', spec_hash: 'x', ...(specFile ? { spec_file: specFile } : {}), created_at: '2026-12-01T10:00:00Z', status: 'ready', steps_done: [] };
  writeFileSync(path.join(dir, `${vmid}.json`), JSON.stringify(state));
}

describe('drift', () => {
  it('reports the field changed behind pxdeploy\'s back on a CT it created from a spec', async () => {
    const runner = new RecordingRunner([resources('cluster-resources-with-205.json'), { file: 'pct', args: ['config', '205'], stdoutFile: path.join(FIX, 'inventory/pct-config-205-memory-384.txt') }]);
    const t = testContext(runner);
    recordCt(t.root, 205, path.join(FIX, 'config/ct-stubbed.yaml'));
    const r = await detectDrift(t.ctx);
    expect(r).toEqual({ drifted: true, checked: 1, notes: [], items: [{ resource: 'ct 205', vmid: 205, field: 'memory', recorded: '256', actual: '384' }] });
  });

  it('a recorded CT that is gone, a stopped app and a missing instance CT drift; no records means no drift', async () => {
    const t = testContext(new RecordingRunner([resources('cluster-resources.json')]));
    recordCt(t.root, 590);
    mkdirSync(path.join(t.root, 'var/lib/pxdeploy'), { recursive: true });
    writeFileSync(path.join(t.root, 'var/lib/pxdeploy/instances.json'), JSON.stringify({ schemaVersion: 1, instances: { notes: { container_id: 581, created_at: '2026-12-01T10:00:00Z' } } }));
    const r = await detectDrift(t.ctx);
    expect(r.items).toEqual([
      { resource: 'ct 590', vmid: 590, field: 'exists', recorded: 'yes', actual: 'no' },
      { resource: 'instance notes', vmid: 581, field: 'status', recorded: 'running', actual: 'stopped' },
    ]);
    expect(r.drifted).toBe(true);

    const empty = await detectDrift(testContext(new RecordingRunner([resources('cluster-resources.json')])).ctx);
    expect(empty).toEqual({ drifted: false, items: [], notes: [], checked: 0 });
  });
});
