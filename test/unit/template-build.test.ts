// buildTemplate: the planned build order (create, provision, clean, stop, pct template, record), "up to date", --rebuild and its refusal under linked clones.
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContainerSpec } from '../../src/config/index.js';
import { RecordingRunner, type ExpectedCommand } from '../../src/host/recording-runner.js';
import { buildTemplate, templateSpecHash } from '../../src/templates/build.js';
import { linkedClonesOf } from '../../src/templates/linked-clones.js';
import { readTemplates, saveTemplate } from '../../src/templates/state.js';
import { testContext } from '../helpers/context.js';

const host = (f: string) => readFileSync(path.resolve(import.meta.dirname, '../fixtures/host', f), 'utf8');
const dir = mkdtempSync(path.join(tmpdir(), 'pxd-tpl-'));
const specFile = path.join(dir, 'base.yaml');
const BASE = 'container:\n  hostname: base\n  template: debian-12\n  storage_pool: local-lvm\n  network: { ip: 10.203.0.109/24, gateway: 10.203.0.1 }\nprovisioning:\n  packages: [curl]\n';
writeFileSync(specFile, BASE);
const TEMPLATE_CONFIG = 'hostname: base\nmemory: 512\nrootfs: local-lvm:base-960-disk-0,size=8G\ntemplate: 1\n';
const pveshGet = (p: string, stdout: string, extra: string[] = []): ExpectedCommand => ({ file: 'pvesh', args: ['get', p, ...extra, '--output-format', 'json'], result: { stdout } });

async function recorded(hash: string) {
  const runner = new RecordingRunner([], { order: 'any' });
  const t = testContext(runner);
  await saveTemplate(t.ctx.effects, t.ctx.paths, { name: 'base', vmid: 960, node: 'pve', storage: 'local-lvm', specHash: hash, builtAt: '2026-12-01T09:00:00.000Z', specFile });
  return { runner, ...t };
}

describe('templateSpecHash', () => {
  it('ignores post_clone (it only runs in clones) but not the rest of the spec', async () => {
    const other = path.join(dir, 'other.yaml');
    writeFileSync(other, `${BASE}post_clone:\n  - name: x\n    content: echo hi\n`);
    expect(templateSpecHash(await loadContainerSpec(other))).toBe(templateSpecHash(await loadContainerSpec(specFile)));
    writeFileSync(other, BASE.replace('curl', 'wget'));
    expect(templateSpecHash(await loadContainerSpec(other))).not.toBe(templateSpecHash(await loadContainerSpec(specFile)));
  });
});

describe('buildTemplate', () => {
  it('plans create → provision → clean → stop → pct template → record, in that order (dry run)', async () => {
    const runner = new RecordingRunner(
      [
        pveshGet('/nodes/localhost/status', host('pvesh-node-status.json')),
        pveshGet('/cluster/resources', '[]', ['--type', 'vm']),
        pveshGet('/nodes/localhost/network', '[{"iface":"vmbr0","type":"bridge","active":1}]'),
        { file: 'pvesm', args: ['status', '--content', 'rootdir'], stdoutFile: path.resolve(import.meta.dirname, '../fixtures/host/pvesm-status.txt') },
        { file: 'pveam', args: ['list', 'local'], stdoutFile: path.resolve(import.meta.dirname, '../fixtures/host/pveam-list.txt') },
      ],
      { order: 'any' },
    );
    const t = testContext(runner, { dryRun: true });
    const r = await buildTemplate(t.ctx, { name: 'base', specFile, vmid: 960, storage: 'local-lvm' });
    runner.assertDone();
    expect(r).toMatchObject({ changed: true, record: { name: 'base', vmid: 960, storage: 'local-lvm' } });
    const runs = t.ctx.effects.plan!.filter((p) => p.kind === 'run').map((p) => p.display.replace(/^run /, '').split(' ').slice(0, 3).join(' '));
    expect(runs).toEqual(['pct create 960', 'pct start 960', 'pct exec 960', 'pct exec 960', 'pct exec 960', 'pct stop 960', 'pct template 960']);
    const clean = t.ctx.effects.plan!.filter((p) => p.display.includes('/etc/machine-id'));
    expect(clean).toHaveLength(1);
    expect(clean[0]!.display).toContain('rm -f /etc/ssh/ssh_host_*');
    expect(t.ctx.effects.plan!.at(-2)!.display).toMatch(/^write .*templates\.json/);
  });

  it('an unchanged spec is up to date: one read, nothing changed', async () => {
    const { runner, ctx } = await recorded(templateSpecHash(await loadContainerSpec(specFile)));
    runner.expect({ file: 'pct', args: ['config', '960'], result: { stdout: TEMPLATE_CONFIG } });
    const r = await buildTemplate(ctx, { name: 'base', specFile });
    runner.assertDone();
    expect(r.changed).toBe(false);
    expect(runner.calls.every((c) => c.readOnly)).toBe(true);
  });

  it('a changed spec needs --rebuild; --rebuild is refused while linked clones use the base volume', async () => {
    const { runner, ctx } = await recorded('0'.repeat(64));
    runner.expect({ file: 'pct', args: ['config', '960'], result: { stdout: TEMPLATE_CONFIG } });
    await expect(buildTemplate(ctx, { name: 'base', specFile })).rejects.toThrow("template 'base' (CT 960) was built from a different spec");
    runner.expect({ file: 'pct', args: ['config', '960'], result: { stdout: TEMPLATE_CONFIG } });
    runner.expect({
      file: 'pvesm',
      args: ['list', 'local-lvm'],
      result: { stdout: 'Volid                                    Format  Type       Size VMID\nlocal-lvm:base-960-disk-0                raw     rootdir    8589934592 960\nlocal-lvm:base-960-disk-0/vm-261-disk-0  raw     rootdir    8589934592 261\nlocal-lvm:vm-262-disk-0                  raw     rootdir    8589934592 262\n' },
    });
    await expect(buildTemplate(ctx, { name: 'base', specFile, rebuild: true })).rejects.toThrow("template 'base' (CT 960) has linked clones (261)");
    runner.assertDone();
    expect((await readTemplates(ctx))[0]!.specHash).toBe('0'.repeat(64)); // the record is untouched
  });

  it('linkedClonesOf reads only volumes on a base of this template', async () => {
    const runner = new RecordingRunner([{ file: 'pvesm', args: ['list', 'local-lvm'], stdoutFile: path.resolve(import.meta.dirname, '../fixtures/host/pvesm-list-owned.txt') }]);
    expect(await linkedClonesOf(testContext(runner).ctx, 9000, 'local-lvm')).toEqual([]);
    const dirStyle = 'Volid                                        Format  Type       Size VMID\nlocal-hdd:960/base-960-disk-0.raw            raw     rootdir    2147483648 960\nlocal-hdd:960/base-960-disk-0.raw/263/vm-263-disk-0.qcow2 qcow2 rootdir 2147483648 263\nlocal-hdd:9600/base-9600-disk-0.raw/264/vm-264-disk-0.qcow2 qcow2 rootdir 2147483648 264\n';
    const dir = new RecordingRunner([{ file: 'pvesm', args: ['list', 'local-hdd'], result: { stdout: dirStyle } }]);
    expect(await linkedClonesOf(testContext(dir).ctx, 960, 'local-hdd')).toEqual([263]);
  });

  it('refuses a name that cannot be a file name before anything runs', async () => {
    const runner = new RecordingRunner();
    await expect(buildTemplate(testContext(runner).ctx, { name: '../x', specFile })).rejects.toThrow("invalid resource id '../x'");
    expect(runner.calls).toEqual([]);
  });
});
