// pct argv builders compared exactly, including property strings in PVE's print order.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { displayCommand } from '../../../src/host/command.js';
import {
  pctClone,
  pctConfig,
  pctCreate,
  pctDelSnapshot,
  pctDestroy,
  pctExec,
  pctList,
  pctPull,
  pctPush,
  pctReboot,
  pctRollback,
  pctSet,
  pctShutdown,
  pctSnapshot,
  pctStart,
  pctStatus,
  pctStop,
  pctTemplate,
  pctUnlock,
} from '../../../src/host/pct.js';

const TPL = 'local:vztmpl/debian-12-standard_12.12-1_amd64.tar.zst';

describe('pct read commands', () => {
  it('list/status/config are read-only with exact argv', () => {
    expect(pctList()).toEqual({ file: 'pct', args: ['list'], readOnly: true });
    expect(pctStatus(200)).toEqual({ file: 'pct', args: ['status', '200'], readOnly: true });
    expect(pctStatus(200, { verbose: true }).args).toEqual(['status', '200', '--verbose', '1']);
    expect(pctConfig(200)).toEqual({ file: 'pct', args: ['config', '200'], readOnly: true });
    expect(pctConfig(200, { current: true }).args).toEqual(['config', '200', '--current', '1']);
    expect(pctConfig(200, { snapshot: 'before' }).args).toEqual(['config', '200', '--snapshot', 'before']);
  });

  it('refuses --current with --snapshot, as PVE would', () => {
    expect(() => pctConfig(200, { current: true, snapshot: 'x1' })).toThrow(UsageError);
  });

  it('refuses vmids PVE would refuse', () => {
    for (const bad of [99, 0, -1, 1.5, 1_000_000_000, Number.NaN]) expect(() => pctStatus(bad)).toThrow(UsageError);
    expect(pctStatus(100).args[1]).toBe('100');
    expect(pctStatus(999_999_999).args[1]).toBe('999999999');
  });
});

describe('pct create', () => {
  it('builds the documented example exactly', () => {
    const cmd = pctCreate(200, TPL, {
      hostname: 'web',
      cores: 2,
      memory: 1024,
      rootfs: 'local-lvm:8',
      net: { 0: { name: 'eth0', bridge: 'vmbr0', ip: 'dhcp' } },
      features: { nesting: true },
    });
    expect(cmd).toEqual({
      file: 'pct',
      args: ['create', '200', TPL, '--hostname', 'web', '--cores', '2', '--memory', '1024', '--rootfs', 'local-lvm:8', '--net0', 'name=eth0,bridge=vmbr0,ip=dhcp', '--features', 'nesting=1'],
    });
    expect(cmd.readOnly).toBeUndefined();
  });

  it('emits every option in the fixed order, booleans as 1/0, indexed keys numerically', () => {
    const cmd = pctCreate(210, 'local:vztmpl/nginx_1.27-alpine.tar', {
      description: 'line1\nline2',
      onboot: false,
      unprivileged: true,
      swap: 0,
      arch: 'amd64',
      ostype: 'unmanaged',
      hostname: 'nginx',
      tags: ['pxdeploy', 'web'],
      nameserver: ['1.1.1.1', '9.9.9.9'],
      searchdomain: ['lan'],
      rootfs: { volume: 'local-lvm:4', mountoptions: ['noatime', 'nodev'] },
      mp: { 10: { volume: 'local-lvm:2', mp: '/b' }, 2: { volume: '/srv/a', mp: '/a', ro: true, backup: false } },
      net: { 1: 'name=eth1,bridge=vmbr1,ip=manual', 0: { name: 'eth0', bridge: 'vmbr0', ip: '10.203.0.50/24', gw: '10.203.0.1', hostManaged: true, firewall: false } },
      dev: { 0: { path: '/dev/ttyUSB0', mode: '0660', gid: 20 } },
      features: { keyctl: true, nesting: true, mount: ['nfs', 'cifs'] },
      cmode: 'console',
      entrypoint: "/docker-entrypoint.sh nginx -g 'daemon off;'",
      env: { NGINX_VERSION: '1.27.0' },
      timezone: 'host',
      storage: 'local-lvm',
      password: 's3cr3t-pw',
      sshPublicKeys: '/root/.ssh/authorized_keys',
      start: true,
      extra: { 'future-key': 'x', another: 3 },
    });
    expect(cmd.args).toEqual([
      'create', '210', 'local:vztmpl/nginx_1.27-alpine.tar',
      '--hostname', 'nginx',
      '--ostype', 'unmanaged',
      '--arch', 'amd64',
      '--swap', '0',
      '--rootfs', 'local-lvm:4,mountoptions=noatime;nodev',
      '--mp2', '/srv/a,mp=/a,backup=0,ro=1',
      '--mp10', 'local-lvm:2,mp=/b',
      '--net0', 'name=eth0,bridge=vmbr0,firewall=0,gw=10.203.0.1,host-managed=1,ip=10.203.0.50/24',
      '--net1', 'name=eth1,bridge=vmbr1,ip=manual',
      '--dev0', '/dev/ttyUSB0,gid=20,mode=0660',
      '--features', 'keyctl=1,mount=nfs;cifs,nesting=1',
      '--unprivileged', '1',
      '--onboot', '0',
      '--tags', 'pxdeploy;web',
      '--nameserver', '1.1.1.1 9.9.9.9',
      '--searchdomain', 'lan',
      '--timezone', 'host',
      '--cmode', 'console',
      '--entrypoint', "/docker-entrypoint.sh nginx -g 'daemon off;'",
      '--env', 'NGINX_VERSION=1.27.0',
      '--description', 'line1\nline2',
      '--another', '3',
      '--future-key', 'x',
      '--storage', 'local-lvm',
      '--password', 's3cr3t-pw',
      '--ssh-public-keys', '/root/.ssh/authorized_keys',
      '--start', '1',
    ]);
    expect(cmd.secrets).toEqual(['s3cr3t-pw']);
    expect(displayCommand(cmd)).toContain('--password *** --ssh-public-keys');
    expect(displayCommand(cmd)).not.toContain('s3cr3t-pw');
  });

  it('refuses more than one env variable (argv cannot carry the NUL separator)', () => {
    expect(() => pctCreate(200, TPL, { env: { A: '1', B: '2' } })).toThrow(/only one environment variable/);
    expect(() => pctCreate(200, TPL, { env: { 'BAD-NAME': '1' } })).toThrow(UsageError);
    expect(() => pctCreate(200, TPL, { env: { A: 'x\ny' } })).toThrow(/control characters/);
    expect(pctCreate(200, TPL, { env: { A: 'tab\there' } }).args).toContain('A=tab\there');
  });

  it('refuses out-of-range indexes and commas inside property values', () => {
    expect(() => pctCreate(200, TPL, { net: { 32: { name: 'eth32' } } })).toThrow(/net index 32/);
    expect(() => pctCreate(200, TPL, { mp: { 0: { volume: 'local-lvm:1', mp: '/a,b' } } })).toThrow(/must not contain ','/);
  });

  it('with no options is just vmid and template', () => {
    expect(pctCreate(200, TPL).args).toEqual(['create', '200', TPL]);
  });
});

describe('pct set', () => {
  it('takes config keys then delete/revert/digest', () => {
    expect(pctSet(200, { memory: 2048, swap: 256, onboot: true, delete: ['mp0', 'net1'], digest: 'abc123' }).args).toEqual([
      'set', '200', '--memory', '2048', '--swap', '256', '--onboot', '1', '--delete', 'mp0,net1', '--digest', 'abc123',
    ]);
    expect(pctSet(200, { lock: 'backup' }).args).toEqual(['set', '200', '--lock', 'backup']);
    expect(pctSet(200, { revert: ['cores'] }).args).toEqual(['set', '200', '--revert', 'cores']);
  });

  it('refuses an empty change (PVE: no options specified)', () => {
    expect(() => pctSet(200, {})).toThrow('pct set: no options specified');
    expect(() => pctSet(200, { delete: [] })).toThrow(UsageError);
  });
});

describe('pct lifecycle commands', () => {
  it('start/stop/shutdown/reboot/destroy', () => {
    expect(pctStart(200)).toEqual({ file: 'pct', args: ['start', '200'] });
    expect(pctStart(200, { skiplock: true }).args).toEqual(['start', '200', '--skiplock', '1']);
    expect(pctStop(200).args).toEqual(['stop', '200']);
    expect(pctStop(200, { skiplock: true, overruleShutdown: true }).args).toEqual(['stop', '200', '--skiplock', '1', '--overrule-shutdown', '1']);
    expect(pctShutdown(200, { timeout: 30, forceStop: true })).toEqual({
      file: 'pct',
      args: ['shutdown', '200', '--timeout', '30', '--forceStop', '1'],
      timeoutMs: 90_000,
    });
    expect(pctShutdown(200).timeoutMs).toBeUndefined();
    expect(pctReboot(200, { timeout: 10 }).args).toEqual(['reboot', '200', '--timeout', '10']);
    expect(pctDestroy(200, { force: true, purge: true, destroyUnreferencedDisks: false }).args).toEqual([
      'destroy', '200', '--force', '1', '--purge', '1', '--destroy-unreferenced-disks', '0',
    ]);
  });

  it('exec puts options before -- and the command after it', () => {
    expect(pctExec(200, ['sh', '-c', 'apt-get -y install nginx'])).toEqual({ file: 'pct', args: ['exec', '200', '--', 'sh', '-c', 'apt-get -y install nginx'] });
    const cmd = pctExec(200, ['sh', '-s'], { keepEnv: false, input: 'echo $TOKEN', timeoutMs: 5000, readOnly: true, secrets: ['tok'] });
    expect(cmd).toEqual({ file: 'pct', args: ['exec', '200', '--keep-env', '0', '--', 'sh', '-s'], input: 'echo $TOKEN', timeoutMs: 5000, readOnly: true, secrets: ['tok'] });
    expect(() => pctExec(200, [])).toThrow('pct exec: missing command');
  });

  it('push/pull with octal perms from a number or a string', () => {
    expect(pctPush(200, '/tmp/a', '/etc/a.conf', { perms: 0o640, user: 'root', group: 33 }).args).toEqual([
      'push', '200', '/tmp/a', '/etc/a.conf', '--perms', '0640', '--user', 'root', '--group', '33',
    ]);
    expect(pctPush(200, '/tmp/a', '/etc/a').readOnly).toBeUndefined();
    expect(pctPull(200, '/etc/os-release', '/tmp/os', { perms: '600' }).args).toEqual(['pull', '200', '/etc/os-release', '/tmp/os', '--perms', '600']);
    expect(() => pctPush(200, 'a', 'b', { perms: 0o17777 })).toThrow(UsageError);
  });

  it('snapshot/delsnapshot/rollback check the snapshot name', () => {
    expect(pctSnapshot(200, 'before', { description: 'pre upgrade' }).args).toEqual(['snapshot', '200', 'before', '--description', 'pre upgrade']);
    expect(pctDelSnapshot(200, 'before', { force: true }).args).toEqual(['delsnapshot', '200', 'before', '--force', '1']);
    expect(pctRollback(200, 'pre_up-1', { start: true }).args).toEqual(['rollback', '200', 'pre_up-1', '--start', '1']);
    for (const bad of ['current', 'vzdump', 'a', '1abc', 'has space', 'x'.repeat(41)]) expect(() => pctSnapshot(200, bad)).toThrow(UsageError);
  });

  it('clone/template/unlock', () => {
    expect(pctClone(9000, 201, { full: true, hostname: 'web-green', storage: 'local-lvm', snapname: 'base' }).args).toEqual([
      'clone', '9000', '201', '--full', '1', '--storage', 'local-lvm', '--hostname', 'web-green', '--snapname', 'base',
    ]);
    expect(() => pctClone(9000, 5)).toThrow(UsageError);
    expect(pctTemplate(9000)).toEqual({ file: 'pct', args: ['template', '9000'] });
    expect(pctUnlock(200).args).toEqual(['unlock', '200']);
  });
});
