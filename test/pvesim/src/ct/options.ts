// The container config schema ($confdesc): scalar keys, netN / mpN / rootfs / devN / features property formats.
import type { ParamDef, PropFormat } from '../common/schema.js';
import * as f from '../common/formats.js';

const bool: ParamDef = { type: 'boolean', optional: true };

function verifyMpString(v: string): void {
  if (/\/\.\.?\//.test(v) || /\/\.\.?$/.test(v) || /^\.\.\//.test(v)) throw new Error(`${v} contains illegal character sequences`);
}

function verifyDevString(v: string): void {
  if (/\/\.\.?(?:\/|$)/.test(v) || !v.startsWith('/dev/')) throw new Error(`${v} is not a valid device path`);
}

const MOUNT_OPTION = '(discard|lazytime|noatime|nodev|noexec|nosuid)';

export const rootfsFormat: PropFormat = {
  volume: { type: 'string', defaultKey: true, format: verifyMpString },
  size: { type: 'string', optional: true, format: f.verifyDiskSize },
  acl: bool,
  mountoptions: { type: 'string', optional: true, pattern: new RegExp(`${MOUNT_OPTION}(;${MOUNT_OPTION})*`) },
  ro: bool,
  quota: bool,
  replicate: bool,
  shared: bool,
};

export const mpFormat: PropFormat = {
  ...rootfsFormat,
  backup: bool,
  mp: { type: 'string', format: verifyMpString },
};

export const unusedFormat: PropFormat = {
  volume: { type: 'string', defaultKey: true, format: f.verifyVolumeId },
};

export const netFormat: PropFormat = {
  type: { type: 'string', optional: true, enum: ['veth'] },
  name: { type: 'string', pattern: /[-_.\w\d]+/ },
  bridge: { type: 'string', optional: true, pattern: /[-_.\w\d]+/ },
  hwaddr: { type: 'string', optional: true, format: f.verifyMacAddr },
  mtu: { type: 'integer', optional: true, minimum: 64, maximum: 65535 },
  ip: { type: 'string', optional: true, format: f.verifyIpv4Config },
  gw: { type: 'string', optional: true, format: f.verifyIpv4 },
  ip6: { type: 'string', optional: true, format: f.verifyIpv6Config },
  gw6: { type: 'string', optional: true, format: f.verifyIpv6 },
  firewall: bool,
  'host-managed': bool,
  tag: { type: 'integer', optional: true, minimum: 1, maximum: 4094 },
  trunks: { type: 'string', optional: true, pattern: /\d+(?:;\d+)*/ },
  rate: { type: 'number', optional: true },
  link_down: bool,
};

export const devFormat: PropFormat = {
  path: { type: 'string', optional: true, defaultKey: true, format: verifyDevString },
  mode: { type: 'string', optional: true, pattern: /0[0-7]{3}/ },
  uid: { type: 'integer', optional: true, minimum: 0 },
  gid: { type: 'integer', optional: true, minimum: 0 },
  'deny-write': bool,
};

export const featuresFormat: PropFormat = {
  mount: { type: 'string', optional: true, pattern: /[a-zA-Z0-9_; ]+/ },
  nesting: bool,
  keyctl: bool,
  fuse: bool,
  mknod: bool,
  force_rw_sys: bool,
};

export const OSTYPES = ['debian', 'devuan', 'ubuntu', 'centos', 'fedora', 'opensuse', 'archlinux', 'alpine', 'gentoo', 'nixos', 'unmanaged'] as const;
export const LOCKS = ['backup', 'create', 'destroyed', 'disk', 'fstrim', 'migrate', 'mounted', 'rollback', 'snapshot', 'snapshot-delete'] as const;

export const MAX_NETS = 32;
export const MAX_MOUNT_POINTS = 256;

/** Scalar config keys (everything except the indexed families). */
export const scalarOptions: Record<string, ParamDef> = {
  lock: { type: 'string', optional: true, enum: LOCKS },
  onboot: bool,
  startup: { type: 'string', optional: true, format: f.verifyStartup },
  template: bool,
  arch: { type: 'string', optional: true, enum: ['amd64', 'i386', 'arm64', 'armhf', 'riscv32', 'riscv64'] },
  ostype: { type: 'string', optional: true, enum: OSTYPES },
  console: bool,
  tty: { type: 'integer', optional: true, minimum: 0, maximum: 6 },
  cores: { type: 'integer', optional: true, minimum: 1, maximum: 8192 },
  cpulimit: { type: 'number', optional: true, minimum: 0, maximum: 8192 },
  cpuunits: { type: 'integer', optional: true, minimum: 0, maximum: 500000 },
  memory: { type: 'integer', optional: true, minimum: 16 },
  swap: { type: 'integer', optional: true, minimum: 0 },
  hostname: { type: 'string', optional: true, format: f.verifyDnsName, maxLength: 255 },
  description: { type: 'string', optional: true, maxLength: 8192 },
  searchdomain: { type: 'string', optional: true, format: f.verifyDnsNameList },
  nameserver: { type: 'string', optional: true, format: f.verifyIpList },
  timezone: { type: 'string', optional: true, format: f.verifyTimezone },
  rootfs: { type: 'string', optional: true, format: rootfsFormat },
  parent: { type: 'string', optional: true, format: f.verifyConfigId, maxLength: 40 },
  snaptime: { type: 'integer', optional: true, minimum: 0 },
  cmode: { type: 'string', optional: true, enum: ['shell', 'console', 'tty'] },
  entrypoint: { type: 'string', optional: true, pattern: /[^\x00-\x08\x10-\x1F\x7F]+/ },
  env: { type: 'string', optional: true, pattern: /(?:\w+=[^\x00-\x08\x10-\x1F\x7F]*)(?:\0\w+=[^\x00-\x08\x10-\x1F\x7F]*)*/ },
  protection: bool,
  unprivileged: bool,
  features: { type: 'string', optional: true, format: featuresFormat },
  hookscript: { type: 'string', optional: true, format: f.verifyVolumeId },
  tags: { type: 'string', optional: true, format: f.verifyTagList },
  debug: bool,
};

/** The schema of one config key, or undefined for an unknown key. */
export function optionDef(key: string): ParamDef | undefined {
  if (scalarOptions[key]) return scalarOptions[key];
  const m = /^(net|mp|unused|dev)(\d+)$/.exec(key);
  if (!m) return undefined;
  const idx = Number(m[2]);
  if (m[2]!.length > 1 && m[2]!.startsWith('0')) return undefined;
  switch (m[1]) {
    case 'net':
      return idx < MAX_NETS ? { type: 'string', optional: true, format: netFormat } : undefined;
    case 'mp':
      return idx < MAX_MOUNT_POINTS ? { type: 'string', optional: true, format: mpFormat } : undefined;
    case 'unused':
      return idx < MAX_MOUNT_POINTS ? { type: 'string', optional: true, format: unusedFormat } : undefined;
    default:
      return idx < MAX_MOUNT_POINTS ? { type: 'string', optional: true, format: devFormat } : undefined;
  }
}

/** All config keys as API parameters (json_config_properties: without parent/snaptime). */
export function configParams(): Record<string, ParamDef> {
  const res: Record<string, ParamDef> = {};
  for (const [k, def] of Object.entries(scalarOptions)) if (k !== 'parent' && k !== 'snaptime') res[k] = def;
  for (let i = 0; i < MAX_NETS; i++) res[`net${i}`] = optionDef(`net${i}`)!;
  for (let i = 0; i < MAX_MOUNT_POINTS; i++) {
    res[`mp${i}`] = optionDef(`mp${i}`)!;
    res[`unused${i}`] = optionDef(`unused${i}`)!;
    res[`dev${i}`] = optionDef(`dev${i}`)!;
  }
  return res;
}

/** Keys `pct set` on a running CT writes straight into the config ($LXC_FASTPLUG_OPTIONS). */
export const FASTPLUG = new Set(['description', 'onboot', 'startup', 'protection', 'hostname', 'hookscript', 'cores', 'tags', 'lock']);
