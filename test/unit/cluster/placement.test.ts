// Placement on a cluster: the node with the most free memory that has the storage/template storage/bridge, with the reason; --node checked; single nodes ask nothing.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseNodeStorage, type NodeCapacity } from '../../../src/cluster/node-info.js';
import { placeContainer } from '../../../src/cluster/place.js';
import { choosePlacement } from '../../../src/cluster/placement.js';
import { parseContainerSpecText } from '../../../src/config/container-spec.js';
import { PreflightError, UsageError } from '../../../src/errors.js';
import { RecordingRunner, type ExpectedCommand } from '../../../src/host/recording-runner.js';
import { testContext } from '../../helpers/context.js';
import { fx, get as getRecorded, pveRoot } from './helpers.js';

const get = (p: string, file: string): ExpectedCommand => getRecorded(p, fx(file));

function spec(extra = '') {
  const r = parseContainerSpecText(`container:\n  hostname: web\n  template: debian-12\n  storage_pool: local-lvm\n  network: { bridge: vmbr0 }\n${extra}`, 'ct.yaml', {});
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.spec;
}

const capacityReads = (node: string, status: string): ExpectedCommand[] => [get(`/nodes/${node}/status`, status), get(`/nodes/${node}/storage`, 'storage.json'), get(`/nodes/${node}/network`, 'network.json')];

describe('choosePlacement', () => {
  const storages = parseNodeStorage(readFileSync(fx('storage.json'), 'utf8'));
  const node = (name: string, freeGiB: number, extra: Partial<NodeCapacity> = {}): NodeCapacity => ({
    node: name, online: true, memTotal: 64 * 2 ** 30, memFree: freeGiB * 2 ** 30, storages, bridges: ['vmbr0'], ...extra,
  });
  const needs = { storage: 'local-lvm', templateStorage: 'local', bridge: 'vmbr0' };

  it('takes the most free memory and says why, naming the others', () => {
    const { placement } = choosePlacement([node('pve', 3.2), node('pve2', 12.1)], needs);
    expect(placement).toEqual({ node: 'pve2', reason: 'placed on pve2: 12.1 GiB free, has local-lvm, local and vmbr0; pve: 3.2 GiB free' });
  });

  it('skips a node without the bridge or storage, even with more memory, and says what it lacks', () => {
    const { placement, rejected } = choosePlacement(
      [node('big', 60, { bridges: [] }), node('nolvm', 50, { storages: storages.filter((s) => s.name !== 'local-lvm') }), node('small', 2)],
      needs,
    );
    expect(placement?.node).toBe('small');
    expect(rejected).toEqual([
      { node: 'big', why: 'no bridge vmbr0' },
      { node: 'nolvm', why: 'no storage local-lvm for containers' },
    ]);
    expect(placement?.reason).toBe('placed on small: 2.0 GiB free, has local-lvm, local and vmbr0; big: no bridge vmbr0; nolvm: no storage local-lvm for containers');
  });

  it('a storage without rootdir content does not count; no eligible node gives no placement', () => {
    const { placement, rejected } = choosePlacement([node('a', 5)], { ...needs, storage: 'local-iso' });
    expect(placement).toBeUndefined();
    expect(rejected).toEqual([{ node: 'a', why: 'no storage local-iso for containers' }]);
  });
});

describe('placeContainer', () => {
  it('on a cluster: one /nodes, then status/storage/network per node, from recorded pvesh JSON', async () => {
    const runner = new RecordingRunner([get('/nodes', 'nodes.json'), ...capacityReads('pve', 'status-pve.json'), ...capacityReads('pvex2', 'status-pvex2.json')], { order: 'any' });
    const { ctx } = testContext(runner, { root: pveRoot(['pve', 'pvex2']) });
    const placed = await placeContainer(ctx, spec());
    runner.assertDone();
    expect(placed.node).toBe('pve');
    expect(placed.remote).toBe(false);
    expect(placed.reason).toMatch(/^placed on pve: 2\d\.\d GiB free, has local-lvm, local and vmbr0; pvex2: 12\.0 GiB free$/);
  });

  it('--node: checked against /nodes; another node is remote; an unknown one is a one-line usage error', async () => {
    const runner = new RecordingRunner([get('/nodes', 'nodes.json')]);
    const { ctx } = testContext(runner, { root: pveRoot(['pve', 'pvex2']) });
    expect(await placeContainer(ctx, spec(), 'pvex2')).toEqual({ node: 'pvex2', remote: true, reason: 'on pvex2 (--node)' });
    // the second question is answered from the command's cache: no second `pvesh get /nodes`
    const err = await placeContainer(ctx, spec(), 'pve9').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe("unknown node 'pve9' (--node): the cluster has pve, pvex2");
    runner.assertDone();
  });

  it('a single node asks nothing, with or without its own name', async () => {
    const runner = new RecordingRunner([]);
    const { ctx } = testContext(runner, { root: pveRoot(['pve']) });
    expect(await placeContainer(ctx, spec())).toEqual({ node: undefined, remote: false });
    expect(await placeContainer(ctx, spec(), 'pve')).toEqual({ node: 'pve', remote: false });
    expect(runner.calls).toEqual([]);
  });

  it('no node qualifies: a preflight problem naming each node and what it lacks', async () => {
    const runner = new RecordingRunner([get('/nodes', 'nodes.json'), ...capacityReads('pve', 'status-pve.json'), ...capacityReads('pvex2', 'status-pvex2.json')], { order: 'any' });
    const { ctx } = testContext(runner, { root: pveRoot(['pve', 'pvex2']) });
    const s = spec();
    const err = await placeContainer(ctx, { ...s, container: { ...s.container, network: { ...s.container.network, bridge: 'vmbr9' } } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PreflightError);
    expect((err as Error).message).toContain('container.node: no node can take the CT: pve: no bridge vmbr9; pvex2: no bridge vmbr9');
  });
});
