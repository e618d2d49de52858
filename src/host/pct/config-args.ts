// Typed container config options → `--key value` argv for `pct create` and `pct set`, in one fixed order.
import { UsageError } from '../../errors.js';
import { pveBool } from '../property-string.js';
import { formatDev, formatFeatures, formatMount, formatNet, type DevSpec, type FeaturesSpec, type MountSpec, type NetSpec } from './properties.js';

/** Config keys shared by create and set (pve-cli.md §3). Property-string keys take a typed object or a ready string. */
export interface PctConfigOptions {
  hostname?: string;
  ostype?: string;
  arch?: string;
  cores?: number;
  cpulimit?: number;
  cpuunits?: number;
  /** MiB. */
  memory?: number;
  /** MiB. */
  swap?: number;
  rootfs?: MountSpec | string;
  /** mpN by index N. */
  mp?: Readonly<Record<number, MountSpec | string>>;
  /** netN by index N. */
  net?: Readonly<Record<number, NetSpec | string>>;
  /** devN by index N. */
  dev?: Readonly<Record<number, DevSpec | string>>;
  features?: FeaturesSpec | string;
  unprivileged?: boolean;
  onboot?: boolean;
  startup?: string;
  protection?: boolean;
  tags?: readonly string[];
  nameserver?: readonly string[];
  searchdomain?: readonly string[];
  timezone?: string;
  tty?: number;
  console?: boolean;
  cmode?: 'shell' | 'console' | 'tty';
  hookscript?: string;
  debug?: boolean;
  entrypoint?: string;
  /**
   * At most ONE variable: PVE's `env` is NUL-separated and argv cannot carry NUL, so a second
   * variable would need another call; refusing is better than silently dropping one.
   */
  env?: Readonly<Record<string, string>>;
  description?: string;
  /** Keys this type does not model yet, passed as `--key value` after everything else (sorted). */
  extra?: Readonly<Record<string, string | number | boolean>>;
}

export interface PctCreateOptions extends PctConfigOptions {
  /** Default storage for `rootfs` when it is a bare size (PVE default `local`). */
  storage?: string;
  /** Root password; marked secret so it is never displayed or logged. */
  password?: string;
  /** Path of a file on the host with public keys (pct reads the file). */
  sshPublicKeys?: string;
  pool?: string;
  start?: boolean;
  force?: boolean;
  unique?: boolean;
  ignoreUnpackErrors?: boolean;
  bwlimit?: number;
  haManaged?: boolean;
}

export interface PctSetOptions extends PctConfigOptions {
  /** Keys to remove (`--delete a,b`). */
  delete?: readonly string[];
  /** Pending changes to drop. */
  revert?: readonly string[];
  /** SHA-1 of the config as read; PVE refuses the change if it moved meanwhile. */
  digest?: string;
  lock?: string;
}

type Value = string | number | boolean | undefined;

function flag(out: string[], key: string, value: Value): void {
  if (value === undefined) return;
  out.push(`--${key}`, typeof value === 'boolean' ? pveBool(value) : String(value));
}

function indexed<T>(out: string[], prefix: string, max: number, map: Readonly<Record<number, T | string>> | undefined, format: (t: T) => string): void {
  if (!map) return;
  const keys = Object.keys(map)
    .map(Number)
    .sort((a, b) => a - b);
  for (const n of keys) {
    if (!Number.isInteger(n) || n < 0 || n > max) throw new UsageError(`invalid ${prefix} index ${n}: must be 0..${max}`);
    const v = map[n]!;
    flag(out, `${prefix}${n}`, typeof v === 'string' ? v : format(v));
  }
}

function envArg(env: Readonly<Record<string, string>> | undefined): string | undefined {
  if (!env) return undefined;
  const entries = Object.entries(env);
  if (entries.length === 0) return undefined;
  if (entries.length > 1) {
    throw new UsageError('pct can set only one environment variable per --env value (PVE separates them with NUL, which argv cannot carry)');
  }
  const [name, value] = entries[0]!;
  if (!/^\w+$/.test(name)) throw new UsageError(`invalid environment variable name ${JSON.stringify(name)}`);
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) throw new UsageError(`environment variable ${name} contains control characters`);
  return `${name}=${value}`;
}

/** The shared config keys as argv, in the order pxdeploy always emits them (so tests and dry-run output are stable). */
export function configArgs(o: PctConfigOptions): string[] {
  const out: string[] = [];
  flag(out, 'hostname', o.hostname);
  flag(out, 'ostype', o.ostype);
  flag(out, 'arch', o.arch);
  flag(out, 'cores', o.cores);
  flag(out, 'cpulimit', o.cpulimit);
  flag(out, 'cpuunits', o.cpuunits);
  flag(out, 'memory', o.memory);
  flag(out, 'swap', o.swap);
  flag(out, 'rootfs', typeof o.rootfs === 'object' ? formatMount(o.rootfs) : o.rootfs);
  indexed(out, 'mp', 255, o.mp, formatMount);
  indexed(out, 'net', 31, o.net, formatNet);
  indexed(out, 'dev', 255, o.dev, formatDev);
  flag(out, 'features', typeof o.features === 'object' ? formatFeatures(o.features) : o.features);
  flag(out, 'unprivileged', o.unprivileged);
  flag(out, 'onboot', o.onboot);
  flag(out, 'startup', o.startup);
  flag(out, 'protection', o.protection);
  flag(out, 'tags', o.tags && o.tags.length > 0 ? o.tags.join(';') : undefined);
  flag(out, 'nameserver', o.nameserver && o.nameserver.length > 0 ? o.nameserver.join(' ') : undefined);
  flag(out, 'searchdomain', o.searchdomain && o.searchdomain.length > 0 ? o.searchdomain.join(' ') : undefined);
  flag(out, 'timezone', o.timezone);
  flag(out, 'tty', o.tty);
  flag(out, 'console', o.console);
  flag(out, 'cmode', o.cmode);
  flag(out, 'hookscript', o.hookscript);
  flag(out, 'debug', o.debug);
  flag(out, 'entrypoint', o.entrypoint);
  flag(out, 'env', envArg(o.env));
  flag(out, 'description', o.description);
  for (const k of Object.keys(o.extra ?? {}).sort()) flag(out, k, o.extra![k]);
  return out;
}

/** Options only `pct create` takes, after the config keys. */
export function createOnlyArgs(o: PctCreateOptions): string[] {
  const out: string[] = [];
  flag(out, 'storage', o.storage);
  flag(out, 'password', o.password);
  flag(out, 'ssh-public-keys', o.sshPublicKeys);
  flag(out, 'pool', o.pool);
  flag(out, 'unique', o.unique);
  flag(out, 'ignore-unpack-errors', o.ignoreUnpackErrors);
  flag(out, 'bwlimit', o.bwlimit);
  flag(out, 'ha-managed', o.haManaged);
  flag(out, 'force', o.force);
  flag(out, 'start', o.start);
  return out;
}

/** Options only `pct set` takes, after the config keys. */
export function setOnlyArgs(o: PctSetOptions): string[] {
  const out: string[] = [];
  flag(out, 'lock', o.lock);
  flag(out, 'delete', o.delete && o.delete.length > 0 ? o.delete.join(',') : undefined);
  flag(out, 'revert', o.revert && o.revert.length > 0 ? o.revert.join(',') : undefined);
  flag(out, 'digest', o.digest);
  return out;
}
