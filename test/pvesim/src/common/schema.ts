// JSONSchema-style parameter checks with PVE's exact reason strings (type, format, pattern, length, range, enum).

export type ParamType = 'string' | 'integer' | 'number' | 'boolean';

/** A format is either a verifier (throws an Error whose message is the reason) or a property-string description. */
export type Format = ((value: string) => void) | PropFormat;

export interface ParamDef {
  type: ParamType;
  optional?: boolean;
  minimum?: number;
  maximum?: number;
  enum?: readonly string[];
  pattern?: RegExp;
  maxLength?: number;
  minLength?: number;
  format?: Format;
  /** The format name ends in `-list`: the option may repeat and values are joined with ','. */
  list?: boolean;
  /** Property-string only: the key that may be given without `key=`. */
  defaultKey?: boolean;
  /** Property-string only: this key is another name of `alias`. */
  alias?: string;
}

export type PropFormat = { [key: string]: ParamDef };
export type Errors = Record<string, string>;

const INTEGER_RE = /^[+-]?\d+$/;
const NUMBER_RE = /^[+-]?(?=\.?\d)\d*(\.\d+)?([eE][+-]?\d+)?$/;

export function isNumber(value: string): boolean {
  return NUMBER_RE.test(value);
}

function addError(errors: Errors, path: string, msg: string): void {
  const key = path || '_root';
  errors[key] = errors[key] ? `${errors[key]}\n${msg}` : msg;
}

/** Perl's check_type for scalars; booleans must already be normalised to 0/1. */
function checkType(path: string, type: ParamType, value: string, errors: Errors): boolean {
  const ok =
    type === 'string' ||
    (type === 'integer' && INTEGER_RE.test(value)) ||
    (type === 'number' && isNumber(value)) ||
    (type === 'boolean' && (value === '0' || value === '1'));
  if (!ok) addError(errors, path, `type check ('${type}') failed - got '${value}'`);
  return ok;
}

/** check_prop for one scalar value: stops at the first failing check, as PVE does. */
export function checkProp(value: string | undefined, def: ParamDef, path: string, errors: Errors): void {
  if (value === undefined) {
    if (!def.optional && !def.alias) addError(errors, path, 'property is missing and it is not optional');
    return;
  }
  if (!checkType(path, def.type, value, errors)) return;
  if (def.format) {
    if (typeof def.format === 'function') {
      try {
        def.format(value);
      } catch (err) {
        addError(errors, path, `invalid format - ${(err as Error).message}`);
        return;
      }
    } else {
      try {
        parsePropertyString(def.format, value, path);
      } catch (err) {
        if (err instanceof PropStringError) {
          addError(errors, path, `invalid format - ${err.message}`);
          Object.assign(errors, err.errors);
        } else {
          addError(errors, path, `invalid format - ${(err as Error).message}`);
        }
        return;
      }
    }
  }
  if (def.pattern && !new RegExp(`^(?:${def.pattern.source})$`, def.pattern.flags).test(value)) {
    addError(errors, path, 'value does not match the regex pattern');
    return;
  }
  if (def.maxLength !== undefined && value.length > def.maxLength) {
    addError(errors, path, `value may only be ${def.maxLength} characters long`);
    return;
  }
  if (def.minLength !== undefined && value.length < def.minLength) {
    addError(errors, path, `value must be at least ${def.minLength} characters long`);
    return;
  }
  if (isNumber(value)) {
    const n = Number(value);
    if (def.maximum !== undefined && n > def.maximum) {
      addError(errors, path, `value must have a maximum value of ${def.maximum}`);
      return;
    }
    if (def.minimum !== undefined && n < def.minimum) {
      addError(errors, path, `value must have a minimum value of ${def.minimum}`);
      return;
    }
  }
  if (def.enum && !def.enum.includes(value)) {
    addError(errors, path, `value '${value}' does not have a value in the enumeration '${def.enum.join(', ')}'`);
  }
}

/** Perl's parse_boolean: 1|true|yes|on → 1, 0|false|no|off → 0, else undefined. */
export function parseBoolean(value: string): 0 | 1 | undefined {
  if (/^(1|true|yes|on)$/i.test(value)) return 1;
  if (/^(0|false|no|off)$/i.test(value)) return 0;
  return undefined;
}

export class PropStringError extends Error {
  constructor(
    message: string,
    readonly errors: Errors = {},
  ) {
    super(message);
  }
}

/** parse_property_string: `k=v,k2=v2` (plus an optional bare default-key value), checked against `desc`. */
export function parsePropertyString(desc: PropFormat, data: string, path = ''): Record<string, string> {
  const res: Record<string, string> = {};
  let defaultKey: string | undefined;
  for (const part of data.split(',')) {
    if (/^\s*$/.test(part)) continue;
    const kv = /^([^=]+)=(.+)$/.exec(part);
    if (kv) {
      let key = kv[1]!;
      let value = kv[2]!;
      if (res[key] !== undefined) throw new PropStringError(`duplicate key in comma-separated list property: ${key}`);
      const schema = desc[key];
      if (schema?.alias) key = schema.alias;
      const target = desc[key];
      if (!target) throw new PropStringError(`invalid key in comma-separated list property: ${key}`);
      if (target.type === 'boolean') value = String(parseBoolean(value) ?? value);
      res[key] = value;
    } else if (!part.includes('=')) {
      if (defaultKey) throw new PropStringError(`duplicate key in comma-separated list property: ${defaultKey}`);
      defaultKey = Object.keys(desc).find((k) => desc[k]!.defaultKey);
      if (!defaultKey) throw new PropStringError('value without key, but schema does not define a default key');
      if (res[defaultKey] !== undefined) throw new PropStringError(`duplicate key in comma-separated list property: ${defaultKey}`);
      res[defaultKey] = part;
    } else {
      throw new PropStringError('missing key in comma-separated list property');
    }
  }
  const errors: Errors = {};
  for (const [key, def] of Object.entries(desc)) {
    checkProp(res[key], def, path ? `${path}.${key}` : key, errors);
  }
  if (Object.keys(errors).length) throw new PropStringError('format error', errors);
  return res;
}

/** print_property_string: default key bare first, then required keys, then the rest alphabetically. */
export function printPropertyString(data: Record<string, string | undefined>, desc: PropFormat, skip: string[] = []): string {
  const parts: string[] = [];
  const defaultKey = Object.keys(desc).find((k) => desc[k]!.defaultKey);
  if (defaultKey && data[defaultKey] !== undefined && !skip.includes(defaultKey)) {
    const v = data[defaultKey]!;
    parts.push(v.includes('=') ? `${defaultKey}=${v}` : v);
  }
  const required = (k: string): number => (desc[k] && !desc[k]!.optional ? 1 : 0);
  const keys = Object.keys(data)
    .filter((k) => k !== defaultKey && data[k] !== undefined && !skip.includes(k))
    .sort((a, b) => required(b) - required(a) || (a < b ? -1 : a > b ? 1 : 0));
  for (const k of keys) parts.push(`${k}=${data[k]}`);
  return parts.join(',');
}
