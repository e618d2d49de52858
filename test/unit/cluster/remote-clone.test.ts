// Clones, template builds and instances on a cluster: clone --node through `pvesh create …/clone --target` (shared storage only, else refused), post_clone refused there; template build and install refuse another node in one line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cloneTemplate } from '../../../src/clones/clone.js';
import { placeClone } from '../../../src/clones/place.js';
import { placeHereOnly } from '../../../src/cluster/place.js';
import { UsageError } from '../../../src/errors.js';
import { RecordingRunner, type ExpectedCommand } from '../../../src/host/recording-runner.js';
import { buildTemplate } from '../../../src/templates/build.js';
import { saveTemplate } from '../../../src/templates/state.js';
import { testContext } from '../../helpers/context.js';
import { fx, get, pveRoot } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'pxd-remote-clone-'));
const spec = (name: string, extra = '') => {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, `container:\n  hostname: base\n  template: debian-12\n  network: { ip: 10.203.0.109/24, gateway: 10.203.0.1 }\n${extra}`);
  return file;
};
const plain = spec('plain');
const withPostClone = spec('post', 'post_clone:\n  - name: serve\n    interpreter: sh\n    content: hostname > /srv/index.html\n');
// The recorded storage list, with local-hdd made shared (an NFS/CephFS storage on a real cluster).
const sharedStorage = path.join(dir, 'storage-shared.json');
writeFileSync(sharedStorage, readFileSync(fx('storage.json'), 'utf8').replace('"shared":0,"storage":"local-hdd"', '"shared":1,"storage":"local-hdd"'));

const TPL_CONFIG = 'arch: amd64\ncores: 1\nhostname: base\nmemory: 256\nnet0: name=eth0,bridge=vmbr0,gw=10.203.0.1,hwaddr=BC:24:11:00:00:01,ip=10.203.0.109/24,type=veth\nostype: debian\nrootfs: local-hdd:base-960-disk-0,size=2G\nswap: 512\ntags: pxdeploy\ntemplate: 1\nunprivileged: 1\n';
const resources = { file: 'pvesh', args: ['get', '/cluster/resources', '--type', 'vm', '--output-format', 'json'], result: { stdout: '[]' } };
const tplConfig = { file: 'pct', args: ['config', '960'], result: { stdout: TPL_CONFIG } };
const pvesh = (args: string[], stdout = ''): ExpectedCommand => ({ file: 'pvesh', args, result: { stdout } });

async function cluster(specFile: string) {
  const runner = new RecordingRunner();
  const t = testContext(runner, { root: pveRoot(['pve', 'pvex2']) });
  await saveTemplate(t.ctx.effects, t.ctx.paths, { name: 'base', vmid: 960, node: 'pve', storage: 'local-hdd', specHash: 'abc', builtAt: '2026-12-02T09:00:00.000Z', specFile });
  return { runner, ...t };
}

describe('clone --node on a cluster', () => {
  it('shared storage: clone asked on the template\'s node with --target, then set, start and wait through the API there', async () => {
    const { runner, ctx } = await cluster(plain);
    for (const e of [
      resources,
      tplConfig,
      get('/nodes', fx('nodes.json')),
      get('/nodes/pve/storage', sharedStorage),
      pvesh(['create', '/nodes/pve/lxc/960/clone', '--newid', '595', '--full', '1', '--hostname', 'web1', '--target', 'pvex2'], 'UPID:pve:0000AAAA:0000BBBB:6756F000:vzclone:960:root@pam:\n'),
      pvesh(['set', '/nodes/pvex2/lxc/595/config', '--net0', 'name=eth0,bridge=vmbr0,gw=10.203.0.1,ip=10.203.0.136/24,type=veth', '--tags', 'pxclone-base;pxdeploy']),
      pvesh(['create', '/nodes/pvex2/lxc/595/status/start'], 'UPID:pvex2:0000AAAA:0000BBBB:6756F000:vzstart:595:root@pam:\n'),
      pvesh(['get', '/nodes/pvex2/lxc/595/status/current', '--output-format', 'json'], '{"status":"running"}'),
      pvesh(['get', '/nodes/pvex2/lxc/595/config', '--output-format', 'json'], '{"hostname":"web1","net0":"name=eth0,bridge=vmbr0,gw=10.203.0.1,ip=10.203.0.136/24,type=veth"}'),
    ] as ExpectedCommand[])
      runner.expect(e);
    const warnings: string[] = [];
    ctx.report.warn = (m: string) => void warnings.push(m);
    const r = await cloneTemplate(ctx, { template: 'base', hostname: 'web1', vmid: 595, ip: '10.203.0.136/24', node: 'pvex2' });
    runner.assertDone();
    expect(r).toMatchObject({ vmid: 595, ip: '10.203.0.136', outcome: 'created', node: 'pvex2', placement: 'on pvex2 (--node)' });
    expect(runner.calls.some((c) => c.file === 'pct' && c.args[0] !== 'config')).toBe(false);
    expect(warnings).toEqual(['CT 595 on pvex2 has no SSH host keys yet: run `ssh-keygen -A` in it on pvex2 (pct exec works only there)']);
    const { readContainerState } = await import('../../../src/containers/state.js');
    expect(await readContainerState(ctx.paths, 595)).toMatchObject({ node: 'pvex2', status: 'ready' });
  });

  it('local storage: refused in one line naming both nodes, nothing cloned', async () => {
    const { runner, ctx } = await cluster(plain);
    for (const e of [resources, tplConfig, get('/nodes', fx('nodes.json')), get('/nodes/pve/storage', fx('storage.json'))] as ExpectedCommand[]) runner.expect(e);
    const err = await cloneTemplate(ctx, { template: 'base', hostname: 'web1', vmid: 595, ip: '10.203.0.136/24', node: 'pvex2' }).catch((e: unknown) => e);
    runner.assertDone();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe("clone of template 'base' to node pvex2: its disk is on local-hdd, local to pve, and PVE clones to another node only from shared storage");
  });

  it('post_clone scripts on another node are refused before anything is cloned', async () => {
    const { runner, ctx } = await cluster(withPostClone);
    for (const e of [resources, tplConfig, get('/nodes', fx('nodes.json')), get('/nodes/pve/storage', sharedStorage)] as ExpectedCommand[]) runner.expect(e);
    const err = await cloneTemplate(ctx, { template: 'base', hostname: 'web1', vmid: 595, ip: '10.203.0.136/24', node: 'pvex2' }).catch((e: unknown) => e);
    runner.assertDone();
    expect((err as Error).message).toBe("clone web1 on node pvex2: post_clone scripts need pct exec on the CT's own node, which pxdeploy here cannot reach");
  });
});

describe('placeClone without --node', () => {
  const tpl = { name: 'base', vmid: 960, node: 'pve', storage: 'local-hdd', specHash: 'abc', builtAt: '2026-12-02T09:00:00.000Z' };
  it('local storage: the template\'s node with the reason (no capacity asked); shared: by free memory', async () => {
    const runner = new RecordingRunner([get('/nodes/pve/storage', fx('storage.json'))]);
    const { ctx } = testContext(runner, { root: pveRoot(['pve', 'pvex2']) });
    expect(await placeClone(ctx, tpl, { storage: 'local-hdd', bridge: 'vmbr0' }, undefined)).toEqual({
      node: 'pve', remote: false, source: 'pve', reason: "on pve, the template's node: its storage local-hdd is not shared, and PVE clones to another node only from shared storage",
    });
    runner.assertDone();
    const capacity = (n: string, status: string) => [get(`/nodes/${n}/status`, fx(status)), get(`/nodes/${n}/storage`, sharedStorage), get(`/nodes/${n}/network`, fx('network.json'))];
    const shared = new RecordingRunner([get('/nodes', fx('nodes.json')), ...capacity('pve', 'status-pve.json'), ...capacity('pvex2', 'status-pvex2.json')], { order: 'any' });
    const c2 = testContext(shared, { root: pveRoot(['pve', 'pvex2']) });
    const placed = await placeClone(c2.ctx, tpl, { storage: 'local-hdd', bridge: 'vmbr0' }, undefined);
    shared.assertDone();
    expect(placed.reason).toMatch(/^placed on pve: .* GiB free, has local-hdd and vmbr0; pvex2: 12\.0 GiB free$/);
  });
});

describe('this node only: template build and blue/green instances', () => {
  it('template build --node <another> is refused before any lock or host command but the node list', async () => {
    const runner = new RecordingRunner([get('/nodes', fx('nodes.json'))]);
    const { ctx } = testContext(runner, { root: pveRoot(['pve', 'pvex2']) });
    const err = await buildTemplate(ctx, { name: 'base', specFile: plain, node: 'pvex2' }).catch((e: unknown) => e);
    runner.assertDone();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe("template base on node pvex2: provisioning, cleaning for cloning and `pct template` need pct exec on the CT's own node, which pxdeploy here cannot reach");
    expect((err as UsageError).hint).toBe('run pxdeploy on pvex2 itself');
  });

  it('an instance: another node refused with why; none on a cluster is this node, said; a single node asks nothing', async () => {
    const runner = new RecordingRunner([get('/nodes', fx('nodes.json'))]);
    const { ctx } = testContext(runner, { root: pveRoot(['pve', 'pvex2']) });
    const why = 'blue/green instances need pct exec';
    await expect(placeHereOnly(ctx, 'pvex2', 'instance notes-a', why)).rejects.toThrow("instance notes-a on node pvex2: blue/green instances need pct exec on the CT's own node, which pxdeploy here cannot reach");
    expect(await placeHereOnly(ctx, undefined, 'instance notes-a', why)).toEqual({ node: 'pve', remote: false, reason: 'on pve, this node: blue/green instances need pct exec here' });
    expect(await placeHereOnly(ctx, 'pve', 'instance notes-a', why)).toEqual({ node: 'pve', remote: false, reason: 'on pve (--node)' });
    runner.assertDone();
    const single = new RecordingRunner([]);
    const one = testContext(single, { root: pveRoot(['pve']) });
    expect(await placeHereOnly(one.ctx, undefined, 'instance notes-a', why)).toEqual({ node: undefined, remote: false });
    expect(single.calls).toEqual([]);
  });
});
