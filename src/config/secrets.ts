// Which spec values are secret, so logs, errors and --dry-run output can redact them.
import type { SpecPath } from './problems/path.js';

/**
 * Key names whose values are secret wherever they appear (spec fields and script environment
 * variables alike): tailscale `auth_key`, and anything named like a password, token, secret or key.
 */
const SECRET_KEY = /password|passwd|passphrase|token|secret|auth_?key|api_?key|private_?key|credential/i;

/** Spec fields that are secret by definition (dotted, `*` for any list index or map key). */
export const SECRET_FIELDS: readonly string[] = [
  'provisioning.tailscale.auth_key',
  'provisioning.scripts.*.environment.<name matching password|token|secret|…>',
  '<any key named like password, passwd, passphrase, token, secret, auth_key, api_key, private_key, credential>',
];

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** True when the value at `path` must never be echoed (the last named segment is a secret key). */
export function isSecretPath(path: SpecPath): boolean {
  for (let i = path.length - 1; i >= 0; i--) {
    const seg = path[i];
    if (typeof seg === 'string') return isSecretKey(seg);
  }
  return false;
}

/** Values taken from environment variables named like secrets, kept off the enumerable spec. */
const fromSecretEnv = Symbol('pxdeploy.secretEnvValues');

/** Remember values interpolated from secret-looking variables (`${DB_TOKEN}` in a description, say). */
export function attachEnvSecrets<T extends object>(spec: T, values: readonly string[]): T {
  Object.defineProperty(spec, fromSecretEnv, { value: [...values], enumerable: false });
  return spec;
}

/**
 * Every secret string in a validated spec, longest first (so redacting a value never leaves the
 * tail of a longer one that contains it). Empty strings are left out: they would redact everything.
 */
export function secretValues(spec: object): string[] {
  const found = new Set<string>();
  const walk = (value: unknown, secret: boolean): void => {
    if (typeof value === 'string') {
      if (secret && value !== '') found.add(value);
    } else if (Array.isArray(value)) {
      for (const item of value) walk(item, secret);
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, secret || isSecretKey(k));
    }
  };
  walk(spec, false);
  const extra = (spec as { [fromSecretEnv]?: string[] })[fromSecretEnv] ?? [];
  for (const v of extra) if (v !== '') found.add(v);
  return [...found].sort((a, b) => b.length - a.length);
}
