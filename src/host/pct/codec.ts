// Values of the key table to and from text: scalars, property strings, tags, description, env.
import { UsageError } from '../../errors.js';
import { formatPropertyString, parsePropertyString, parsePveBool, pveBool } from '../property-string.js';
import type { KeyDesc, PropFormat, Scalar } from './keys.js';

type Loose = Record<string, unknown> & { extra?: Record<string, string> };

/** A value that does not read as its type yields undefined; callers keep the raw text instead of failing. */
export function parseScalar(type: Scalar, raw: string): unknown {
  const v = raw.trim();
  switch (type) {
    case 'string':
      return raw;
    case 'int':
      return /^-?\d+$/.test(v) ? Number(v) : undefined;
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : undefined;
    case 'bool':
      return parsePveBool(v);
    case 'list;':
      return v.split(';').filter((s) => s !== '');
    case 'list,':
      return v.split(',').filter((s) => s !== '');
    case 'list ':
      // PVE's split_list also takes `,` and `;`, and its own test configs store `1.1.1.1,9.9.9.9`.
      return v.split(/[\s,;]+/).filter((s) => s !== '');
  }
}

export function formatScalar(type: Scalar, value: unknown): string {
  if (type === 'bool') return pveBool(value as boolean);
  if (type === 'list;') return (value as string[]).join(';');
  if (type === 'list,') return (value as string[]).join(',');
  if (type === 'list ') return (value as string[]).join(' ');
  return String(value);
}

export function parseProp(fmt: PropFormat, text: string): Loose {
  const out: Loose = {};
  const extra: Record<string, string> = {};
  for (const [k, raw] of parsePropertyString(text, fmt.bare)) {
    const type = fmt.fields[k];
    const value = type === undefined ? undefined : parseScalar(type, raw);
    if (value === undefined) extra[k] = raw;
    else out[k] = value;
  }
  if (Object.keys(extra).length > 0) out.extra = extra;
  return out;
}

export function formatProp(fmt: PropFormat, value: Loose): string {
  const pairs: Array<[string, string]> = [];
  for (const [k, type] of Object.entries(fmt.fields)) {
    if (value[k] !== undefined) pairs.push([k, formatScalar(type, value[k])]);
  }
  for (const [k, v] of Object.entries(value.extra ?? {})) {
    if (k in fmt.fields && value[k] !== undefined) throw new UsageError(`property '${k}' is given twice (typed and extra)`);
    pairs.push([k, v]);
  }
  for (const [k, v] of pairs) {
    if (v.includes(',')) throw new UsageError(`${k}: ${JSON.stringify(v)} must not contain ','`);
  }
  return formatPropertyString(pairs, { leading: fmt.leading, bareFirst: fmt.printBare });
}

/**
 * PVE prints the description with control chars, non-ASCII bytes, `%` and `:` as `%XX`
 * (ParseUtils::encode_text). Decoding drops the one trailing newline the file form adds, so a
 * description reads back as it was set.
 */
export function decodeDescription(encoded: string): string {
  const bytes: number[] = [];
  const src = Buffer.from(encoded, 'utf8');
  for (let i = 0; i < src.length; i++) {
    const hex = src[i] === 0x25 && i + 2 < src.length ? String.fromCharCode(src[i + 1]!, src[i + 2]!) : '';
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(src[i]!);
  }
  return Buffer.from(bytes).toString('utf8').replace(/\n$/, '');
}

export function encodeDescription(text: string): string {
  let out = '';
  for (const b of Buffer.from(`${text}\n`, 'utf8')) {
    out += b < 0x20 || b >= 0x7f || b === 0x25 || b === 0x3a ? `%${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b);
  }
  return out;
}

function parseEnv(raw: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of raw.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** A config value as `pct config` prints it → typed; undefined when it does not read as its type. */
export function parseValue(desc: KeyDesc, raw: string): unknown {
  const t = desc.type;
  if (t === 'tags') return raw.split(/[;,\s]+/).filter((s) => s !== '');
  if (t === 'description') return decodeDescription(raw);
  if (t === 'env') return parseEnv(raw);
  return typeof t === 'string' ? parseScalar(t, raw) : parseProp(t, raw);
}

/** Typed → the text `pct config` prints. */
export function printValue(desc: KeyDesc, value: unknown): string {
  const t = desc.type;
  if (t === 'tags') return (value as string[]).join(';');
  if (t === 'description') return encodeDescription(value as string);
  if (t === 'env') return Object.entries(value as Record<string, string>).map(([k, v]) => `${k}=${v}`).join('\0');
  return typeof t === 'string' ? formatScalar(t, value) : formatProp(t, value as Loose);
}

/** Typed → the argv value of `--key` (plain description; env limited to one variable, see below). */
export function argValue(key: string, desc: KeyDesc, value: unknown): string {
  if (desc.type === 'description') return value as string;
  if (desc.type === 'env') {
    const entries = Object.entries(value as Record<string, string>);
    // PVE's env is NUL-separated and argv cannot carry a NUL: a second variable would be silently lost.
    if (entries.length !== 1) throw new UsageError('pct can set exactly one environment variable per --env value (PVE separates them with NUL, which argv cannot carry)');
    const [name, v] = entries[0]!;
    if (!/^\w+$/.test(name)) throw new UsageError(`invalid environment variable name ${JSON.stringify(name)}`);
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(v)) throw new UsageError(`environment variable ${name} contains control characters`);
    return `${name}=${v}`;
  }
  if (Array.isArray(value) && value.length === 0) throw new UsageError(`${key}: empty list (leave the option out instead)`);
  return printValue(desc, value);
}
