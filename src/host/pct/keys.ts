// Every pct config key once (pve-container's $confdesc): value type, property-string format, how `pct set` applies it.
// Argv building, `pct config` parsing and formatting, and the spec mapping are all driven by this table.

/** Scalar value types. `list;`, `list,` and `list ` are lists printed with that separator. */
export type Scalar = 'string' | 'int' | 'number' | 'bool' | 'list;' | 'list,' | 'list ';

/** A property string like `name=eth0,bridge=vmbr0`: typed sub-keys, the key a bare first element belongs to, print order. */
export interface PropFormat<F extends Record<string, Scalar> = Record<string, Scalar>> {
  fields: F;
  /** The key of an element without `=` (`local-lvm:8` is the volume). */
  bare?: string;
  /** Whether that key is also printed without `key=` (volumes and device paths are; a net's name is not). */
  printBare: boolean;
  /** Printed first, in this order; the other keys follow sorted (pve-cli.md §3.2–3.5). */
  leading: readonly string[];
}

function prop<F extends Record<string, Scalar>>(fields: F, leading: readonly (keyof F & string)[] = [], bare?: keyof F & string, printBare = false): PropFormat<F> {
  return { fields, leading, bare, printBare };
}

export const NET = prop(
  { name: 'string', bridge: 'string', hwaddr: 'string', ip: 'string', gw: 'string', ip6: 'string', gw6: 'string', firewall: 'bool', link_down: 'bool', 'host-managed': 'bool', tag: 'int', trunks: 'list;', rate: 'number', mtu: 'int', type: 'string' },
  ['name'],
  'name',
);
export const MOUNT = prop(
  { volume: 'string', mp: 'string', size: 'string', acl: 'bool', ro: 'bool', quota: 'bool', replicate: 'bool', shared: 'bool', backup: 'bool', keepattrs: 'bool', mountoptions: 'list;', idmap: 'string' },
  ['volume', 'mp'],
  'volume',
  true,
);
export const FEATURES = prop({ nesting: 'bool', keyctl: 'bool', fuse: 'bool', mknod: 'bool', force_rw_sys: 'bool', mount: 'list;' });
export const DEV = prop({ path: 'string', mode: 'string', uid: 'int', gid: 'int', 'deny-write': 'bool' }, ['path'], 'path', true);

/**
 * How `pct set` applies a key on a running CT (pve-cli.md §3.6): `direct` at once, `hotplug` live,
 * `new` hot-plugged when added but pending when edited, `pending` at the next start, `fixed` only
 * at create, `internal` never settable. Create/set-only parameters are not config keys at all.
 */
export type Apply = 'direct' | 'hotplug' | 'new' | 'pending' | 'fixed' | 'internal';
export type Special = 'tags' | 'description' | 'env';

export interface KeyDesc {
  type: Scalar | Special | PropFormat;
  apply: Apply;
  /** `mp` → mp0..mp255: the highest index. */
  indexed?: number;
  /** Never shown: replaced by `***` wherever the command is displayed or logged. */
  secret?: boolean;
}

/** Config keys, in the order pxdeploy passes them on a command line (stable argv for tests and plans). */
export const PCT_KEYS = {
  hostname: { type: 'string', apply: 'direct' },
  ostype: { type: 'string', apply: 'pending' },
  arch: { type: 'string', apply: 'pending' },
  cores: { type: 'int', apply: 'direct' },
  cpulimit: { type: 'number', apply: 'hotplug' },
  cpuunits: { type: 'int', apply: 'hotplug' },
  memory: { type: 'int', apply: 'hotplug' },
  swap: { type: 'int', apply: 'hotplug' },
  rootfs: { type: MOUNT, apply: 'pending' },
  mp: { type: MOUNT, apply: 'new', indexed: 255 },
  net: { type: NET, apply: 'hotplug', indexed: 31 },
  dev: { type: DEV, apply: 'new', indexed: 255 },
  unused: { type: 'string', apply: 'direct', indexed: 255 },
  features: { type: FEATURES, apply: 'pending' },
  unprivileged: { type: 'bool', apply: 'fixed' },
  onboot: { type: 'bool', apply: 'direct' },
  startup: { type: 'string', apply: 'direct' },
  protection: { type: 'bool', apply: 'direct' },
  tags: { type: 'tags', apply: 'direct' },
  nameserver: { type: 'list ', apply: 'pending' },
  searchdomain: { type: 'list ', apply: 'pending' },
  timezone: { type: 'string', apply: 'pending' },
  tty: { type: 'int', apply: 'pending' },
  console: { type: 'bool', apply: 'pending' },
  cmode: { type: 'string', apply: 'pending' },
  hookscript: { type: 'string', apply: 'direct' },
  debug: { type: 'bool', apply: 'pending' },
  entrypoint: { type: 'string', apply: 'pending' },
  env: { type: 'env', apply: 'pending' },
  description: { type: 'description', apply: 'direct' },
  lock: { type: 'string', apply: 'direct' },
  template: { type: 'bool', apply: 'internal' },
  parent: { type: 'string', apply: 'internal' },
  snaptime: { type: 'int', apply: 'internal' },
  snapstate: { type: 'string', apply: 'internal' },
} as const satisfies Record<string, KeyDesc>;

/** Parameters of `pct create` / `pct set` that are not stored in the config, in argv order after the keys. */
export const CREATE_PARAMS = {
  storage: { type: 'string', apply: 'fixed' },
  password: { type: 'string', apply: 'fixed', secret: true },
  'ssh-public-keys': { type: 'string', apply: 'fixed' },
  pool: { type: 'string', apply: 'fixed' },
  unique: { type: 'bool', apply: 'fixed' },
  'ignore-unpack-errors': { type: 'bool', apply: 'fixed' },
  bwlimit: { type: 'number', apply: 'fixed' },
  'ha-managed': { type: 'bool', apply: 'fixed' },
  force: { type: 'bool', apply: 'fixed' },
  start: { type: 'bool', apply: 'fixed' },
} as const satisfies Record<string, KeyDesc>;

export const SET_PARAMS = {
  delete: { type: 'list,', apply: 'fixed' },
  revert: { type: 'list,', apply: 'fixed' },
  digest: { type: 'string', apply: 'fixed' },
} as const satisfies Record<string, KeyDesc>;

// Types derived from the table, so no key is spelled out a second time.

type ScalarValue<T> = T extends 'string' ? string : T extends 'int' | 'number' ? number : T extends 'bool' ? boolean : T extends `list${string}` ? string[] : never;
export type PropValue<P> = P extends PropFormat<infer F> ? { [K in keyof F]?: ScalarValue<F[K]> } & { /** Sub-keys a newer PVE added, or values that did not read as their type: kept, never fatal. */ extra?: Record<string, string> } : never;
type ValueOf<T> = T extends Scalar ? ScalarValue<T> : T extends 'tags' ? string[] : T extends 'description' ? string : T extends 'env' ? Record<string, string> : PropValue<T>;
type Options<Table extends Record<string, KeyDesc>> = {
  -readonly [K in keyof Table]?: Table[K] extends { indexed: number } ? Record<number, ValueOf<Table[K]['type']>> : ValueOf<Table[K]['type']>;
};

export type NetSpec = PropValue<typeof NET>;
export type MountSpec = PropValue<typeof MOUNT>;
export type FeaturesSpec = PropValue<typeof FEATURES>;
export type DevSpec = PropValue<typeof DEV>;
export type PctKey = keyof typeof PCT_KEYS;
/** Typed config values as `pct config` shows them and `pct create|set` take them. */
export type PctOptions = Options<typeof PCT_KEYS>;
export type PctCreateParams = Options<typeof CREATE_PARAMS>;
export type PctSetParams = Options<typeof SET_PARAMS>;

/** The table entry of a config key as printed (`mp10` → `mp` with index 10); undefined for keys PVE added later. */
export function lookupKey(key: string): { name: PctKey; desc: KeyDesc; index?: number } | undefined {
  const m = /^([a-z]+)(\d+)$/.exec(key);
  if (m && m[1]! in PCT_KEYS) {
    const desc: KeyDesc = PCT_KEYS[m[1] as PctKey];
    const index = Number(m[2]);
    if (desc.indexed !== undefined && index <= desc.indexed && String(index) === m[2]) return { name: m[1] as PctKey, desc, index };
    return undefined;
  }
  if (key in PCT_KEYS) {
    const desc: KeyDesc = PCT_KEYS[key as PctKey];
    if (desc.indexed === undefined) return { name: key as PctKey, desc };
  }
  return undefined;
}
