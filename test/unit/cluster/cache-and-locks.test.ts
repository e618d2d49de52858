// The per-command pvesh cache (hits, failures forgotten, preflight reusing placement's answers), cluster detection and the cluster-wide lock directory.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedRead, readCacheOf } from '../../../src/cluster/cache.js';
import { nodeCapacity } from '../../../src/cluster/node-info.js';
import { isCluster, localNodeName } from '../../../src/cluster/pmxcfs.js';
import { apiConfigToPctText, pveshCreateCt, pveshCtStatus, pveshDestroyCt } from '../../../src/cluster/remote-ct.js';
import { runPve } from '../../../src/host/pve-run.js';
import { parseContainerSpecText } from '../../../src/config/container-spec.js';
import { preflightCreate } from '../../../src/containers/preflight.js';
import { HostCommandError, LockedError } from '../../../src/errors.js';
import { pveshNodes } from '../../../src/host/pvesh.js';
import { RecordingRunner } from '../../../src/host/recording-runner.js';
import { acquireLock, listLocks, lockStatus } from '../../../src/lock/index.js';
import { makePaths } from '../../../src/state/paths.js';
import { testContext } from '../../helpers/context.js';
import { fx, get, hostFx as host, pveRoot } from './helpers.js';

describe('per-command pvesh cache', () => {
  it('asks each question once; a failed answer is forgotten and asked again', async () => {
    const runner = new RecordingRunner([
      { file: 'pvesh', args: pveshNodes().args, stdoutFile: fx('nodes.json') },
      { file: 'pvesh', args: ['get', '/nodes/pve/status', '--output-format', 'json'], result: { exitCode: 255, stderr: 'boom\n' } },
      get('/nodes/pve/status', fx('status-pve.json')),
    ]);
    const { ctx } = testContext(runner);
    const [a, b] = await Promise.all([cachedRead(ctx, pveshNodes()), cachedRead(ctx, pveshNodes())]);
    expect(a.stdout).toBe(b.stdout);
    const status = { file: 'pvesh', args: ['get', '/nodes/pve/status', '--output-format', 'json'], readOnly: true };
    await expect(cachedRead(ctx, status)).rejects.toBeInstanceOf(HostCommandError);
    expect(JSON.parse((await cachedRead(ctx, status)).stdout)).toHaveProperty('memory');
    runner.assertDone();
    expect(readCacheOf(ctx)).toMatchObject({ hits: 1, misses: 3 });
    expect(() => cachedRead(ctx, pveshDestroyCt('pve', 100))).toThrow(/only read-only commands/);
  });

  it('preflight for a node placement already read asks only what is new (cluster guests, the template list)', async () => {
    const root = pveRoot(['pve', 'pvex2']);
    const runner = new RecordingRunner(
      [
        get('/nodes/pvex2/status', fx('status-pvex2.json')),
        get('/nodes/pvex2/storage', fx('storage.json')),
        get('/nodes/pvex2/network', fx('network.json')),
        get('/cluster/resources', host('pvesh-cluster-resources-empty.json'), ['--type', 'vm']),
        { file: 'pveam', args: ['list', 'local'], stdoutFile: host('pveam-list.txt') },
      ],
      { order: 'any' },
    );
    const { ctx } = testContext(runner, { root });
    await nodeCapacity(ctx, 'pvex2');
    const r = parseContainerSpecText('container:\n  hostname: web\n  template: debian-12\n  resources: { disk: 2 }\n  storage_pool: local-lvm\n  network: { bridge: vmbr0 }\n', 'ct.yaml', {});
    if (!r.ok) throw new Error('bad spec');
    const plan = await preflightCreate(ctx, { spec: r.spec, lineOf: r.lineOf, file: 'ct.yaml', node: 'pvex2', yes: false });
    runner.assertDone();
    expect(plan).toMatchObject({ node: 'pvex2', storage: 'local-lvm', ostemplate: 'local:vztmpl/debian-12-standard_12.12-1_amd64.tar.zst' });
    expect(runner.calls.map((c) => `${c.file} ${c.args.slice(0, 2).join(' ')}`).filter((c) => c.startsWith('pvesh get /nodes/'))).toHaveLength(3);
  });
});

describe('cluster detection and the node name (pmxcfs)', () => {
  it('a cluster is corosync.conf or more than one node; the name comes from /etc/pve/local, then lxc, then the hostname', () => {
    expect(isCluster(path.join(pveRoot(['pve']), 'etc/pve'))).toBe(false);
    expect(isCluster(path.join(pveRoot(['pve', 'pve2']), 'etc/pve'))).toBe(true);
    expect(isCluster(path.join(pveRoot(['pve'], { corosync: true }), 'etc/pve'))).toBe(true);
    expect(localNodeName(path.join(pveRoot(['a', 'b'], { local: 'b' }), 'etc/pve'))).toBe('b');
    expect(localNodeName('/nonexistent/etc/pve')).toBe(os.hostname().split('.')[0]);
  });
});

describe('lock directory', () => {
  const deps = (root: string) => ({ paths: makePaths(root), log: { warn() {} }, owner: `root@${os.hostname()}` });

  it('a single node keeps /var/lock/pxdeploy/<id>.lock', async () => {
    const root = pveRoot(['pve']);
    const lock = await acquireLock(deps(root), 'web', 'ct-create');
    expect(lock.path).toBe(path.join(root, 'var/lock/pxdeploy/web.lock'));
    expect((await listLocks(makePaths(root))).map((l) => l.resourceId)).toEqual(['web']);
    await lock.release();
  });

  it('a cluster uses /etc/pve/priv/lock/pxdeploy-<id>, seen through another root on the same /etc/pve', async () => {
    const root = pveRoot(['pve', 'pve2']);
    const other = mkdtempSync(path.join(tmpdir(), 'pxd-other-'));
    mkdirSync(path.join(other, 'etc'));
    symlinkSync(path.join(root, 'etc/pve'), path.join(other, 'etc/pve'));
    const lock = await acquireLock(deps(root), 'web', 'ct-create');
    expect(lock.path).toBe(path.join(root, 'etc/pve/priv/lock/pxdeploy-web'));
    expect((await listLocks(makePaths(other))).map((l) => l.resourceId)).toEqual(['web']);
    await expect(acquireLock(deps(other), 'web', 'ct-create')).rejects.toBeInstanceOf(LockedError);
    await lock.release();
    expect(await lockStatus(makePaths(other), 'web')).toBeUndefined();
  });

  it('on a cluster a holder on another host is not judged by a pid here, only by age', async () => {
    const root = pveRoot(['pve', 'pve2']);
    const dir = path.join(root, 'etc/pve/priv/lock/pxdeploy-web');
    mkdirSync(dir, { recursive: true });
    const now = Math.floor(Date.now() / 1000);
    const plant = (owner: string, ts: number) => {
      for (const [k, v] of Object.entries({ pid: '999999', timestamp: String(ts), owner, operation: 'ct-create' })) writeFileSync(path.join(dir, k), `${v}\n`);
    };
    const dead = () => false;
    plant('root@other-node', now - 10);
    expect(await lockStatus(makePaths(root), 'web', { isAlive: dead })).toMatchObject({ stale: false });
    plant(`root@${os.hostname()}`, now - 10);
    expect(await lockStatus(makePaths(root), 'web', { isAlive: dead })).toMatchObject({ stale: true, reason: 'process 999999 is no longer running' });
    plant('root@other-node', now - 4000);
    expect(await lockStatus(makePaths(root), 'web', { isAlive: dead })).toMatchObject({ stale: true });
  });
});

describe('remote CT commands', () => {
  it('pvesh create /nodes/<n>/lxc takes pct create options, and the keys themselves', () => {
    const cmd = pveshCreateCt('pve2', 590, 'local:vztmpl/x.tar.xz', { hostname: 'web', memory: 128 } as never, 'ssh-ed25519 AAAA k\n');
    expect(cmd.file).toBe('pvesh');
    expect(cmd.args.slice(0, 6)).toEqual(['create', '/nodes/pve2/lxc', '--vmid', '590', '--ostemplate', 'local:vztmpl/x.tar.xz']);
    expect(cmd.args).toEqual(expect.arrayContaining(['--hostname', 'web', '--memory', '128']));
    expect(cmd.args.slice(-2)).toEqual(['--ssh-public-keys', 'ssh-ed25519 AAAA k\n']);
    expect(pveshDestroyCt('pve2', 590, { force: true, purge: true }).args).toEqual(['delete', '/nodes/pve2/lxc/590', '--force', '1', '--purge', '1']);
  });

  it('a task that failed behind pvesh\'s exit 0 is still an error (its stderr); warnings are not', async () => {
    const upid = 'UPID:pve2:00000B11:00031476:6B0FFF9E:vzstart:590:root@pam:\n';
    const runner = new RecordingRunner([
      { file: 'pvesh', args: pveshCtStatus('pve2', 590, 'start').args, result: { exitCode: 0, stdout: upid, stderr: "you can't start a CT if it's a template\n" } },
      { file: 'pvesh', args: pveshCtStatus('pve2', 590, 'start').args, result: { exitCode: 0, stdout: upid, stderr: 'WARN: something\nTask finished with 1 warning(s)!\n' } },
    ]);
    await expect(runPve(runner, pveshCtStatus('pve2', 590, 'start'))).rejects.toThrow(/you can't start a CT if it's a template/);
    expect((await runPve(runner, pveshCtStatus('pve2', 590, 'start'))).stdout).toBe(upid);
  });

  it('the API config reads as pct config text', () => {
    const text = apiConfigToPctText('{"digest":"ab","hostname":"web","lxc":[["lxc.init.cwd","/"]],"memory":128,"net0":"name=eth0,bridge=vmbr0,ip=10.0.0.5/24"}');
    expect(text).toBe('hostname: web\nlxc.init.cwd: /\nmemory: 128\nnet0: name=eth0,bridge=vmbr0,ip=10.0.0.5/24\n');
  });
});
