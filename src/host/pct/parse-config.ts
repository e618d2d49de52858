// `pct config` output ⇄ typed config through the key table; unknown keys and odd values are kept, never fatal.
import { isDeepStrictEqual } from 'node:util';
import { parseValue, printValue } from './codec.js';
import { lookupKey, type PCT_KEYS, type PctKey, type PctOptions } from './keys.js';

export interface LxcEntry {
  /** Full key including the `lxc.` prefix, e.g. `lxc.init.cmd`. */
  key: string;
  value: string;
}

/** `mp`, `net`, `dev`, `unused`: the table's indexed keys. */
type Indexed = { [K in PctKey]: (typeof PCT_KEYS)[K] extends { indexed: number } ? K : never }[PctKey];

/** Parsed `pct config`: typed keys (indexed ones always present, possibly empty) plus what the table does not know. */
export interface PctConfig extends Omit<PctOptions, Indexed>, Required<Pick<PctOptions, Indexed>> {
  /** Raw `lxc.*` entries in output order (including `lxc.environment.runtime`). */
  lxc: LxcEntry[];
  /** The environment the CT gets: the `env` key merged with `lxc.environment.runtime` lines (later wins). */
  environment: Record<string, string>;
  /** Keys a newer PVE added (or values that did not read as their type), as printed. */
  unknown: Record<string, string>;
  /** Non-blank lines that are not `key: value` at all. */
  unparsed: string[];
  /** Each known key's text as printed, so a value nobody changed prints back exactly as PVE stored it. */
  raw: Record<string, string>;
}

const LXC_LINE = /^(lxc\.[a-z0-9_.-]+)(?::|\s*=)\s*(.*?)\s*$/i;
const KEY_LINE = /^([a-z][a-z0-9_-]*): ?(.*)$/i;

export function parsePctConfig(stdout: string): PctConfig {
  const cfg: PctConfig = { mp: {}, net: {}, dev: {}, unused: {}, lxc: [], environment: {}, unknown: {}, unparsed: [], raw: {} };
  const typed = cfg as unknown as Record<string, unknown>;
  for (const rawLine of stdout.split('\n')) {
    const line = rawLine.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const lx = LXC_LINE.exec(line);
    if (lx) {
      cfg.lxc.push({ key: lx[1]!, value: lx[2]! });
      continue;
    }
    const kv = KEY_LINE.exec(line);
    if (!kv) {
      cfg.unparsed.push(line);
      continue;
    }
    const [, key, text] = kv as unknown as [string, string, string];
    const known = lookupKey(key);
    const value = known ? parseValue(known.desc, text) : undefined;
    if (!known || value === undefined) {
      cfg.unknown[key] = text;
      continue;
    }
    cfg.raw[key] = text;
    if (known.index === undefined) typed[known.name] = value;
    else ((typed[known.name] ??= {}) as Record<number, unknown>)[known.index] = value;
  }
  Object.assign(cfg.environment, cfg.env ?? {});
  for (const e of cfg.lxc.filter((l) => l.key === 'lxc.environment.runtime')) {
    const eq = e.value.indexOf('=');
    if (eq > 0) cfg.environment[e.value.slice(0, eq)] = e.value.slice(eq + 1);
  }
  return cfg;
}

/** Perl's string sort, which `pct config` uses (so `mp10` comes before `mp2`). */
const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The lines `pct config` prints for `cfg`: keys sorted, then raw `lxc.*` entries in order. A value
 * whose typed form still equals what was parsed prints as it was stored (PVE prints stored strings
 * unchanged); a changed or new value prints in PVE's canonical form.
 */
export function formatPctConfig(cfg: PctConfig): string[] {
  const typed = cfg as unknown as Record<string, unknown>;
  // A key that now has a typed value (an unreadable one was replaced) prints once, from the typed value.
  const entries: Array<[string, string]> = Object.entries(cfg.unknown).filter(([k]) => {
    const known = lookupKey(k);
    if (!known) return true;
    const v = typed[known.name];
    return known.index === undefined ? v === undefined : (v as Record<number, unknown> | undefined)?.[known.index] === undefined;
  });
  const print = (key: string, value: unknown) => {
    const known = lookupKey(key)!;
    const raw = cfg.raw[key];
    entries.push([key, raw !== undefined && isDeepStrictEqual(parseValue(known.desc, raw), value) ? raw : printValue(known.desc, value)]);
  };
  for (const [name, value] of Object.entries(typed)) {
    if (value === undefined || !lookupKey(name) && !/^[a-z]+$/.test(name)) continue;
    const desc = lookupKey(name)?.desc ?? lookupKey(`${name}0`)?.desc;
    if (!desc) continue;
    if (desc.indexed !== undefined) for (const [n, v] of Object.entries(value as Record<string, unknown>)) print(`${name}${n}`, v);
    else print(name, value);
  }
  return [...entries.sort(([a], [b]) => byString(a, b)).map(([k, v]) => `${k}: ${v}`), ...cfg.lxc.map((l) => `${l.key}: ${l.value}`)];
}
