// inventory sync against recorded pvesim output: first sync discovers, an unchanged cluster reads no config and writes nothing, a memory change is one snapshot.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotFoundError, UsageError } from '../../src/errors.js';
import { RecordingRunner, type ExpectedCommand } from '../../src/host/recording-runner.js';
import { localNodeOf, parseGuests, parseNodeStorage, parseNodeTasks } from '../../src/inventory/pve-reads.js';
import { formatHistory, parseSince, resourceHistory, showInventory } from '../../src/inventory/show.js';
import { InventoryStore } from '../../src/inventory/store.js';
import { pickNodes, syncInventory } from '../../src/inventory/sync.js';
import { testContext } from '../helpers/context.js';

const FIX = path.resolve(import.meta.dirname, '../fixtures/inventory');
const fx = (f: string) => path.join(FIX, f);
const get = (apiPath: string, file: string, extra: string[] = []): ExpectedCommand => ({ file: 'pvesh', args: ['get', apiPath, ...extra, '--output-format', 'json'], stdoutFile: fx(file) });

function reads(resources = 'cluster-resources.json', configs: Record<number, string> = { 580: 'lxc-580-config.json', 581: 'lxc-581-config.json' }): ExpectedCommand[] {
  return [
    get('/nodes', 'nodes.json'),
    get('/nodes/pve/status', 'node-status.json'),
    get('/nodes/pve/storage', 'storage.json'),
    get('/nodes/pve/tasks', 'tasks.json'),
    get('/cluster/resources', resources, ['--type', 'vm']),
    ...Object.entries(configs).map(([vmid, f]) => get(`/nodes/pve/lxc/${vmid}/config`, f)),
  ];
}

async function sync(root: string | undefined, expected: ExpectedCommand[], dryRun = false) {
  const runner = new RecordingRunner(expected, { order: 'any' });
  const t = testContext(runner, { root, dryRun });
  const r = await syncInventory(t.ctx, {});
  expect(runner.remaining).toEqual([]);
  return { r, t };
}

describe('pvesh parsers (recorded pvesim output)', () => {
  it('tasks: every field of the task index, as the API returns them', () => {
    expect(parseNodeTasks('pve', readFileSync(fx('tasks.json'), 'utf8'))[0]).toEqual({
      upid: 'UPID:pve:00001F42:0001E260:674D8A20:vzstop:581:root@pam:', node_id: 'pve', type: 'vzstop', resource_id: '581', user: 'root@pam',
      status: "command 'lxc-stop -n 581' failed: exit code 1", pid: 8002, start_time: 1733134880, end_time: 1733134885,
    });
  });
  it('storage: keyed <node>/<storage>, usage left out (not history)', () => {
    expect(parseNodeStorage('pve', readFileSync(fx('storage.json'), 'utf8')).get('pve/local-lvm')).toEqual({
      node_id: 'pve', storage: 'local-lvm', type: 'dir', content: 'images,rootdir', enabled: 1, active: 1, shared: 0, total_bytes: 270553174016,
    });
  });
  it('guests: QEMU VMs are kept as rows with type qemu; memory in MB', () => {
    const g = parseGuests(readFileSync(path.resolve(FIX, '../host/pvesh-cluster-resources-vm.json'), 'utf8'));
    expect(g.find((x) => x.vmid === 100)?.summary).toMatchObject({ type: 'qemu', name: 'win', memory: 4096, cpus: 4 });
    expect(g.find((x) => x.vmid === 200)?.summary).toMatchObject({ type: 'lxc', tags: 'prod;web', memory: 1024 });
  });
});

describe('inventory sync', () => {
  it('first sync discovers, an unchanged cluster reads no config and writes nothing, a memory change is one updated snapshot', async () => {
    const { r: first, t } = await sync(undefined, reads());
    const root = t.root;
    expect(first.changes.map((c) => `${c.change} ${c.kind} ${c.id}`)).toEqual([
      'discovered node pve', 'discovered container 580', 'discovered container 581', 'discovered storage pve/local', 'discovered storage pve/local-lvm',
    ]);
    expect(first).toMatchObject({ nodes: ['pve'], guests: 2, configsRead: 2, tasksWritten: 3, written: true });
    expect(first.changes.every((c) => c.diff === undefined)).toBe(true); // discovered: the row is in the table, not repeated as a diff

    const { r: again } = await sync(root, reads('cluster-resources.json', {}));
    expect(again).toMatchObject({ changes: [], tasksWritten: 0, configsRead: 0, written: false });

    const { r: mem } = await sync(root, reads('cluster-resources-580-memory.json', { 580: 'lxc-580-config-memory.json' }));
    expect(mem.changes).toEqual([{ kind: 'container', id: '580', change: 'updated', diff: { memory: [256, 1024] } }]);

    const store = InventoryStore.openForRead(t.ctx.paths.inventoryDb);
    expect(store.rows('container').get('580')).toMatchObject({ memory: 1024, config_digest: 'ce64e4db0edc4c51990b228ba148490a7a5d9729', hostname: 'inv-a', cores: 1 });
    expect(store.snapshotCount()).toBe(6);
    store.close();

    const h = resourceHistory(t.ctx, '580');
    expect(h.snapshots.map((s) => s.change)).toEqual(['discovered', 'updated']);
    expect(formatHistory(h).split('\n').slice(-2)).toEqual(['2026-12-02T10:00:00.000Z  updated    container 580', '  memory: 256 → 1024']);
    expect(showInventory(t.ctx, 'ct').containers?.map((c) => [c.id, c.memory])).toEqual([[580, 1024], [581, 512]]);
  });

  it('--dry-run reads everything, lists the database write and leaves the file alone', async () => {
    const { r, t } = await sync(undefined, reads(), true);
    expect(r.written).toBe(false);
    expect(r.changes).toHaveLength(5);
    expect(t.ctx.effects.plan?.map((p) => p.kind)).toEqual(['after']);
    expect(t.printed[0]).toContain(`write 5 resource change(s) and 3 task(s) to ${t.ctx.paths.inventoryDb}`);
    expect(existsSync(t.ctx.paths.inventoryDb)).toBe(false);
  });

  it('a CT gone from the cluster is deleted, one that is new on a known node is created', async () => {
    const { t } = await sync(undefined, reads());
    const only580 = JSON.stringify(JSON.parse(readFileSync(fx('cluster-resources.json'), 'utf8')).filter((g: { vmid: number }) => g.vmid === 580));
    const runner = new RecordingRunner([...reads('cluster-resources.json', {}).slice(0, 4), { file: 'pvesh', args: ['get', '/cluster/resources', '--type', 'vm', '--output-format', 'json'], result: { stdout: only580 } }], { order: 'any' });
    const gone = await syncInventory(testContext(runner, { root: t.root }).ctx, {});
    expect(gone.changes.map((c) => `${c.change} ${c.id}`)).toEqual(['deleted 581']);
    const { r: back } = await sync(t.root, reads('cluster-resources.json', { 581: 'lxc-581-config.json' }));
    expect(back.changes.map((c) => `${c.change} ${c.id}`)).toEqual(['created 581']);
    expect(back.changes[0]?.diff).toMatchObject({ memory: [null, 512], hostname: [null, expect.any(String)] }); // created: every field, from unset
  });

  it('--dry-run on a stored inventory reports the changes against it and writes none of them', async () => {
    const { t } = await sync(undefined, reads());
    const before = InventoryStore.openForRead(t.ctx.paths.inventoryDb);
    const snapshots = before.snapshotCount();
    before.close();
    const { r: plan } = await sync(t.root, reads('cluster-resources-580-memory.json', { 580: 'lxc-580-config-memory.json' }), true);
    expect(plan.changes).toEqual([{ kind: 'container', id: '580', change: 'updated', diff: { memory: [256, 1024] } }]);
    expect(plan.written).toBe(false);
    const after = InventoryStore.openForRead(t.ctx.paths.inventoryDb);
    expect(after.snapshotCount()).toBe(snapshots);
    expect(after.rows('container').get('580')?.memory).toBe(256);
    after.close();
  });
});

describe('which nodes a sync reads', () => {
  const nodes = [{ node: 'a', status: 'online' }, { node: 'b', status: 'online' }];
  it('--node must name a cluster node; --all-nodes takes all; else this one must be recognisable', () => {
    expect(pickNodes(nodes, { node: 'b' })).toEqual(['b']);
    expect(() => pickNodes(nodes, { node: 'c' })).toThrow(NotFoundError);
    expect(pickNodes(nodes, { allNodes: true })).toEqual(['a', 'b']);
    expect(() => pickNodes(nodes, {})).toThrow(UsageError);
    expect(pickNodes([nodes[0]!], {})).toEqual(['a']);
    expect(pickNodes(nodes, {}, 'b')).toEqual(['b']);
  });
  it('/cluster/status names the local node (recorded from a two-node pvesim)', () => {
    expect(localNodeOf(readFileSync(fx('cluster-status-two-nodes.json'), 'utf8'))).toBe('pve2');
    expect(localNodeOf('[]')).toBeUndefined();
  });
  it('--since takes ISO times and durations', () => {
    const now = new Date('2026-12-02T10:00:00Z');
    expect(parseSince('2h', now)).toBe('2026-12-02T08:00:00.000Z');
    expect(parseSince('2026-12-01T00:00Z', now)).toBe('2026-12-01T00:00:00.000Z');
    expect(() => parseSince('soon', now)).toThrow(/invalid --since 'soon'/);
  });
});
