// Each rule of the container section fails with its exact message, line and path.
import { describe, expect, it } from 'vitest';
import { problemsOf, withContainer, yaml } from './helpers.js';

/** One case: lines from line 4 on (after hostname and template), and the exact problems expected. */
const cases: [name: string, rest: string, expected: string[]][] = [
  ['vmid below range', '  vmid: 99\n', ['ct.yaml:4 container.vmid: must be between 100 and 999999999, got 99']],
  ['vmid above range', '  vmid: 1000000000\n', ['ct.yaml:4 container.vmid: must be between 100 and 999999999, got 1000000000']],
  ['vmid quoted', '  vmid: "200"\n', ['ct.yaml:4 container.vmid: "200" is not a number (it is quoted: remove the quotes)']],
  ['node name', '  node: pve_01\n', ['ct.yaml:4 container.node: "pve_01" is not a node name: letters, digits and "-", at most 63 characters']],
  ['cores above range', '  resources:\n    cores: 200\n', ['ct.yaml:5 container.resources.cores: must be between 1 and 128, got 200']],
  ['cores fractional', '  resources:\n    cores: 1.5\n', ['ct.yaml:5 container.resources.cores: 1.5 is not a whole number']],
  ['memory below range', '  resources:\n    memory: 8\n', ['ct.yaml:5 container.resources.memory: must be between 16 and 524288, got 8']],
  ['memory not a number', '  resources:\n    memory: abc\n', ['ct.yaml:5 container.resources.memory: "abc" is not a number']],
  ['disk above range', '  resources:\n    disk: 9000\n', ['ct.yaml:5 container.resources.disk: must be between 1 and 8192, got 9000']],
  ['a size under the old name storage', '  resources:\n    storage: 10\n', ['ct.yaml:5 container.resources.storage: unknown key']],
  ['resources not a mapping', '  resources: 4\n', ['ct.yaml:4 container.resources: must be a mapping (key: value), got 4']],
  ['storage pool', '  storage_pool: local lvm\n', ['ct.yaml:4 container.storage_pool: "local lvm" is not a storage id: letters, digits, "-", "_" and ".", starting with a letter']],
  ['bridge too long', '  network:\n    bridge: vmbr0-with-long-name\n', ['ct.yaml:5 container.network.bridge: "vmbr0-with-long-name" is not a bridge name: letters, digits, "-", "_" and ".", at most 15 characters']],
  ['ip prefix too long', '  network:\n    ip: 10.0.0.5/33\n', ['ct.yaml:5 container.network.ip: "10.0.0.5/33" is not a CIDR or "dhcp" (prefix length must be 8..32)']],
  ['ip prefix too short', '  network:\n    ip: 10.0.0.5/7\n', ['ct.yaml:5 container.network.ip: "10.0.0.5/7" is not a CIDR or "dhcp" (prefix length must be 8..32)']],
  ['ip without prefix', '  network:\n    ip: 10.0.0.5\n', ['ct.yaml:5 container.network.ip: "10.0.0.5" is not a CIDR or "dhcp" (add a prefix length, e.g. "10.0.0.5/24")']],
  ['ip bad octet', '  network:\n    ip: 10.0.0.256/24\n', ['ct.yaml:5 container.network.ip: "10.0.0.256/24" is not a CIDR or "dhcp" ("10.0.0.256" is not an IPv4 address)']],
  ['ip leading zero', '  network:\n    ip: 10.0.0.05/24\n', ['ct.yaml:5 container.network.ip: "10.0.0.05/24" is not a CIDR or "dhcp" ("10.0.0.05" is not an IPv4 address)']],
  ['ip network address', '  network:\n    ip: 10.203.0.0/24\n', ['ct.yaml:5 container.network.ip: "10.203.0.0/24" is the network address of its subnet, not a host address']],
  ['ip broadcast address', '  network:\n    ip: 10.203.0.255/24\n', ['ct.yaml:5 container.network.ip: "10.203.0.255/24" is the broadcast address of its subnet, not a host address']],
  ['ip DHCP upper case', '  network:\n    ip: DHCP\n', ['ct.yaml:5 container.network.ip: "DHCP" is not a CIDR or "dhcp" (expected address/prefix, e.g. "10.0.0.5/24")']],
  ['gateway with prefix', '  network:\n    ip: 10.0.0.5/24\n    gateway: 10.0.0.1/24\n', ['ct.yaml:6 container.network.gateway: "10.0.0.1/24" is not an IPv4 address (a gateway has no prefix length)']],
  [
    'gateway with dhcp (explicit)',
    '  network:\n    ip: dhcp\n    gateway: 10.0.0.1\n',
    ['ct.yaml:6 container.network.gateway: a gateway needs a static ip (ip is "dhcp", which brings its own gateway): remove gateway or set ip to an address/prefix'],
  ],
  [
    'gateway with dhcp (default)',
    '  network:\n    gateway: 10.0.0.1\n',
    ['ct.yaml:5 container.network.gateway: a gateway needs a static ip (ip is "dhcp", which brings its own gateway): remove gateway or set ip to an address/prefix'],
  ],
  ['gateway is own address', '  network:\n    ip: 10.0.0.5/24\n    gateway: 10.0.0.5\n', ["ct.yaml:6 container.network.gateway: the gateway 10.0.0.5 is the container's own address"]],
  ['ip6 without prefix', '  network:\n    ip6: fd00::5\n', ['ct.yaml:5 container.network.ip6: "fd00::5" is not an IPv6 CIDR, "auto" or "dhcp" (add a prefix length, e.g. "fd00::5/64")']],
  ['ip6 bad prefix', '  network:\n    ip6: fd00::5/129\n', ['ct.yaml:5 container.network.ip6: "fd00::5/129" is not an IPv6 CIDR, "auto" or "dhcp" (prefix length must be 8..128)']],
  ['gw6 not an address', '  network:\n    ip6: fd00::5/64\n    gw6: fd00::zz\n', ['ct.yaml:6 container.network.gw6: "fd00::zz" is not an IPv6 address']],
  ['gw6 without static ip6', '  network:\n    gw6: fd00::1\n', ['ct.yaml:5 container.network.gw6: gw6 needs a static ip6 (ip6 is not set)']],
  ['boolean as yes', '  start_on_boot: yes\n', ['ct.yaml:4 container.start_on_boot: "yes" is not true or false (write true or false, unquoted)']],
  ['unprivileged not boolean', '  unprivileged: 1\n', ['ct.yaml:4 container.unprivileged: 1 is not true or false']],
  [
    'keyctl on privileged',
    '  unprivileged: false\n  features:\n    keyctl: true\n',
    ['ct.yaml:6 container.features.keyctl: keyctl is only available for unprivileged containers (container.unprivileged is false)'],
  ],
  ['feature mount type', '  features:\n    mount: [nfs, "ext4;rm"]\n', ['ct.yaml:5 container.features.mount[1]: "ext4;rm" is not a file system type (e.g. nfs, cifs)']],
  ['tag format', '  tags: [ok, "+bad"]\n', ['ct.yaml:4 container.tags[1]: "+bad" is not a tag: letters, digits, "_", "-", "+" and ".", not starting with "-", "+" or "."']],
  ['description too long', `  description: ${'x'.repeat(8193)}\n`, ['ct.yaml:4 container.description: must be at most 8192 characters']],
  [
    'mount id format',
    '  mount_points:\n    - id: mp256\n      host: /srv/a\n      container: /a\n',
    ['ct.yaml:5 container.mount_points[0].id: "mp256" is not a mount point id (mp0 … mp255)'],
  ],
  [
    'duplicate mount ids',
    '  mount_points:\n    - { id: mp3, host: /srv/a, container: /a }\n    - { id: mp3, host: /srv/b, container: /b }\n',
    ['ct.yaml:6 container.mount_points[1].id: mount point id "mp3" is already used by container.mount_points[0]'],
  ],
  [
    'duplicate container paths (after normalizing)',
    '  mount_points:\n    - { host: /srv/a, container: /data }\n    - { host: /srv/b, container: "/data/" }\n',
    ['ct.yaml:6 container.mount_points[1].container: container path /data is already used by container.mount_points[0]'],
  ],
  [
    'relative host path',
    '  mount_points:\n    - host: srv/a\n      container: /a\n',
    ['ct.yaml:5 container.mount_points[0].host: "srv/a" is not an absolute path (it must start with "/")'],
  ],
  [
    'dot-dot in container path',
    '  mount_points:\n    - host: /srv/a\n      container: /data/../etc\n',
    ['ct.yaml:6 container.mount_points[0].container: "/data/../etc" must not contain "." or ".." components'],
  ],
  [
    'dot in host path',
    '  mount_points:\n    - host: /srv/./a\n      container: /a\n',
    ['ct.yaml:5 container.mount_points[0].host: "/srv/./a" must not contain "." or ".." components'],
  ],
  [
    'container path is a system directory',
    '  mount_points:\n    - host: /srv/a\n      container: /etc/\n',
    ['ct.yaml:6 container.mount_points[0].container: "/etc/" is a system directory of the container; mount below it or elsewhere (e.g. /srv/…, /mnt/…)'],
  ],
  [
    'container path is root',
    '  mount_points:\n    - host: /srv/a\n      container: /\n',
    ['ct.yaml:6 container.mount_points[0].container: "/" is a system directory of the container; mount below it or elsewhere (e.g. /srv/…, /mnt/…)'],
  ],
  [
    'container path below /sys',
    '  mount_points:\n    - host: /srv/a\n      container: /sys/fs/x\n',
    ['ct.yaml:6 container.mount_points[0].container: "/sys/fs/x" is inside /sys, which the container runtime manages'],
  ],
  ['mount without source', '  mount_points:\n    - container: /a\n', ['ct.yaml:5 container.mount_points[0].host: required: host (a host directory to bind mount) or storage (a storage for a new volume, with size)']],
  [
    'mount with host and storage',
    '  mount_points:\n    - host: /srv/a\n      storage: local-lvm\n      container: /a\n      size: 4G\n',
    ['ct.yaml:6 container.mount_points[0].storage: give either host (bind mount a host directory) or storage (new volume), not both'],
  ],
  ['storage mount without size', '  mount_points:\n    - storage: local-lvm\n      container: /a\n', ['ct.yaml:5 container.mount_points[0].size: required for a storage volume (e.g. "10G")']],
  [
    'bind mount with size',
    '  mount_points:\n    - host: /srv/a\n      container: /a\n      size: 4G\n',
    ['ct.yaml:7 container.mount_points[0].size: only applies to a storage volume; a bind mount of a host directory has no size'],
  ],
  [
    'size without unit',
    '  mount_points:\n    - storage: local-lvm\n      container: /a\n      size: "10"\n',
    ['ct.yaml:7 container.mount_points[0].size: "10" is not a size: use a number with a unit K, M, G or T, e.g. "10G"'],
  ],
  ['mount points as a mapping', '  mount_points:\n    mp0: { host: /a, container: /b }\n', ['ct.yaml:4 container.mount_points: must be a list, got a mapping']],
  [
    'too many mount points',
    `  mount_points:\n${Array.from({ length: 257 }, (_, i) => `    - { host: /srv/${i}, container: /m/${i} }\n`).join('')}`,
    ['ct.yaml:4 container.mount_points: must have at most 256 items'],
  ],
  ['device outside /dev', '  devices:\n    - path: /etc/passwd\n', ['ct.yaml:5 container.devices[0].path: "/etc/passwd" is not a valid device path: it must be under /dev/ with no "." or ".." components']],
  ['device with dot-dot', '  devices:\n    - path: /dev/../etc\n', ['ct.yaml:5 container.devices[0].path: "/dev/../etc" is not a valid device path: it must be under /dev/ with no "." or ".." components']],
  ['device mode not octal', '  devices:\n    - path: /dev/null\n      mode: rw\n', ['ct.yaml:6 container.devices[0].mode: "rw" is not an octal file mode like "0660"']],
  ['device gid negative', '  devices:\n    - path: /dev/null\n      gid: -1\n', ['ct.yaml:6 container.devices[0].gid: must be between 0 and 4294967294, got -1']],
  ['device major without minor', '  devices:\n    - path: /dev/null\n      major: 1\n', ['ct.yaml:5 container.devices[0].minor: required when major is given (give both or neither)']],
  [
    'duplicate devices',
    '  devices:\n    - path: /dev/ttyUSB0\n    - path: /dev/ttyUSB0\n',
    ['ct.yaml:6 container.devices[1].path: device /dev/ttyUSB0 is already used by container.devices[0]'],
  ],
];

describe('container section rules', () => {
  it.each(cases)('%s', (_name, rest, expected) => {
    expect(problemsOf(withContainer(rest))).toEqual(expected);
  });
});

describe('required fields and identity', () => {
  it('reports missing hostname and template on the container line', () => {
    expect(problemsOf('container:\n  vmid: 200\n')).toEqual(['ct.yaml:1 container.hostname: required', 'ct.yaml:1 container.template: required']);
  });

  it.each([
    ['Web', '"Web" is not a valid hostname: use a-z, 0-9 and "-" (not first or last), at most 63 characters'],
    ['-web', '"-web" is not a valid hostname: use a-z, 0-9 and "-" (not first or last), at most 63 characters'],
    ['web-', '"web-" is not a valid hostname: use a-z, 0-9 and "-" (not first or last), at most 63 characters'],
    ['web.lan', '"web.lan" is not a valid hostname: use a-z, 0-9 and "-" (not first or last), at most 63 characters'],
    ['a'.repeat(64), `"${'a'.repeat(60)}…" is not a valid hostname: use a-z, 0-9 and "-" (not first or last), at most 63 characters`],
  ])('rejects hostname %s', (hostname, message) => {
    expect(problemsOf(`container:\n  hostname: ${hostname}\n  template: debian-12\n`)).toEqual([`ct.yaml:2 container.hostname: ${message}`]);
  });

  it('reports a key without value', () => {
    expect(problemsOf('container:\n  hostname:\n  template: debian-12\n')).toEqual(['ct.yaml:2 container.hostname: has no value (give it one or remove the key)']);
  });

  it.each([
    ['local:iso/debian.iso', '"local:iso/debian.iso" is not a template volume id: expected "<storage>:vztmpl/<file>.tar[.gz|.xz|.zst|.bz2]"'],
    ['local:vztmpl/debian.zip', '"local:vztmpl/debian.zip" is not a template volume id: expected "<storage>:vztmpl/<file>.tar[.gz|.xz|.zst|.bz2]"'],
    ['debian 12', '"debian 12" is not a template: use a short name like "debian-12" or a volume id like "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"'],
  ])('rejects template %s', (template, message) => {
    expect(problemsOf(`container:\n  hostname: web\n  template: ${template}\n`)).toEqual([`ct.yaml:3 container.template: ${message}`]);
  });

  it('rejects an unsupported version', () => {
    expect(problemsOf(`version: "2.0"\n${withContainer('')}`)).toEqual(['ct.yaml:1 version: unsupported version "2.0" (this pxdeploy reads version "1.0")']);
  });
});

describe('unknown keys', () => {
  it('suggests the closest known key', () => {
    expect(problemsOf(withContainer('  resources:\n    memroy: 2048\n'))).toEqual(['ct.yaml:5 container.resources.memroy: unknown key (did you mean "memory"?)']);
  });

  it('suggests by prefix and at every level', () => {
    expect(
      problemsOf(
        yaml`
          container:
            hostname: web
            template: debian-12
            mount_point: []
            network: { brige: vmbr0 }
            colour: blue
          provisoning:
            packages: []
        `,
      ),
    ).toEqual([
      'ct.yaml:4 container.mount_point: unknown key (did you mean "mount_points"?)',
      'ct.yaml:5 container.network.brige: unknown key (did you mean "bridge"?)',
      'ct.yaml:6 container.colour: unknown key',
      'ct.yaml:7 provisoning: unknown key (did you mean "provisioning"?)',
    ]);
  });

  it('checks keys inside list items', () => {
    expect(problemsOf(withContainer('  mount_points:\n    - host: /srv/a\n      container: /a\n      readonly: true\n'))).toEqual([
      'ct.yaml:7 container.mount_points[0].readonly: unknown key (did you mean "read_only"?)',
    ]);
  });
});
