// pct argv builders compared exactly, including property strings in PVE's print order.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { displayCommand } from '../../../src/host/command.js';
import {
  CREATE_PARAMS,
  PCT_KEYS,
  lookupKey,
  parseValue,
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
  type KeyDesc,
  type PctCreateOptions,
  type PropFormat,
  type Scalar,
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
      rootfs: { volume: 'local-lvm:8' },
      net: { 0: { name: 'eth0', bridge: 'vmbr0', ip: 'dhcp' } },
      features: { nesting: true },
    });
    expect(cmd).toEqual({
      file: 'pct',
      args: ['create', '200', TPL, '--hostname', 'web', '--cores', '2', '--memory', '1024', '--rootfs', 'local-lvm:8', '--net0', 'name=eth0,bridge=vmbr0,ip=dhcp', '--features', 'nesting=1'],
    });
    expect(cmd.readOnly).toBeUndefined();
    expect(cmd.secrets).toBeUndefined();
  });

  it('emits every option in the key table order, booleans as 1/0, indexed keys numerically, then create params, then extras sorted', () => {
    const cmd = pctCreate(210, 'local:vztmpl/nginx_1.27-alpine.tar', {
      extra: { 'future-key': 'x', another: '3' },
      start: true,
      'ssh-public-keys': '/root/.ssh/authorized_keys',
      password: 's3cr3t-pw',
      storage: 'local-lvm',
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
      net: { 1: { name: 'eth1', bridge: 'vmbr1', ip: 'manual' }, 0: { name: 'eth0', bridge: 'vmbr0', ip: '10.203.0.50/24', gw: '10.203.0.1', 'host-managed': true, firewall: false } },
      dev: { 0: { path: '/dev/ttyUSB0', mode: '0660', gid: 20 } },
      features: { keyctl: true, nesting: true, mount: ['nfs', 'cifs'] },
      cmode: 'console',
      entrypoint: "/docker-entrypoint.sh nginx -g 'daemon off;'",
      env: { NGINX_VERSION: '1.27.0' },
      timezone: 'host',
      'ignore-unpack-errors': true,
      'ha-managed': false,
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
      '--storage', 'local-lvm',
      '--password', 's3cr3t-pw',
      '--ssh-public-keys', '/root/.ssh/authorized_keys',
      '--ignore-unpack-errors', '1',
      '--ha-managed', '0',
      '--start', '1',
      '--another', '3',
      '--future-key', 'x',
    ]);
    expect(cmd.secrets).toEqual(['s3cr3t-pw']);
    expect(displayCommand(cmd)).toContain('--password *** --ssh-public-keys');
    expect(displayCommand(cmd)).not.toContain('s3cr3t-pw');
  });

  it('passes the description as plain text (pct encodes it itself)', () => {
    expect(pctCreate(200, TPL, { description: 'café: 100%' }).args).toEqual(['create', '200', TPL, '--description', 'café: 100%']);
  });

  it('refuses anything but exactly one env variable (argv cannot carry the NUL separator)', () => {
    expect(() => pctCreate(200, TPL, { env: { A: '1', B: '2' } })).toThrow(/exactly one environment variable/);
    expect(() => pctCreate(200, TPL, { env: {} })).toThrow(UsageError);
    expect(() => pctCreate(200, TPL, { env: { 'BAD-NAME': '1' } })).toThrow(UsageError);
    expect(() => pctCreate(200, TPL, { env: { A: 'x\ny' } })).toThrow(/control characters/);
    expect(() => pctCreate(200, TPL, { env: { A: 'nul\0here' } })).toThrow(/control characters/);
    expect(pctCreate(200, TPL, { env: { A: 'tab\there' } }).args).toContain('A=tab\there');
  });

  it('refuses out-of-range indexes, commas inside property values and empty tags', () => {
    expect(() => pctCreate(200, TPL, { net: { 32: { name: 'eth32' } } })).toThrow(/net index 32/);
    expect(() => pctCreate(200, TPL, { mp: { 256: { volume: 'local-lvm:1', mp: '/a' } } })).toThrow(/mp index 256/);
    expect(pctCreate(200, TPL, { mp: { 255: { volume: 'local-lvm:1', mp: '/a' } } }).args).toContain('--mp255');
    expect(() => pctCreate(200, TPL, { mp: { 0: { volume: 'local-lvm:1', mp: '/a,b' } } })).toThrow(/must not contain ','/);
    expect(() => pctCreate(200, TPL, { tags: [] })).toThrow(UsageError);
  });

  // src bug B3: optionArgs ignores the table's apply modes. pve-cli.md §3.1: parent/snaptime are "internal snapshot
  // bookkeeping, not settable via create/set"; got ['create','200',TPL,'--parent','x','--snaptime','5'].
  it('refuses internal keys (apply: internal) instead of passing them to pct', () => {
    expect(() => pctCreate(200, TPL, { parent: 'x', snaptime: 5 })).toThrow(UsageError);
  });

  it('with no options is just vmid and template', () => {
    expect(pctCreate(200, TPL).args).toEqual(['create', '200', TPL]);
  });
});

/** `--key value` pairs after `create <vmid> <template>`, read back into options with the table's parseValue. */
function optionsFromArgv(args: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 3; i < args.length; i += 2) {
    const key = args[i]!.replace(/^--/, '');
    const text = args[i + 1]!;
    const known = lookupKey(key);
    const param = (CREATE_PARAMS as Record<string, KeyDesc>)[key];
    if (known?.index !== undefined) ((out[known.name] ??= {}) as Record<number, unknown>)[known.index] = parseValue(known.desc, text);
    else if (known) out[known.name] = parseValue(known.desc, text);
    else if (param) out[key] = parseValue(param, text);
    else ((out['extra'] ??= {}) as Record<string, string>)[key] = text;
  }
  return out;
}

/** A value of each scalar type that survives argv: no commas, no NUL, no trailing newline. */
function sampleScalar(type: Scalar, seed: string): unknown {
  switch (type) {
    case 'string':
      return `/${seed}:v`;
    case 'int':
      return seed.length;
    case 'number':
      return seed.length + 0.5;
    case 'bool':
      return seed.length % 2 === 0;
    default:
      return [`${seed}1`, `${seed}2`];
  }
}

function sample(desc: KeyDesc, key: string): unknown {
  const t = desc.type;
  if (t === 'tags') return ['pxdeploy', 'web'];
  if (t === 'description') return 'line one\nline two: 50% done, ünïcode';
  if (t === 'env') return { APP_ENV: 'prod uction' };
  if (typeof t === 'string') return sampleScalar(t, key);
  const fmt = t as PropFormat;
  const v: Record<string, unknown> = Object.fromEntries(Object.entries(fmt.fields).map(([f, ft]) => [f, sampleScalar(ft, f)]));
  v['extra'] = { 'zz-future': 'on' };
  return v;
}

describe('argv round trip: options → pct create argv → parseValue gives the options back', () => {
  // Generated from the table, so a key added to PCT_KEYS or CREATE_PARAMS is covered without touching this test.
  const settable = Object.entries({ ...PCT_KEYS, ...CREATE_PARAMS } as Record<string, KeyDesc>).filter(([, d]) => d.apply !== 'internal');
  const opts: Record<string, unknown> = { extra: { 'future-key': 'x', another: '3' } };
  for (const [key, desc] of settable) opts[key] = desc.indexed !== undefined ? { 0: sample(desc, key), [desc.indexed]: sample(desc, `${key}b`) } : sample(desc, key);

  it('every settable key of the table is in the sample', () => {
    expect(settable.length).toBeGreaterThan(30);
    expect(Object.keys(opts)).toEqual(expect.arrayContaining(['hostname', 'net', 'mp', 'features', 'password', 'ssh-public-keys', 'env', 'tags']));
  });

  it('all options at once', () => {
    const args = pctCreate(300, TPL, opts as PctCreateOptions).args;
    expect(args.slice(0, 3)).toEqual(['create', '300', TPL]);
    expect(optionsFromArgv(args)).toEqual(opts);
  });

  it.each(settable.map(([k]) => k))('%s alone', (key) => {
    const one = { [key]: opts[key] } as PctCreateOptions;
    const args = pctCreate(300, TPL, one).args;
    expect(optionsFromArgv(args)).toEqual(one);
  });

  it('typical values: a sparse index set, false booleans, zero, a volume allocation', () => {
    const typical: PctCreateOptions = {
      swap: 0,
      onboot: false,
      rootfs: { volume: 'local-lvm:8', size: '8G' },
      mp: { 3: { volume: '/srv/data', mp: '/data', ro: true, backup: false }, 12: { volume: 'local-lvm:0.5', mp: '/cache' } },
      net: { 0: { name: 'eth0', bridge: 'vmbr0', ip: 'dhcp', 'host-managed': true, trunks: ['10', '20'], rate: 12.5 } },
      dev: { 1: { path: '/dev/dri/renderD128', gid: 104, 'deny-write': true } },
      features: { nesting: true, keyctl: false, mount: ['nfs'] },
      nameserver: ['10.203.0.1'],
      unique: false,
    };
    expect(optionsFromArgv(pctCreate(300, TPL, typical).args)).toEqual(typical);
  });
});

describe('pct set', () => {
  it('takes config keys then delete/revert/digest, then extras', () => {
    expect(pctSet(200, { memory: 2048, swap: 256, onboot: true, delete: ['mp0', 'net1'], digest: 'abc123', extra: { newkey: 'v' } }).args).toEqual([
      'set', '200', '--memory', '2048', '--swap', '256', '--onboot', '1', '--delete', 'mp0,net1', '--digest', 'abc123', '--newkey', 'v',
    ]);
    expect(pctSet(200, { lock: 'backup' }).args).toEqual(['set', '200', '--lock', 'backup']);
    expect(pctSet(200, { revert: ['cores'] }).args).toEqual(['set', '200', '--revert', 'cores']);
    expect(pctSet(200, { mp: { 1: { volume: 'local-lvm:1', mp: '/x' } } }).args).toEqual(['set', '200', '--mp1', 'local-lvm:1,mp=/x']);
  });

  it('refuses an empty change (PVE: no options specified)', () => {
    expect(() => pctSet(200, {})).toThrow('pct set: no options specified');
    expect(() => pctSet(200, { mp: {} })).toThrow(UsageError);
  });

  // src bug B2: an empty delete list becomes `--delete ''` (got ['set','200','--delete','']); PVE answers
  // "no options specified" (§1/§3.6), and the old builder refused it before calling pct.
  it('refuses an empty delete list', () => {
    expect(() => pctSet(200, { delete: [] })).toThrow(UsageError);
  });

  // src bug B3 (set side): unprivileged is apply 'fixed'; pve-cli.md §3.1 "read-only after create".
  // Got ['set','200','--unprivileged','0'].
  it('refuses create-only keys (apply: fixed)', () => {
    expect(() => pctSet(200, { unprivileged: false })).toThrow(UsageError);
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
