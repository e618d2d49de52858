// Typed options → `--key value` argv for `pct create` and `pct set`, in the key table's order.
import { UsageError } from '../../errors.js';
import { argValue } from './codec.js';
import { CREATE_PARAMS, PCT_KEYS, SET_PARAMS, type KeyDesc, type PctCreateParams, type PctOptions, type PctSetParams } from './keys.js';

export type PctCreateOptions = PctOptions & PctCreateParams & {
  /** Keys this pxdeploy does not model (a newer PVE): passed as `--key value` after the rest, sorted. */
  extra?: Readonly<Record<string, string>>;
};
export type PctSetOptions = PctOptions & PctSetParams & { extra?: Readonly<Record<string, string>> };

function tableArgs(table: Record<string, KeyDesc>, opts: Record<string, unknown>, out: string[], secrets: string[]): void {
  for (const [key, desc] of Object.entries(table)) {
    const value = opts[key];
    if (value === undefined) continue;
    if (desc.indexed !== undefined) {
      const byIndex = value as Record<number, unknown>;
      for (const n of Object.keys(byIndex).map(Number).sort((a, b) => a - b)) {
        if (!Number.isInteger(n) || n < 0 || n > desc.indexed) throw new UsageError(`invalid ${key} index ${n}: must be 0..${desc.indexed}`);
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
  tableArgs(PCT_KEYS, o, args, secrets);
  tableArgs(params, o, args, secrets);
  for (const k of Object.keys(opts.extra ?? {}).sort()) args.push(`--${k}`, opts.extra![k]!);
  return { args, secrets };
}

export { CREATE_PARAMS, SET_PARAMS };
