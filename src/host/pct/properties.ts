// Typed netN / rootfs / mpN / features / devN property strings: built in PVE's print order, parsed leniently.
import { formatPropertyString, parsePropertyString, parsePveBool, pveBool } from '../property-string.js';

/** Keys PVE does not know yet (or that pxdeploy does not model) pass through untouched. */
export type ExtraProperties = Record<string, string>;

export interface NetSpec {
  name: string;
  bridge?: string;
  hwaddr?: string;
  /** `dhcp`, `manual` or an IPv4 CIDR. */
  ip?: string;
  gw?: string;
  /** `auto`, `dhcp`, `manual` or an IPv6 CIDR. */
  ip6?: string;
  gw6?: string;
  firewall?: boolean;
  linkDown?: boolean;
  /** PVE ≥ 9.1: the host runs DHCP in the CT's netns (set automatically for OCI app containers). */
  hostManaged?: boolean;
  tag?: number;
  trunks?: number[];
  rate?: number;
  mtu?: number;
  type?: string;
  extra?: ExtraProperties;
}

export interface MountSpec {
  /** Volume id, `STORAGE:SIZE_GiB` to allocate, or a host path for bind/device mounts. */
  volume: string;
  /** Mount path inside the CT (mpN only). */
  mp?: string;
  size?: string;
  acl?: boolean;
  ro?: boolean;
  quota?: boolean;
  replicate?: boolean;
  shared?: boolean;
  backup?: boolean;
  keepattrs?: boolean;
  mountoptions?: string[];
  idmap?: string;
  extra?: ExtraProperties;
}

export interface FeaturesSpec {
  nesting?: boolean;
  keyctl?: boolean;
  fuse?: boolean;
  mknod?: boolean;
  forceRwSys?: boolean;
  /** Allowed filesystem types for mount(2) inside the CT. */
  mount?: string[];
  extra?: ExtraProperties;
}

export interface DevSpec {
  path: string;
  mode?: string;
  uid?: number;
  gid?: number;
  denyWrite?: boolean;
  extra?: ExtraProperties;
}

type Pair = [string, string];

function push(out: Pair[], key: string, value: string | number | boolean | undefined): void {
  if (value === undefined) return;
  out.push([key, typeof value === 'boolean' ? pveBool(value) : String(value)]);
}

function pushExtra(out: Pair[], extra: ExtraProperties | undefined, known: readonly string[]): void {
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (known.includes(k)) throw new Error(`extra property '${k}' duplicates a typed field`);
    out.push([k, v]);
  }
}

const NET_KEYS = ['name', 'bridge', 'hwaddr', 'ip', 'gw', 'ip6', 'gw6', 'firewall', 'link_down', 'host-managed', 'tag', 'trunks', 'rate', 'mtu', 'type'] as const;

/** `name=eth0,bridge=vmbr0,hwaddr=...,ip=dhcp,type=veth`: name first, the rest sorted, as PVE prints it. */
export function formatNet(net: NetSpec): string {
  const out: Pair[] = [];
  push(out, 'name', net.name);
  push(out, 'bridge', net.bridge);
  push(out, 'hwaddr', net.hwaddr);
  push(out, 'ip', net.ip);
  push(out, 'gw', net.gw);
  push(out, 'ip6', net.ip6);
  push(out, 'gw6', net.gw6);
  push(out, 'firewall', net.firewall);
  push(out, 'link_down', net.linkDown);
  push(out, 'host-managed', net.hostManaged);
  push(out, 'tag', net.tag);
  push(out, 'trunks', net.trunks?.join(';'));
  push(out, 'rate', net.rate);
  push(out, 'mtu', net.mtu);
  push(out, 'type', net.type);
  pushExtra(out, net.extra, NET_KEYS);
  return formatPropertyString(out, { leading: ['name'] });
}

const MOUNT_KEYS = ['volume', 'mp', 'size', 'acl', 'ro', 'quota', 'replicate', 'shared', 'backup', 'keepattrs', 'mountoptions', 'idmap'] as const;

/** `local-lvm:vm-200-disk-1,mp=/data,backup=1,size=10G`: volume bare, then mp, then the rest sorted. */
export function formatMount(m: MountSpec): string {
  const out: Pair[] = [];
  push(out, 'volume', m.volume);
  push(out, 'mp', m.mp);
  push(out, 'size', m.size);
  push(out, 'acl', m.acl);
  push(out, 'ro', m.ro);
  push(out, 'quota', m.quota);
  push(out, 'replicate', m.replicate);
  push(out, 'shared', m.shared);
  push(out, 'backup', m.backup);
  push(out, 'keepattrs', m.keepattrs);
  push(out, 'mountoptions', m.mountoptions?.join(';'));
  push(out, 'idmap', m.idmap);
  pushExtra(out, m.extra, MOUNT_KEYS);
  return formatPropertyString(out, { leading: ['volume', 'mp'], bareFirst: true });
}

const FEATURE_KEYS = ['nesting', 'keyctl', 'fuse', 'mknod', 'force_rw_sys', 'mount'] as const;

/** `keyctl=1,nesting=1`: sorted keys. */
export function formatFeatures(f: FeaturesSpec): string {
  const out: Pair[] = [];
  push(out, 'nesting', f.nesting);
  push(out, 'keyctl', f.keyctl);
  push(out, 'fuse', f.fuse);
  push(out, 'mknod', f.mknod);
  push(out, 'force_rw_sys', f.forceRwSys);
  push(out, 'mount', f.mount?.join(';'));
  pushExtra(out, f.extra, FEATURE_KEYS);
  return formatPropertyString(out);
}

const DEV_KEYS = ['path', 'mode', 'uid', 'gid', 'deny-write'] as const;

/** `/dev/ttyUSB0,gid=20,mode=0660`: path bare, the rest sorted. */
export function formatDev(d: DevSpec): string {
  const out: Pair[] = [];
  push(out, 'path', d.path);
  push(out, 'mode', d.mode);
  push(out, 'uid', d.uid);
  push(out, 'gid', d.gid);
  push(out, 'deny-write', d.denyWrite);
  pushExtra(out, d.extra, DEV_KEYS);
  return formatPropertyString(out, { leading: ['path'], bareFirst: true });
}

// Parsing: a value that does not read as its type is kept in `extra` rather than dropped or fatal,
// because a newer PVE may spell things differently and a config read must never fail on that.

function toInt(v: string): number | undefined {
  return /^-?\d+$/.test(v) ? Number(v) : undefined;
}

function toNum(v: string): number | undefined {
  return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : undefined;
}

class Reader {
  readonly extra: ExtraProperties = {};
  readonly map: Map<string, string>;
  constructor(pairs: Array<[string, string]>, private readonly known: readonly string[]) {
    this.map = new Map(pairs);
    for (const [k, v] of pairs) if (!known.includes(k)) this.extra[k] = v;
  }
  str(key: string): string | undefined {
    return this.map.get(key);
  }
  typed<T>(key: string, conv: (v: string) => T | undefined): T | undefined {
    const v = this.map.get(key);
    if (v === undefined) return undefined;
    const t = conv(v);
    if (t === undefined) this.extra[key] = v;
    return t;
  }
  bool(key: string): boolean | undefined {
    return this.typed(key, parsePveBool);
  }
  list(key: string): string[] | undefined {
    const v = this.map.get(key);
    return v === undefined ? undefined : v.split(';').filter((s) => s !== '');
  }
}

/** Drop undefined fields (so parsed objects compare cleanly) and an empty `extra`. */
function compact<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (k === 'extra' && Object.keys(v as object).length === 0) continue;
    out[k] = v;
  }
  return out as T;
}

export function parseNet(text: string): NetSpec {
  const r = new Reader(parsePropertyString(text, 'name'), NET_KEYS);
  const trunks = r.list('trunks');
  const trunkNums = trunks?.map(toInt);
  const trunksOk = trunkNums !== undefined && trunkNums.every((n) => n !== undefined);
  if (trunks !== undefined && !trunksOk) r.extra.trunks = trunks.join(';');
  return compact({
    name: r.str('name') ?? '',
    bridge: r.str('bridge'),
    hwaddr: r.str('hwaddr'),
    ip: r.str('ip'),
    gw: r.str('gw'),
    ip6: r.str('ip6'),
    gw6: r.str('gw6'),
    firewall: r.bool('firewall'),
    linkDown: r.bool('link_down'),
    hostManaged: r.bool('host-managed'),
    tag: r.typed('tag', toInt),
    trunks: trunksOk ? (trunkNums as number[]) : undefined,
    rate: r.typed('rate', toNum),
    mtu: r.typed('mtu', toInt),
    type: r.str('type'),
    extra: r.extra,
  });
}

export function parseMount(text: string): MountSpec {
  const r = new Reader(parsePropertyString(text, 'volume'), MOUNT_KEYS);
  return compact({
    volume: r.str('volume') ?? '',
    mp: r.str('mp'),
    size: r.str('size'),
    acl: r.bool('acl'),
    ro: r.bool('ro'),
    quota: r.bool('quota'),
    replicate: r.bool('replicate'),
    shared: r.bool('shared'),
    backup: r.bool('backup'),
    keepattrs: r.bool('keepattrs'),
    mountoptions: r.list('mountoptions'),
    idmap: r.str('idmap'),
    extra: r.extra,
  });
}

export function parseFeatures(text: string): FeaturesSpec {
  const r = new Reader(parsePropertyString(text), FEATURE_KEYS);
  return compact({
    nesting: r.bool('nesting'),
    keyctl: r.bool('keyctl'),
    fuse: r.bool('fuse'),
    mknod: r.bool('mknod'),
    forceRwSys: r.bool('force_rw_sys'),
    mount: r.list('mount'),
    extra: r.extra,
  });
}

export function parseDev(text: string): DevSpec {
  const r = new Reader(parsePropertyString(text, 'path'), DEV_KEYS);
  return compact({
    path: r.str('path') ?? '',
    mode: r.str('mode'),
    uid: r.typed('uid', toInt),
    gid: r.typed('gid', toInt),
    denyWrite: r.bool('deny-write'),
    extra: r.extra,
  });
}

const SIZE_UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** PVE disk sizes (`8G`, `512M`, `10GiB`, plain bytes) in bytes; undefined if unreadable. */
export function parseDiskSize(size: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(size.trim());
  if (!m) return undefined;
  const unit = SIZE_UNITS[(m[2] ?? '').toUpperCase()];
  return unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
}
