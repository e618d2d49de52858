// Parsers against fixtures modelled on real Proxmox / skopeo material (test/fixtures/pve-real/SOURCES.md).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatPctConfig, parsePctConfig, type PctConfig } from '../../../src/host/pct.js';
import { parsePveamAvailable } from '../../../src/host/pveam.js';
import { parsePvesmPath } from '../../../src/host/pvesm.js';
import { parseSkopeoInspect, parseSkopeoListTags } from '../../../src/host/skopeo.js';

function real(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../fixtures/pve-real/${name}`, import.meta.url)), 'utf8');
}

function pctConfig(name: string): PctConfig {
  return parsePctConfig(real(`pct-config/${name}.txt`));
}

/** Every fixture under pct-config/, i.e. `pct config` output derived from conf/<same name>.conf. */
const PCT_CONFIG_FIXTURES = [
  '1101-snapshot-prepare',
  '1101-snapshot-prepare--snapshot-nightly',
  '1102-snapshot-chain',
  '1102-snapshot-chain--snapshot-second',
  '1103-rollback-mounts-unused',
  '1104-snapshot-delete-vmstate',
  '1105-setup-nameserver-comma',
  '1106-setup-no-final-newline',
  '1107-setup-multi-net',
  '1108-docs-example',
  '1109-docs-lxc-raw',
  '1110-gpu-dev-features',
  '1111-pending',
  '1111-pending--current',
  '1112-description-encoded',
  '1113-env-oci',
  '1114-unknown-keys',
] as const;

const NET0_TEST_SUITE = { name: 'eth0', bridge: 'vmbr0', hwaddr: '12:34:56:78:9A:BC', ip: 'dhcp', ip6: 'dhcp', type: 'veth' };

describe('pct config (real PVE material): every fixture parses with nothing left over', () => {
  it.each(PCT_CONFIG_FIXTURES)('%s', (name) => {
    const cfg = pctConfig(name);
    expect(cfg.unparsed).toEqual([]);
    expect(Object.keys(cfg.raw).length).toBeGreaterThan(0);
  });
});

describe('pct config (real PVE material): snapshots', () => {
  it('a CT locked mid-snapshot: lock, legacy ostype, net0 stored with keys in alphabetical order, rootfs without size', () => {
    const cfg = pctConfig('1101-snapshot-prepare');
    expect(cfg).toMatchObject({ lock: 'snapshot', ostype: 'redhat', cpulimit: 1, cpuunits: 1024, memory: 2048, swap: 512 });
    expect(cfg.net[0]).toEqual(NET0_TEST_SUITE);
    expect(cfg.rootfs).toEqual({ volume: 'somestore:somedisk' });
    expect(cfg.parent).toBeUndefined();
  });

  it('--snapshot of an unfinished snapshot: its # comment as description, snapstate and snaptime', () => {
    const cfg = pctConfig('1101-snapshot-prepare--snapshot-nightly');
    expect(cfg.description).toBe('nightly comment');
    expect(cfg.snapstate).toBe('prepare');
    expect(cfg.snaptime).toBe(1234567890);
    expect(cfg.unknown).toEqual({});
  });

  it('a snapshot chain: the current state names the newest snapshot as parent; a snapshot names its own parent', () => {
    expect(pctConfig('1102-snapshot-chain').parent).toBe('third');
    const second = pctConfig('1102-snapshot-chain--snapshot-second');
    expect(second).toMatchObject({ parent: 'first', snaptime: 1234567891, cpulimit: 2, memory: 4096, swap: 1024, description: 'second comment' });
  });

  it('the half-deleted snapshot (snapstate: delete, vmstate) leaves no trace in the current config', () => {
    const cfg = pctConfig('1104-snapshot-delete-vmstate');
    expect(cfg.parent).toBe('gone');
    expect(cfg.snapstate).toBeUndefined();
    expect(cfg.raw['vmstate']).toBeUndefined();
    expect(cfg.unknown).toEqual({});
  });
});

describe('pct config (real PVE material): volumes, devices, features', () => {
  it('mpN and unusedN next to rollback; a `# text` line keeps its leading space in the description', () => {
    const cfg = pctConfig('1103-rollback-mounts-unused');
    expect(cfg.description).toBe(' kept across rollback');
    expect(cfg.mp).toEqual({
      0: { volume: 'local:snapshotable-disk-2', mp: '/srv/mp0' },
      1: { volume: 'local:unsnapshotable-disk-1', mp: '/srv/mp1' },
    });
    expect(cfg.unused).toEqual({ 0: 'preserved:some-disk-9' });
    expect(cfg.hostname).toBe('rollme');
  });

  it('pct.adoc example: dir-storage raw rootfs with size, net0 with name in the middle', () => {
    const cfg = pctConfig('1108-docs-example');
    expect(cfg.rootfs).toEqual({ volume: 'local:1108/vm-1108-disk-1.raw', size: '7G' });
    expect(cfg.net[0]).toEqual({ name: 'eth0', bridge: 'vmbr0', hwaddr: '66:64:66:64:64:38', ip: 'dhcp', type: 'veth' });
  });

  it('pct.adoc bind mount and a subvol mount point written with backup after size', () => {
    const cfg = pctConfig('1109-docs-lxc-raw');
    expect(cfg.mp[0]).toEqual({ volume: '/mnt/bindmounts/shared', mp: '/shared' });
    expect(cfg.mp[1]).toEqual({ volume: 'guests:subvol-1109-disk-1', mp: '/root/files', size: '8G', backup: true });
  });

  it('GPU passthrough CT: devN with gid, features, a bind mount with a trailing slash, a size in M, startup', () => {
    const cfg = pctConfig('1110-gpu-dev-features');
    expect(cfg.dev).toEqual({ 0: { path: '/dev/dri/card0', gid: 44 }, 1: { path: '/dev/dri/renderD128', gid: 104 } });
    expect(cfg.features).toEqual({ nesting: true });
    expect(cfg.mp[0]).toEqual({ volume: '/mnt/lxc_media/library/', mp: '/mnt/library' });
    expect(cfg.rootfs).toEqual({ volume: 'data:vm-1110-disk-0', size: '8380M' });
    expect(cfg).toMatchObject({ cores: 2, cpuunits: 120, memory: 3072, swap: 0, onboot: true, unprivileged: true, startup: 'order=9,up=5' });
    expect(cfg.net[0]).toEqual({ name: 'eth0', bridge: 'vmbr0', gw: '192.168.0.1', hwaddr: 'BC:24:11:0A:0B:0C', ip: '192.168.0.12/24', type: 'veth' });
  });

  it('`tags:  ` (a single-space value PVE keeps and prints) reads as no tags', () => {
    const cfg = pctConfig('1110-gpu-dev-features');
    expect(real('pct-config/1110-gpu-dev-features.txt')).toContain('\ntags:  \n');
    expect(cfg.tags).toEqual([]);
  });
});

describe('pct config (real PVE material): networks and DNS', () => {
  it('six NICs in hand-written key orders, static v4/v6 with gateways, manual, auto, bare', () => {
    const cfg = pctConfig('1107-setup-multi-net');
    expect(cfg.net).toEqual({
      0: { name: 'eth0', hwaddr: '12:22:33:44:55:66', bridge: 'vmbr0', ip: '10.0.0.100/32', gw: '11.0.0.1' },
      1: { name: 'eth1', hwaddr: '22:33:44:55:66:77', bridge: 'vmbr1', ip6: 'fc00::1/64', gw6: 'fc00:1::ff' },
      2: { name: 'eth2', bridge: 'vmbr0', hwaddr: '26:2B:CC:E5:7F:F9', ip: 'manual' },
      3: { name: 'eth3', bridge: 'vmbr0', ip: '1.2.3.4/24', gw: '4.3.2.1', ip6: '2001:1::/64', gw6: '2001:1::ffff' },
      4: { name: 'eth4', bridge: 'vmbr0', ip6: 'auto' },
      5: { name: 'eth5', bridge: 'vmbr0' },
    });
    expect(cfg).toMatchObject({ arch: 'i386', tty: 0, hostname: 'multinet.example.com' });
  });

  it('a file without a final newline parses the same', () => {
    expect(real('conf/1106-setup-no-final-newline.conf').endsWith('\n')).toBe(false);
    expect(pctConfig('1106-setup-no-final-newline').searchdomain).toEqual(['example.org']);
  });

  // Disagreement D1 (see SOURCES.md), resolved: the key table reads `list ` values with split_list's separators.
  it('nameserver written with commas is a list of servers, as PVE::Tools::split_list reads it', () => {
    expect(pctConfig('1105-setup-nameserver-comma').nameserver).toEqual(['127.0.0.1', '192.168.7.1']);
    expect(pctConfig('1106-setup-no-final-newline').nameserver).toEqual(['9.9.9.9', '9.9.9.10']);
  });
});

describe('pct config (real PVE material): pending changes', () => {
  it('default view: pending values merged, deleted mp1 gone, description from the pending section', () => {
    const cfg = pctConfig('1111-pending');
    expect(cfg.ostype).toBe('ubuntu');
    expect(cfg.features).toEqual({ nesting: true, keyctl: true, fuse: true });
    expect(cfg.mp).toEqual({ 0: { volume: 'local-zfs:subvol-1111-disk-1', size: '200G', mp: '/data' } });
    expect(cfg.description).toBe('pending notes');
    expect(cfg.unknown['delete']).toBeUndefined();
    expect(cfg.raw['delete']).toBeUndefined();
  });

  it('pending delete of a key whose value is "0" leaves it shown (load_current_config deletes only truthy values)', () => {
    expect(pctConfig('1111-pending').swap).toBe(0);
  });

  it('--current: the live values, mp1 still there', () => {
    const cfg = pctConfig('1111-pending--current');
    expect(cfg.ostype).toBe('debian');
    expect(cfg.features).toEqual({ nesting: true });
    expect(Object.keys(cfg.mp)).toEqual(['0', '1']);
    expect(cfg.description).toBe('live notes');
  });
});

describe('pct config (real PVE material): description, raw lxc keys, env, unknown keys', () => {
  it('a multi-line description with an empty line, %3A, %25, UTF-8 bytes and a tab decodes exactly', () => {
    expect(pctConfig('1112-description-encoded').description).toBe('Web front: nginx + php\n\n100% managed by pxdeploy äöü\n\ttabbed line');
  });

  it('raw lxc.* lines kept in file order, `=` form and deprecated/cgroup-v1 keys included, printed as `key: value`', () => {
    const cfg = pctConfig('1109-docs-lxc-raw');
    expect(cfg.lxc).toEqual([
      { key: 'lxc.apparmor.profile', value: 'unconfined' },
      { key: 'lxc.init_cmd', value: '/sbin/my_own_init' },
      { key: 'lxc.cgroup.devices.allow', value: 'c 10:200 rwm' },
      { key: 'lxc.cgroup2.devices.allow', value: 'c 226:0 rwm' },
      { key: 'lxc.cgroup2.devices.allow', value: 'c 226:128 rwm' },
      { key: 'lxc.mount.entry', value: '/dev/dri/renderD128 dev/dri/renderD128 none bind,optional,create=file' },
      { key: 'lxc.idmap', value: 'u 0 100000 1005' },
      { key: 'lxc.idmap', value: 'g 0 100000 1007' },
      { key: 'lxc.idmap', value: 'u 1005 1005 1' },
      { key: 'lxc.idmap', value: 'g 1007 1007 1' },
      { key: 'lxc.idmap', value: 'u 1006 101006 64530' },
      { key: 'lxc.idmap', value: 'g 1008 101008 64528' },
    ]);
  });

  it('OCI CT: env arrives as one NUL-separated env: line (not lxc.environment.runtime), other raw keys after', () => {
    const cfg = pctConfig('1113-env-oci');
    expect(cfg.env).toEqual({ PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', NGINX_VERSION: '1.27.0', EMPTY: '' });
    expect(cfg.environment).toEqual(cfg.env);
    expect(cfg.lxc).toEqual([
      { key: 'lxc.init.cwd', value: '/' },
      { key: 'lxc.signal.halt', value: 'SIGQUIT' },
    ]);
    expect(cfg).toMatchObject({ cmode: 'console', ostype: 'unmanaged', entrypoint: "/docker-entrypoint.sh nginx -g 'daemon off;'" });
    expect(cfg.net[0]?.['host-managed']).toBe(true);
  });

  it('unknown keys PVE keeps (with a warning) stay visible; normalised booleans/integers read back', () => {
    const cfg = pctConfig('1114-unknown-keys');
    expect(cfg.unknown).toEqual({ futurekey: 'some=value,other=1', memroy: '1024' });
    expect(cfg).toMatchObject({ cores: 2, onboot: true, protection: false, memory: 512 });
    expect(cfg.lxc).toEqual([
      { key: 'lxc.limit.nofile', value: '1024' },
      { key: 'lxc.aa_profile', value: 'unconfined' },
    ]);
  });
});

describe('on-disk /etc/pve/lxc/<vmid>.conf (real PVE material)', () => {
  // Disagreement D2 (SOURCES.md): parsePctConfig reads `pct config` output only. Fed a whole file it merges every
  // section into one. pxdeploy never reads the file today; these stay todo unless it starts to.
  it.todo('reads only the main section of a file with [snapshot] and [pve:pending] sections');
  it.todo('reads `#` lines as the description of the section they stand in');
});

// Round trip through the key table (parse → format gives the same lines). Expected: exactly the fixture's lines,
// because `pct config` prints stored values verbatim. The lines below are the ones a canonicalising formatter
// (formatNet/formatMount order, trimmed values, re-encoded description) would get wrong.
const ROUND_TRIP_TRAPS: Record<string, string[]> = {
  '1101-snapshot-prepare': ['net0: bridge=vmbr0,hwaddr=12:34:56:78:9A:BC,ip=dhcp,ip6=dhcp,name=eth0,type=veth'],
  '1103-rollback-mounts-unused': ['description:  kept across rollback%0A'],
  '1105-setup-nameserver-comma': ['nameserver: 127.0.0.1,192.168.7.1', 'net0: bridge=vmbr0,name=eth0,ip=dhcp'],
  '1107-setup-multi-net': ['net0: name=eth0,hwaddr=12:22:33:44:55:66,bridge=vmbr0,ip=10.0.0.100/32,gw=11.0.0.1'],
  '1109-docs-lxc-raw': ['mp1: guests:subvol-1109-disk-1,mp=/root/files,size=8G,backup=1', 'lxc.init_cmd: /sbin/my_own_init'],
  '1110-gpu-dev-features': ['tags:  ', 'net0: name=eth0,bridge=vmbr0,gw=192.168.0.1,hwaddr=BC:24:11:0A:0B:0C,ip=192.168.0.12/24,type=veth'],
  '1111-pending': ['mp0: local-zfs:subvol-1111-disk-1,size=200G,mp=/data', 'swap: 0'],
  '1112-description-encoded': ['description: Web front%3A nginx + php%0A%0A100%25 managed by pxdeploy %C3%A4%C3%B6%C3%BC%0A%09tabbed line%0A'],
  '1113-env-oci': ['env: PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\0NGINX_VERSION=1.27.0\0EMPTY='],
  '1114-unknown-keys': ['futurekey: some=value,other=1', 'memroy: 1024'],
};

/** The key table's round trip: `pct config` text → typed config → the lines `pct config` would print. */
function keyTableFormatter(): (text: string) => string[] {
  return (text) => formatPctConfig(parsePctConfig(text));
}

/** The fixture's non-blank lines (`tags:  ` is not blank: its value is one space). */
function fixtureLines(name: string): string[] {
  return real(`pct-config/${name}.txt`).split('\n').filter((l) => l.trim() !== '');
}

describe('round-trip fixtures are what they claim', () => {
  it.each(Object.entries(ROUND_TRIP_TRAPS))('%s holds its trap lines verbatim', (name, lines) => {
    for (const line of lines) expect(fixtureLines(name)).toContain(line);
  });
});

describe('round trip through the key table: parse then format gives the same lines', () => {
  it.each(PCT_CONFIG_FIXTURES)('%s', (name) => {
    const format = keyTableFormatter();
    expect(format(real(`pct-config/${name}.txt`))).toEqual(fixtureLines(name));
  });

  it('the fixture list is every file in pct-config/', () => {
    const files = readdirSync(fileURLToPath(new URL('../../fixtures/pve-real/pct-config/', import.meta.url)));
    expect(files.map((f) => f.replace(/\.txt$/, '')).sort()).toEqual([...PCT_CONFIG_FIXTURES].sort());
  });

  it.each(Object.entries(ROUND_TRIP_TRAPS))('%s: a trap line survives a change elsewhere in the config', (name, lines) => {
    const cfg = parsePctConfig(real(`pct-config/${name}.txt`));
    cfg.hostname = 'changed-elsewhere';
    const out = formatPctConfig(cfg);
    for (const line of lines) expect(out).toContain(line);
    expect(out).toContain('hostname: changed-elsewhere');
  });
});

describe('pveam available (pct.adoc example layout)', () => {
  it('reads the two-column `%-15s %s` listing', () => {
    const list = parsePveamAvailable(real('pveam/available-section-system-2col.txt'));
    expect(list).toHaveLength(7);
    expect(list[0]).toEqual({ section: 'system', template: 'alpine-3.14-default_20210623_amd64.tar.xz' });
    expect(list.map((e) => e.template)).toContain('gentoo-current-default_20200310_amd64.tar.xz');
    expect(list.every((e) => e.section === 'system' && e.architecture === undefined)).toBe(true);
  });
});

describe('pvesm path (pve-storage-dir.adoc example)', () => {
  it('reads the absolute path of a dir-storage raw image', () => {
    expect(parsePvesmPath(real('pvesm/path-dir-raw.txt'))).toBe('/var/lib/vz/images/100/vm-100-disk10.raw');
  });
});

describe('skopeo (docs/skopeo-inspect.1.md, docs/skopeo-list-tags.1.md shapes)', () => {
  it('inspect: no Tag field, Annotations null, \\u003c in a label', () => {
    const info = parseSkopeoInspect(real('skopeo/inspect-docker-full.json'));
    expect(info.name).toBe('docker.io/library/fedora');
    expect(info.tag).toBeUndefined();
    expect(info.repoTags).toEqual(['36', '37', 'latest']);
    expect(info.labels).toEqual({ maintainer: 'Jane Doe <jane@example.org>' });
    expect(info.layersData).toEqual([
      {
        mimeType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        digest: 'sha256:2222222222222222222222222222222222222222222222222222222222222222',
        size: 65990920,
        annotations: {},
      },
    ]);
    expect(info.env).toEqual(['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'DISTTAG=f37container']);
  });

  it('inspect --no-tags: RepoTags [] and Labels null', () => {
    const info = parseSkopeoInspect(real('skopeo/inspect-no-tags.json'));
    expect(info.repoTags).toEqual([]);
    expect(info.labels).toEqual({});
    expect(info.layers).toHaveLength(2);
    expect(info.layersData?.map((l) => l.size)).toEqual([55038615, 5164893]);
  });

  it('list-tags on a docker:// repository keeps the registry order', () => {
    expect(parseSkopeoListTags(real('skopeo/list-tags-docker.json'))).toEqual({ repository: 'localhost:5000/fedora', tags: ['latest', '30', '31'] });
  });

  // Disagreement D6 (SOURCES.md): skopeo prints no Repository for docker-archive:; harmless while pxdeploy lists
  // only docker:// references, and the failure is a clear output error rather than a wrong answer.
  it('list-tags on a docker-archive (no Repository field) is refused, not misread', () => {
    expect(() => parseSkopeoListTags(real('skopeo/list-tags-docker-archive.json'))).toThrow(/Repository/);
  });
});
