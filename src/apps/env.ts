// The app's environment: package defaults, `--set` values, generated secrets; unknown or missing required keys refused up front.
import { randomBytes } from 'node:crypto';
import type { OciApp } from '../catalog/schema.js';
import { ConfigError, type ConfigProblem } from '../errors.js';

export interface AppEnv {
  /** What pxdeploy sets (package defaults, --set, generated secrets). */
  values: Record<string, string>;
  secretKeys: string[];
  generated: string[];
}

/** `KEY=VALUE` → [KEY, VALUE]; the value may contain `=`. */
export function parseSet(text: string): [string, string] | undefined {
  const eq = text.indexOf('=');
  if (eq <= 0) return undefined;
  return [text.slice(0, eq), text.slice(eq + 1)];
}

export interface EnvInput {
  sets: readonly string[];
  /** `--allow-env KEY`: a variable the package does not declare, set anyway. */
  allowed: readonly string[];
  /** Values kept from an earlier install (update/reinstall): they win over defaults and generation. */
  kept?: Readonly<Record<string, string>>;
}

export function resolveAppEnv(pkgName: string, oci: OciApp, input: EnvInput, gen: (bytes: number) => Buffer = randomBytes): AppEnv {
  const problems: ConfigProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ file: `package ${pkgName}`, path, message });
  const given: Record<string, string> = {};
  for (const s of input.sets) {
    const kv = parseSet(s);
    if (!kv || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(kv[0])) {
      problem('--set', `${JSON.stringify(s)} is not KEY=VALUE with a variable name as KEY`);
      continue;
    }
    const [k, v] = kv;
    if (!(k in oci.env) && !input.allowed.includes(k)) problem(`--set ${k}`, `${k} is not a variable of package ${pkgName} (known: ${Object.keys(oci.env).join(', ') || 'none'}); pass --allow-env ${k} to set it anyway`);
    // pve-container refuses control characters in OCI config values, and a NUL would split PVE's env list.
    else if (/[\x00-\x08\x0a-\x1f\x7f]/.test(v)) problem(`--set ${k}`, 'the value contains control characters, which PVE refuses in a CT environment');
    else given[k] = v;
  }
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  const generated: string[] = [];
  for (const [k, d] of Object.entries(oci.env)) {
    if (d.secret) secretKeys.push(k);
    const v = given[k] ?? input.kept?.[k] ?? d.default;
    if (v !== undefined) values[k] = v;
    else if (d.generate) {
      values[k] = gen(d.generate.bytes).toString(d.generate.encoding);
      generated.push(k);
    } else if (d.required) problem(`oci.env.${k}`, `${k} is required${d.description ? ` (${d.description})` : ''}: pass --set ${k}=…`);
  }
  for (const k of input.allowed) if (given[k] !== undefined) values[k] = given[k]!;
  if (problems.length > 0) throw new ConfigError(problems, 'nothing was changed on the host');
  return { values, secretKeys, generated };
}
