// pct list / status / config parsers against output laid out exactly as pct prints it.
import { describe, expect, it } from 'vitest';
import { UnexpectedOutputError } from '../../../src/errors.js';
import { decodeDescription, encodeDescription, formatPctConfig, parsePctConfig, parsePctList, parsePctStatus, parsePctStatusVerbose } from '../../../src/host/pct.js';
import { fixture } from './fixture.js';

describe('parsePctList', () => {
  it('reads padded rows, with and without lock, including a lock wider than its column', () => {
    expect(parsePctList(fixture('pct-list.txt'))).toEqual([
      { vmid: 200, status: 'running', name: 'web' },
      { vmid: 201, status: 'stopped', lock: 'backup', name: 'CT201' },
      { vmid: 202, status: 'stopped', lock: 'snapshot-delete', name: 'db-with-a-really-long-name' },
      { vmid: 1000, status: 'running', name: 'app-blue' },
    ]);
  });

  it('returns [] for the empty output pct prints when there are no containers', () => {
    expect(fixture('pct-list-empty.txt')).toBe('');
    expect(parsePctList('')).toEqual([]);
    expect(parsePctList('VMID       Status     Lock         Name                \n')).toEqual([]);
  });

  it('rejects rows that are not pct list rows', () => {
    expect(() => parsePctList('hello world\n')).toThrow(UnexpectedOutputError);
    expect(() => parsePctList('200 running a b c\n')).toThrow(/VMID Status \[Lock\] Name/);
  });
});

describe('parsePctStatus', () => {
  it('reads running, stopped and unknown', () => {
    expect(parsePctStatus(fixture('pct-status-running.txt'))).toBe('running');
    expect(parsePctStatus(fixture('pct-status-stopped.txt'))).toBe('stopped');
    expect(parsePctStatus('status: unknown\n')).toBe('unknown');
  });

  it('fails on output without a status line', () => {
    expect(() => parsePctStatus('')).toThrow(UnexpectedOutputError);
  });
});

describe('parsePctStatusVerbose', () => {
  it('types a running CT, numbers parsed, PSI keys collected', () => {
    const s = parsePctStatusVerbose(fixture('pct-status-verbose-running.txt'));
    expect(s).toMatchObject({
      status: 'running', vmid: 200, name: 'web', type: 'lxc', cpus: 2, disk: 1234567890, maxdisk: 8589934592,
      mem: 52428800, maxmem: 1073741824, swap: 0, maxswap: 536870912, uptime: 3600, netin: 1000, netout: 2000,
      diskread: 104857600, diskwrite: 52428800, pid: 41234, tags: 'prod;web',
    });
    expect(s.lock).toBeUndefined();
    expect(s.template).toBeUndefined();
    expect(s.pressure).toEqual({ pressurecpufull: 0, pressurecpusome: 0.12, pressureiofull: 0, pressureiosome: 0.01, pressurememoryfull: 0, pressurememorysome: 0 });
    expect(s.raw['pressurecpusome']).toBe('0.12');
  });

  it('types a stopped, locked template with fractional cpus', () => {
    const s = parsePctStatusVerbose(fixture('pct-status-verbose-stopped.txt'));
    expect(s).toMatchObject({ status: 'stopped', vmid: 201, cpus: 1.5, lock: 'backup', template: true, uptime: 0, maxdisk: 4294967296 });
    expect(s.pid).toBeUndefined();
    expect(s.pressure).toEqual({});
  });

  it('fails on a non-numeric counter rather than returning NaN', () => {
    expect(() => parsePctStatusVerbose('status: running\nmem: lots\n')).toThrow(/'mem' is not a number/);
  });
});

describe('parsePctConfig', () => {
  const cfg = parsePctConfig(fixture('pct-config-web.txt'));

  it('types scalar keys', () => {
    expect(cfg).toMatchObject({
      arch: 'amd64', cores: 2, hostname: 'web', memory: 1024, swap: 512, onboot: true, ostype: 'debian',
      parent: 'before', protection: false, unprivileged: true, startup: 'order=2,up=30',
    });
    expect(cfg.tags).toEqual(['prod', 'web']);
    expect(cfg.nameserver).toEqual(['1.1.1.1', '9.9.9.9']);
    expect(cfg.searchdomain).toEqual(['lan', 'example.org']);
  });

  it('URL-decodes the one-line description (%0A, %3A, %25, UTF-8 bytes) and drops the trailing newline; raw keeps the printed text', () => {
    expect(cfg.description).toBe('Managed by pxdeploy: web\nowner: café team, 100% uptime');
    expect(cfg.raw['description']).toBe('Managed by pxdeploy%3A web%0Aowner%3A caf%C3%A9 team, 100%25 uptime%0A');
  });

  it('parses rootfs, mpN (numeric order, mp10 after mp2), netN, devN, unusedN and features', () => {
    expect(cfg.rootfs).toEqual({ volume: 'local-lvm:vm-200-disk-0', size: '8G' });
    expect(Object.keys(cfg.mp)).toEqual(['0', '2', '10']);
    expect(cfg.mp[0]).toEqual({ volume: 'local-lvm:vm-200-disk-1', mp: '/data', backup: true, size: '10G' });
    expect(cfg.mp[2]).toEqual({ volume: 'local-lvm:vm-200-disk-2', mp: '/var/lib/app', acl: false, quota: true, replicate: false, size: '512M' });
    expect(cfg.mp[10]).toEqual({ volume: '/srv/shared', mp: '/shared', mountoptions: ['noatime', 'nodev'], ro: true, shared: true });
    expect(cfg.net[0]).toEqual({
      name: 'eth0', bridge: 'vmbr0', firewall: true, gw: '10.203.0.1', 'host-managed': true, hwaddr: 'BC:24:11:5E:2A:01',
      ip: '10.203.0.50/24', tag: 20, type: 'veth',
    });
    expect(cfg.net[1]).toEqual({
      name: 'eth1', bridge: 'vmbr1', hwaddr: 'BC:24:11:5E:2A:02', ip: 'dhcp', ip6: 'auto', mtu: 1450, rate: 12.5,
      trunks: ['10', '20', '30'], type: 'veth', extra: { 'vlan-magic': 'on' },
    });
    expect(cfg.dev[0]).toEqual({ path: '/dev/ttyUSB0', gid: 20, mode: '0660' });
    expect(cfg.unused).toEqual({ 0: 'local-lvm:vm-200-disk-3' });
    expect(cfg.features).toEqual({ keyctl: true, nesting: true, mount: ['nfs', 'cifs'] });
  });

  it('keeps unknown keys (value and name) without failing, apart from the typed keys', () => {
    expect(cfg.unknown).toEqual({ 'zz-brand-new-key': 'some value' });
    expect(cfg.raw['zz-brand-new-key']).toBeUndefined();
    expect(cfg.unparsed).toEqual([]);
  });

  it('keeps lxc.* entries in file order, apart from the normal keys', () => {
    expect(cfg.lxc).toEqual([
      { key: 'lxc.cgroup2.devices.allow', value: 'c 10:200 rwm' },
      { key: 'lxc.mount.entry', value: '/dev/net dev/net none bind,create=dir' },
      { key: 'lxc.apparmor.profile', value: 'unconfined' },
    ]);
    expect([...Object.keys(cfg.raw), ...Object.keys(cfg.unknown)].some((k) => k.startsWith('lxc'))).toBe(false);
  });

  it('reads an OCI app container: entrypoint, cmode, and the environment from lxc.environment.runtime lines', () => {
    const oci = parsePctConfig(fixture('pct-config-oci.txt'));
    expect(oci.entrypoint).toBe("/docker-entrypoint.sh nginx -g 'daemon off;'");
    expect(oci.cmode).toBe('console');
    expect(oci.env).toBeUndefined();
    expect(oci.environment).toEqual({ PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', NGINX_VERSION: '1.27.0', EMPTY: '' });
    expect(oci.lxc.map((e) => e.key)).toEqual([
      'lxc.environment.runtime', 'lxc.environment.runtime', 'lxc.environment.runtime', 'lxc.init.cwd', 'lxc.signal.halt',
    ]);
    expect(oci.net[0]?.['host-managed']).toBe(true);
  });

  it('splits an env: line on its raw NUL separators; environment holds the same', () => {
    const c = parsePctConfig(fixture('pct-config-env-nul.txt'));
    expect(c.env).toEqual({ APP_ENV: 'production', DATABASE_URL: 'postgres://db/app', EMPTY: '' });
    expect(c.environment).toEqual(c.env);
    expect(c.hostname).toBe('envtest');
  });

  it('merges env: with lxc.environment.runtime lines, the later line winning', () => {
    const c = parsePctConfig('env: A=1\0B=2\nlxc.environment.runtime: B=3\nlxc.environment.runtime: C=\n');
    expect(c.env).toEqual({ A: '1', B: '2' });
    expect(c.environment).toEqual({ A: '1', B: '3', C: '' });
  });

  it('reads pct config --snapshot output (snaptime, the snapshot description)', () => {
    const s = parsePctConfig(fixture('pct-config-snapshot.txt'));
    expect(s.snaptime).toBe(1767225600);
    expect(s.description).toBe('pre upgrade');
    expect(s.parent).toBeUndefined();
    expect(s.unknown).toEqual({});
    expect(s.features).toEqual({ nesting: true });
  });

  it('never fails on odd input: bad numbers and bools stay raw in unknown, junk lines are collected', () => {
    const c = parsePctConfig('cores: many\nonboot: maybe\nthis is not a key line\nmemory: 512\r\nmp300: /x,mp=/y\n\n');
    expect(c.cores).toBeUndefined();
    expect(c.onboot).toBeUndefined();
    expect(c.unknown).toEqual({ cores: 'many', onboot: 'maybe', mp300: '/x,mp=/y' });
    expect(c.memory).toBe(512);
    expect(c.mp).toEqual({});
    expect(c.unparsed).toEqual(['this is not a key line']);
    expect(parsePctConfig('')).toEqual({ mp: {}, net: {}, dev: {}, unused: {}, lxc: [], environment: {}, unknown: {}, unparsed: [], raw: {} });
  });
});

/** The non-blank lines of a recorded `pct config`, i.e. what formatPctConfig must give back. */
const printedLines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('formatPctConfig', () => {
  const HOST_FIXTURES = ['pct-config-web.txt', 'pct-config-oci.txt', 'pct-config-env-nul.txt', 'pct-config-snapshot.txt'];

  it.each(HOST_FIXTURES)('round-trips %s line for line', (name) => {
    const text = fixture(name);
    expect(formatPctConfig(parsePctConfig(text))).toEqual(printedLines(text));
  });

  it('keeps values nobody changed exactly as stored, even non-canonical ones', () => {
    const text = 'cores: 02\nfeatures: nesting=1,keyctl=1\nnameserver: 1.1.1.1,9.9.9.9\nnet0: bridge=vmbr0,name=eth0,ip=dhcp\nonboot: yes\ntags: web,prod\n';
    expect(formatPctConfig(parsePctConfig(text))).toEqual(printedLines(text));
  });

  it('prints changed and new values in canonical form and keeps Perl string order (mp10 before mp2)', () => {
    const cfg = parsePctConfig('cores: 02\nmemory: 512\nnet0: bridge=vmbr0,name=eth0,ip=dhcp\nonboot: yes\nmp2: local:vol-2,mp=/b\nzz-new: x\nlxc.init.cwd: /\n');
    cfg.memory = 1024;
    cfg.net[0]!.ip = '10.0.0.2/24';
    cfg.mp[10] = { volume: 'local-lvm:vm-1-disk-1', mp: '/a', backup: true };
    cfg.features = { nesting: true, keyctl: true };
    cfg.description = 'new: 100%';
    cfg.tags = ['a', 'b'];
    cfg.env = { A: '1', B: '' };
    expect(formatPctConfig(cfg)).toEqual([
      'cores: 02',
      'description: new%3A 100%25%0A',
      'env: A=1\0B=',
      'features: keyctl=1,nesting=1',
      'memory: 1024',
      'mp10: local-lvm:vm-1-disk-1,mp=/a,backup=1',
      'mp2: local:vol-2,mp=/b',
      'net0: name=eth0,bridge=vmbr0,ip=10.0.0.2/24',
      'onboot: yes',
      'tags: a;b',
      'zz-new: x',
      'lxc.init.cwd: /',
    ]);
  });

  it('drops keys set to undefined and indexed entries deleted from their map', () => {
    const cfg = parsePctConfig('memory: 512\nswap: 0\nunused0: local:x\nunused1: local:y\n');
    cfg.swap = undefined;
    delete cfg.unused[0];
    expect(formatPctConfig(cfg)).toEqual(['memory: 512', 'unused1: local:y']);
  });

  // src bug B4: a key whose value did not parse sits in cfg.unknown; setting it typed prints it twice.
  // Input 'cores: many' then cfg.cores = 4: expected ['cores: 4'] (one line per key, §2.2), got ['cores: many', 'cores: 4'].
  it('a typed value replaces an unreadable one of the same key', () => {
    const cfg = parsePctConfig('cores: many\n');
    cfg.cores = 4;
    expect(formatPctConfig(cfg)).toEqual(['cores: 4']);
  });
});

describe('encodeDescription', () => {
  it('encodes control bytes, non-ASCII, % and : as %XX and ends with the %0A of the stored newline', () => {
    expect(encodeDescription('a: 100% é\tx')).toBe('a%3A 100%25 %C3%A9%09x%0A');
    expect(decodeDescription(encodeDescription('line1\n\nline3 ✓'))).toBe('line1\n\nline3 ✓');
  });
});

describe('decodeDescription', () => {
  it('decodes %XX bytes as UTF-8 and leaves a stray % alone', () => {
    expect(decodeDescription('a%3Ab%0A')).toBe('a:b');
    expect(decodeDescription('%E2%9C%93 ok%0A%0A')).toBe('✓ ok\n');
    expect(decodeDescription('50%')).toBe('50%');
    expect(decodeDescription('%zz')).toBe('%zz');
  });
});
