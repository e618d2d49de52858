// `pct config` output → typed config; unknown keys and odd values are kept, never fatal.
import { parsePveBool } from '../property-string.js';
import { parseDev, parseFeatures, parseMount, parseNet, type DevSpec, type FeaturesSpec, type MountSpec, type NetSpec } from './properties.js';

export interface LxcEntry {
  /** Full key including the `lxc.` prefix, e.g. `lxc.init.cmd`. */
  key: string;
  value: string;
}

export interface PctConfig {
  /** Every non-`lxc.*` `key: value` line as printed (description decoded), in output order; unknown keys included. */
  values: Record<string, string>;
  /** Raw `lxc.*` entries in file order (including `lxc.environment.runtime`). */
  lxc: LxcEntry[];
  /** From `env:` (NUL-separated) and `lxc.environment.runtime:` lines; later lines win. */
  env: Record<string, string>;
  description?: string;
  hostname?: string;
  ostype?: string;
  arch?: string;
  cores?: number;
  cpulimit?: number;
  cpuunits?: number;
  memory?: number;
  swap?: number;
  onboot?: boolean;
  unprivileged?: boolean;
  protection?: boolean;
  template?: boolean;
  console?: boolean;
  tty?: number;
  cmode?: string;
  entrypoint?: string;
  startup?: string;
  hookscript?: string;
  timezone?: string;
  lock?: string;
  /** Snapshot the current state derives from (or, with --snapshot, that snapshot's parent). */
  parent?: string;
  /** Only with --snapshot: epoch seconds. */
  snaptime?: number;
  tags: string[];
  nameserver: string[];
  searchdomain: string[];
  rootfs?: MountSpec;
  mp: Record<number, MountSpec>;
  net: Record<number, NetSpec>;
  dev: Record<number, DevSpec>;
  unused: Record<number, string>;
  features?: FeaturesSpec;
  /** Keys pxdeploy does not model (a newer PVE, or a typo in the file); their values are in `values`. */
  unknownKeys: string[];
  /** Non-blank lines that are not `key: value` at all. */
  unparsed: string[];
}

const KNOWN = new Set([
  'arch', 'cmode', 'console', 'cores', 'cpulimit', 'cpuunits', 'debug', 'description', 'entrypoint', 'env', 'features',
  'hookscript', 'hostname', 'lock', 'memory', 'nameserver', 'onboot', 'ostype', 'parent', 'protection', 'rootfs',
  'searchdomain', 'snaptime', 'snapstate', 'startup', 'swap', 'tags', 'template', 'timezone', 'tty', 'unprivileged', 'vmstate',
]);

/**
 * PVE prints the description with control chars, non-ASCII bytes, `%` and `:` as `%XX` (encode_text).
 * Decode bytes, then UTF-8. The one trailing newline the file form always adds is dropped so that a
 * description reads back as it was set.
 */
export function decodeDescription(encoded: string): string {
  const bytes: number[] = [];
  const src = Buffer.from(encoded, 'utf8');
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    if (b === 0x25 && i + 2 < src.length) {
      const hex = String.fromCharCode(src[i + 1]!, src[i + 2]!);
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
        continue;
      }
    }
    bytes.push(b);
  }
  return Buffer.from(bytes).toString('utf8').replace(/\n$/, '');
}

function int(v: string | undefined): number | undefined {
  return v !== undefined && /^-?\d+$/.test(v.trim()) ? Number(v) : undefined;
}

function num(v: string | undefined): number | undefined {
  return v !== undefined && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : undefined;
}

function bool(v: string | undefined): boolean | undefined {
  return v === undefined ? undefined : parsePveBool(v.trim());
}

function list(v: string | undefined, sep: RegExp): string[] {
  return v === undefined ? [] : v.split(sep).filter((s) => s !== '');
}

function addEnv(env: Record<string, string>, entry: string): void {
  const eq = entry.indexOf('=');
  if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
}

export function parsePctConfig(stdout: string): PctConfig {
  const values: Record<string, string> = {};
  const lxc: LxcEntry[] = [];
  const env: Record<string, string> = {};
  const unparsed: string[] = [];
  for (const rawLine of stdout.split('\n')) {
    const line = rawLine.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const lx = /^(lxc\.[^:=\s]+)\s*[:=]\s?(.*)$/.exec(line);
    if (lx) {
      const entry = { key: lx[1]!, value: lx[2]!.trimEnd() };
      lxc.push(entry);
      if (entry.key === 'lxc.environment.runtime') addEnv(env, entry.value);
      continue;
    }
    const kv = /^([A-Za-z][\w-]*): ?(.*)$/.exec(line);
    if (!kv) {
      unparsed.push(line);
      continue;
    }
    const key = kv[1]!;
    const value = key === 'description' ? decodeDescription(kv[2]!) : kv[2]!.trimEnd();
    values[key] = value;
  }
  if (values.env !== undefined) for (const e of values.env.split('\0')) addEnv(env, e);

  const mp: Record<number, MountSpec> = {};
  const net: Record<number, NetSpec> = {};
  const dev: Record<number, DevSpec> = {};
  const unused: Record<number, string> = {};
  const unknownKeys: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const m = /^(mp|net|dev|unused)(\d+)$/.exec(key);
    if (m) {
      const n = Number(m[2]);
      if (m[1] === 'mp') mp[n] = parseMount(value);
      else if (m[1] === 'net') net[n] = parseNet(value);
      else if (m[1] === 'dev') dev[n] = parseDev(value);
      else unused[n] = value;
    } else if (!KNOWN.has(key)) {
      unknownKeys.push(key);
    }
  }

  const v = values;
  const cfg: PctConfig = {
    values,
    lxc,
    env,
    tags: list(v.tags, /[;,\s]+/),
    nameserver: list(v.nameserver, /\s+/),
    searchdomain: list(v.searchdomain, /\s+/),
    mp,
    net,
    dev,
    unused,
    unknownKeys,
    unparsed,
  };
  const optional: Partial<PctConfig> = {
    description: v.description,
    hostname: v.hostname,
    ostype: v.ostype,
    arch: v.arch,
    cores: int(v.cores),
    cpulimit: num(v.cpulimit),
    cpuunits: int(v.cpuunits),
    memory: int(v.memory),
    swap: int(v.swap),
    onboot: bool(v.onboot),
    unprivileged: bool(v.unprivileged),
    protection: bool(v.protection),
    template: bool(v.template),
    console: bool(v.console),
    tty: int(v.tty),
    cmode: v.cmode,
    entrypoint: v.entrypoint,
    startup: v.startup,
    hookscript: v.hookscript,
    timezone: v.timezone,
    lock: v.lock,
    parent: v.parent,
    snaptime: int(v.snaptime),
    rootfs: v.rootfs !== undefined ? parseMount(v.rootfs) : undefined,
    features: v.features !== undefined ? parseFeatures(v.features) : undefined,
  };
  for (const [k, val] of Object.entries(optional)) if (val !== undefined) (cfg as unknown as Record<string, unknown>)[k] = val;
  return cfg;
}
