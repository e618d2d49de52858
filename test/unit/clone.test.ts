// cloneTemplate: the exact pct sequence of a full clone with a static IP and post_clone, PVE's linked-clone refusal as one line, and nothing left after a failure.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCloneOptions, cloneTemplate } from '../../src/clones/clone.js';
import { SYSTEMD_STATE } from '../../src/containers/wait.js';
import { NotFoundError, UsageError } from '../../src/errors.js';
import { RecordingRunner, type ExpectedCommand } from '../../src/host/recording-runner.js';
import { saveTemplate } from '../../src/templates/state.js';
import { NEW_IDENTITY } from '../../src/templates/identity.js';
import { testContext } from '../helpers/context.js';

const dir = mkdtempSync(path.join(tmpdir(), 'pxd-clone-'));
const specFile = path.join(dir, 'base.yaml');
writeFileSync(
  specFile,
  'container:\n  hostname: base\n  template: debian-12\n  network: { ip: 10.203.0.109/24, gateway: 10.203.0.1 }\npost_clone:\n  - name: serve\n    interpreter: sh\n    content: hostname > /srv/index.html\n',
);
const TPL_CONFIG = 'arch: amd64\ncores: 1\nhostname: base\nmemory: 256\nnet0: name=eth0,bridge=vmbr0,gw=10.203.0.1,hwaddr=BC:24:11:00:00:01,ip=10.203.0.109/24,type=veth\nostype: debian\nrootfs: local-hdd:base-960-disk-0,size=2G\nswap: 512\ntags: pxdeploy\ntemplate: 1\nunprivileged: 1\n';
const WAIT = `ip -4 -o addr show dev eth0; echo "systemd: $(${SYSTEMD_STATE})"`;
const noClones = '[{"id":"lxc/960","vmid":960,"node":"pve","type":"lxc","status":"stopped","name":"base","template":1,"tags":"pxdeploy"}]';

const pct = (args: string[], result?: ExpectedCommand['result']): ExpectedCommand => ({ file: 'pct', args, ...(result ? { result } : {}) });
const reads = (): ExpectedCommand[] => [
  { file: 'pvesh', args: ['get', '/cluster/resources', '--type', 'vm', '--output-format', 'json'], result: { stdout: noClones } },
  pct(['config', '960'], { stdout: TPL_CONFIG }),
];

async function withTemplate() {
  const runner = new RecordingRunner();
  const t = testContext(runner);
  await saveTemplate(t.ctx.effects, t.ctx.paths, { name: 'base', vmid: 960, node: 'pve', storage: 'local-hdd', specHash: 'abc', builtAt: '2026-12-02T09:00:00.000Z', specFile });
  return { runner, ...t };
}

describe('cloneTemplate', () => {
  it('full clone into 260: pct clone --full, net0 with the static IP, start, wait, new identity, post_clone; recorded', async () => {
    const { runner, ctx } = await withTemplate();
    const scratch = path.join(ctx.paths.scratchDir, `ct260-${process.pid}-script-serve`);
    for (const e of [
      ...reads(),
      pct(['clone', '960', '260', '--full', '1', '--hostname', 'web1']),
      pct(['set', '260', '--memory', '512', '--net0', 'name=eth0,bridge=vmbr0,gw=10.203.0.1,ip=10.203.0.100/24,type=veth', '--tags', 'pxclone-base;pxdeploy;stack-a']),
      pct(['start', '260']),
      pct(['exec', '260', '--', 'sh', '-c', WAIT], { stdout: '2: eth0    inet 10.203.0.100/24 scope global eth0\nsystemd: running\n' }),
      pct(['exec', '260', '--', 'sh', '-c', NEW_IDENTITY]),
      pct(['exec', '260', '--', 'mkdir', '-p', '/var/lib/pxdeploy/scripts']),
      pct(['exec', '260', '--', 'chmod', '0755', '/var/lib/pxdeploy/scripts']),
      pct(['push', '260', scratch, '/var/lib/pxdeploy/scripts/serve', '--perms', '0700', '--user', 'root']),
      pct(['exec', '260', '--', 'timeout', '300', 'env', '-C', '/', 'sh', '/var/lib/pxdeploy/scripts/serve']),
    ])
      runner.expect(e);
    const r = await cloneTemplate(ctx, { template: 'base', hostname: 'web1', vmid: 260, ip: '10.203.0.100/24', memory: 512, tags: ['stack-a'] });
    runner.assertDone();
    expect(r).toMatchObject({ vmid: 260, ip: '10.203.0.100', hostname: 'web1', outcome: 'created', linked: false, postClone: { ran: ['clone:identity', 'post_clone:serve'] } });
    const { readContainerState } = await import('../../src/containers/state.js');
    expect(await readContainerState(ctx.paths, 260)).toMatchObject({ hostname: 'web1', status: 'ready', spec_file: specFile });
  });

  it('takes the lowest free vmid of the services range, confirmed with pvesh nextid', async () => {
    const { runner, ctx } = await withTemplate();
    const taken = '[{"id":"lxc/200","vmid":200,"node":"pve","type":"lxc","status":"running","name":"x","template":0}]';
    for (const e of [
      ...reads(),
      { file: 'pvesh', args: ['get', '/cluster/resources', '--type', 'vm', '--output-format', 'json'], result: { stdout: taken } },
      { file: 'pvesh', args: ['get', '/cluster/nextid', '--vmid', '201', '--output-format', 'json'], result: { exitCode: 2, stderr: '400 Parameter verification failed.\nvmid: VM 201 already exists\n' } },
      { file: 'pvesh', args: ['get', '/cluster/nextid', '--vmid', '202', '--output-format', 'json'], result: { stdout: '202\n' } },
      pct(['clone', '960', '202', '--full', '1', '--hostname', 'web2']),
      pct(['set', '202', '--net0', 'name=eth0,bridge=vmbr0,gw=10.203.0.1,ip=10.203.0.101/24,type=veth', '--tags', 'pxclone-base;pxdeploy']),
      pct(['start', '202'], { exitCode: 255, stderr: "command 'systemctl start pve-container@202' failed: exit code 1\n" }),
      pct(['destroy', '202', '--force', '1', '--purge', '1']),
    ] as ExpectedCommand[])
      runner.expect(e);
    await expect(cloneTemplate(ctx, { template: '960', hostname: 'web2', ip: '10.203.0.101/24' })).rejects.toThrow(/systemctl start pve-container@202/);
    runner.assertDone();
    // Nothing half-made: the CT was destroyed and its record removed.
    expect(existsSync(ctx.paths.containerState(202))).toBe(false);
  });

  it('a linked clone PVE refuses comes back as one line with PVE\'s reason, and nothing is destroyed', async () => {
    const { runner, ctx } = await withTemplate();
    for (const e of [
      ...reads(),
      pct(['clone', '960', '261', '--hostname', 'lnk'], { exitCode: 255, stderr: "Linked clone feature for 'local-hdd:base-960-disk-0' is not available\n" }),
    ])
      runner.expect(e);
    const err = await cloneTemplate(ctx, { template: 'base', hostname: 'lnk', vmid: 261, ip: '10.203.0.102/24', linked: true }).catch((e: unknown) => e);
    runner.assertDone();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe("linked clone of template 'base' refused by PVE: Linked clone feature for 'local-hdd:base-960-disk-0' is not available");
  });

  it('a template with a static address needs --ip; an existing clone of that name is left as it is', async () => {
    const { runner, ctx } = await withTemplate();
    for (const e of reads()) runner.expect(e);
    await expect(cloneTemplate(ctx, { template: 'base', hostname: 'web3' })).rejects.toThrow("template 'base' has the static address 10.203.0.109/24; every clone needs its own: pass --ip");
    const existing = '[{"id":"lxc/263","vmid":263,"node":"pve","type":"lxc","status":"running","name":"web3","template":0,"tags":"pxclone-base;pxdeploy"}]';
    runner.expect({ file: 'pvesh', args: ['get', '/cluster/resources', '--type', 'vm', '--output-format', 'json'], result: { stdout: existing } });
    expect(await cloneTemplate(ctx, { template: 'base', hostname: 'web3', ip: '10.203.0.103/24' })).toMatchObject({ vmid: 263, outcome: 'unchanged' });
    runner.assertDone();
  });

  it('an unknown template is exit 3; bad options are refused naming the field, before any command', async () => {
    const { runner, ctx } = await withTemplate();
    await expect(cloneTemplate(ctx, { template: 'nope', hostname: 'a' })).rejects.toBeInstanceOf(NotFoundError);
    expect(() => checkCloneOptions({ template: 'base', hostname: 'Web_1' })).toThrow("invalid hostname 'Web_1'");
    expect(() => checkCloneOptions({ template: 'base', hostname: 'a', ip: '10.0.0.300/24' })).toThrow("invalid --ip '10.0.0.300/24'");
    expect(() => checkCloneOptions({ template: 'base', hostname: 'a', gateway: '10.0.0.1' })).toThrow("invalid --gateway '10.0.0.1'");
    expect(() => checkCloneOptions({ template: 'base', hostname: 'a', linked: true, storage: 'local-lvm' })).toThrow('--storage cannot be used with --linked');
    expect(runner.calls).toEqual([]);
  });
});
