// CT configs from pmxcfs: the digest is the SHA-1 of the file (as pvesh reports it), the fields equal pvesh's; sync reads no pvesh config where the file is there, catches a config-only edit, and falls back to pvesh where it is not.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordingRunner, type ExpectedCommand } from '../../src/host/recording-runner.js';
import { configDigest, ctConfigPath, ctFieldsFromConfig, readCtConfig } from '../../src/inventory/pmxcfs-config.js';
import { parseLxcConfig } from '../../src/inventory/pve-reads.js';
import { resourceHistory } from '../../src/inventory/show.js';
import { syncInventory } from '../../src/inventory/sync.js';
import { testContext } from '../helpers/context.js';

const FIX = path.resolve(import.meta.dirname, '../fixtures/inventory');
const fx = (f: string) => path.join(FIX, f);
const get = (apiPath: string, file: string, extra: string[] = []): ExpectedCommand => ({ file: 'pvesh', args: ['get', apiPath, ...extra, '--output-format', 'json'], stdoutFile: fx(file) });
const baseReads = (): ExpectedCommand[] => [
  get('/nodes', 'nodes.json'),
  get('/nodes/pve/status', 'node-status.json'),
  get('/nodes/pve/storage', 'storage.json'),
  get('/nodes/pve/tasks', 'tasks.json'),
  get('/cluster/resources', 'cluster-resources.json', ['--type', 'vm']),
];

/** Each raw config file with the pvesh answer pvesim gave for it. */
const PAIRS: Array<[file: string, vmid: number, pvesh: string]> = [
  ['580.conf', 580, 'lxc-580-config.json'],
  ['581.conf', 581, 'lxc-581-config.json'],
  ['580-memory.conf', 580, 'lxc-580-config-memory.json'],
  ['580-net0.conf', 580, 'lxc-580-config-net0.json'],
  ['582-pending.conf', 582, 'lxc-582-config-pending.json'],
];

/** A pxdeploy root whose /etc/pve holds these configs on node pve. */
function rootWith(files: Record<number, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'pxd-pmxcfs-'));
  mkdirSync(path.join(root, 'etc/pve/nodes/pve/lxc'), { recursive: true });
  for (const [vmid, f] of Object.entries(files)) copyFileSync(fx(`pmxcfs/${f}`), ctConfigPath(path.join(root, 'etc/pve'), 'pve', Number(vmid)));
  return root;
}

async function sync(root: string, expected: ExpectedCommand[]) {
  const runner = new RecordingRunner(expected, { order: 'any' });
  const t = testContext(runner, { root });
  const r = await syncInventory(t.ctx, {});
  expect(runner.remaining).toEqual([]);
  return { r, ctx: t.ctx };
}

describe('reading a CT config from pmxcfs', () => {
  it.each(PAIRS)('%s: the digest is the SHA-1 of the raw file and the kept fields equal what pvesh reports', (file, vmid, pvesh) => {
    const raw = readFileSync(fx(`pmxcfs/${file}`));
    const api = parseLxcConfig(vmid, readFileSync(fx(pvesh), 'utf8'));
    expect(configDigest(raw)).toBe(api.config_digest);
    expect({ config_digest: configDigest(raw), ...ctFieldsFromConfig(raw.toString('utf8')) }).toEqual(api);
  });

  it('pending values win and pending deletes remove; the snapshot section is not the config', () => {
    const f = ctFieldsFromConfig(readFileSync(fx('pmxcfs/582-pending.conf'), 'utf8'));
    expect(f).toMatchObject({ cores: 4, onboot: null, hostname: 'inv-c', swap: 0 });
  });

  it('an unchanged digest is not parsed again; an unreadable file is undefined (the caller asks pvesh)', async () => {
    const pve = path.join(rootWith({ 580: '580.conf' }), 'etc/pve');
    expect(await readCtConfig(pve, 'pve', 580, '8581586cb0e7a0edf0bae6ba0ef561a89d4cbd22')).toEqual({ digest: '8581586cb0e7a0edf0bae6ba0ef561a89d4cbd22' });
    const changed = await readCtConfig(pve, 'pve', 580, 'old');
    expect(changed?.fields).toMatchObject({ config_digest: '8581586cb0e7a0edf0bae6ba0ef561a89d4cbd22', hostname: 'inv-a', net0: expect.stringContaining('ip=10.203.0.130/24') });
    expect(changed?.fields).not.toHaveProperty('memory'); // a summary field: /cluster/resources gives it
    expect(await readCtConfig(pve, 'pve', 581)).toBeUndefined();
    expect(await readCtConfig(pve, 'pve2', 580)).toBeUndefined();
    rmSync(path.dirname(pve), { recursive: true, force: true });
    expect(await readCtConfig(pve, 'pve', 580)).toBeUndefined();
  });
});

describe('inventory sync with /etc/pve', () => {
  it('reads no config through pvesh; a config-only edit (net0) is exactly one `updated` snapshot; unchanged writes nothing', async () => {
    const root = rootWith({ 580: '580.conf', 581: '581.conf' });
    const { r: first } = await sync(root, baseReads());
    expect(first).toMatchObject({ guests: 2, configsRead: 2, configsFromPmxcfs: 2, written: true });
    expect(first.changes.filter((c) => c.kind === 'container').map((c) => `${c.change} ${c.id}`)).toEqual(['discovered 580', 'discovered 581']);

    const { r: same } = await sync(root, baseReads());
    expect(same).toMatchObject({ changes: [], tasksWritten: 0, configsFromPmxcfs: 2, written: false });

    // /cluster/resources is the same: only the file's digest says 580 changed.
    copyFileSync(fx('pmxcfs/580-net0.conf'), ctConfigPath(path.join(root, 'etc/pve'), 'pve', 580));
    const { r: edited, ctx } = await sync(root, baseReads());
    expect(edited.changes).toEqual([
      { kind: 'container', id: '580', change: 'updated', diff: { net0: ['name=eth0,bridge=vmbr0,gw=10.203.0.1,hwaddr=BC:24:11:00:05:80,ip=10.203.0.130/24,type=veth', 'name=eth0,bridge=vmbr0,gw=10.203.0.1,hwaddr=BC:24:11:00:05:80,ip=10.203.0.132/24,type=veth'] } },
    ]);
    expect(resourceHistory(ctx, '580').snapshots.map((s) => s.change)).toEqual(['discovered', 'updated']);
    const { r: after } = await sync(root, baseReads());
    expect(after.written).toBe(false);
  });

  it('a config pmxcfs does not have is read through pvesh (new CT); with no /etc/pve at all an unchanged CT is not read', async () => {
    const root = rootWith({ 580: '580.conf' });
    const { r } = await sync(root, [...baseReads(), get('/nodes/pve/lxc/581/config', 'lxc-581-config.json')]);
    expect(r).toMatchObject({ configsRead: 2, configsFromPmxcfs: 1 });
    rmSync(path.join(root, 'etc/pve'), { recursive: true, force: true });
    const { r: again } = await sync(root, baseReads());
    expect(again).toMatchObject({ configsRead: 0, changes: [], written: false });
  });
});
