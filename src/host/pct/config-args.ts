// Typed options → `--key value` argv for `pct create` and `pct set`, in the key table's order.
import { UsageError } from '../../errors.js';
import { argValue } from './codec.js';
import { CREATE_PARAMS, PCT_KEYS, SET_PARAMS, type KeyDesc, type PctCreateParams, type PctOptions, type PctSetParams } from './keys.js';

export type PctCreateOptions = PctOptions & PctCreateParams & {
  /** Keys this pxdeploy does not model (a newer PVE): passed as `--key value` after the rest, sorted. */
  extra?: Readonly<Record<string, string>>;
};
export type PctSetOptions = PctOptions & PctSetParams & { extra?: Readonly<Record<string, string>> };

function tableArgs(table: Record<string, KeyDesc>, opts: Record<string, unknown>, out: string[], secrets: string[], forSet: boolean): void {
  for (const [key, desc] of Object.entries(table)) {
    const value = opts[key];
    if (value === undefined) continue;
    // pve-cli.md §3.1: snapshot bookkeeping is never settable, and a CT's privilege level only at create.
    if (desc.apply === 'internal') throw new UsageError(`pct: '${key}' is not settable`);
    if (forSet && desc.apply === 'fixed' && table === PCT_KEYS) throw new UsageError(`pct set: unable to modify read-only option: '${key}'`);
    if (desc.indexed !== undefined) {
      const byIndex = value as Record<number, unknown>;
      for (const text of Object.keys(byIndex).sort((a, b) => Number(a) - Number(b))) {
        const n = Number(text);
        if (!/^(0|[1-9]\d*)$/.test(text) || n > desc.indexed) throw new UsageError(`invalid ${key} index ${text}: must be 0..${desc.indexed}`);
        out.push(`--${key}${n}`, argValue(key, desc, byIndex[n]));
      }
      continue;
    }
    const text = argValue(key, desc, value);
    if (desc.secret) secrets.push(text);
    out.push(`--${key}`, text);
  }
}

/** Config keys, then the command's own parameters, then unmodelled extras; plus the values to mask. */
export function optionArgs(opts: PctCreateOptions | PctSetOptions, params: typeof CREATE_PARAMS | typeof SET_PARAMS): { args: string[]; secrets: string[] } {
  const args: string[] = [];
  const secrets: string[] = [];
  const o = opts as Record<string, unknown>;
  const forSet = params === SET_PARAMS;
  tableArgs(PCT_KEYS, o, args, secrets, forSet);
  tableArgs(params, o, args, secrets, forSet);
  for (const k of Object.keys(opts.extra ?? {}).sort()) args.push(`--${k}`, opts.extra![k]!);
  return { args, secrets };
}

export { CREATE_PARAMS, SET_PARAMS };
