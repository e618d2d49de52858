// `${VAR}` interpolation of one string: `${VAR:-default}`, `${VAR-default}` and the `$${` escape, as in docker compose.

export interface Interpolation {
  value: string;
  /** Variables referenced without a default and not set in the environment. */
  missing: string[];
  /** Malformed references (`${}`, `${1X}`, an unterminated `${`), as written. */
  invalid: string[];
  /** Names of the variables whose values were substituted. */
  used: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([\s\S]*))?$/;

/**
 * Replace every `${NAME}` in `text` from `env`. `${NAME:-d}` uses `d` when NAME is unset or empty,
 * `${NAME-d}` only when unset; `$${` is a literal `${`. A bare `$NAME` is left alone on purpose:
 * shell-like text (`$HOME`, `$1`) is common in values and must not need escaping.
 */
export function interpolate(text: string, env: NodeJS.ProcessEnv): Interpolation {
  const out: string[] = [];
  const missing: string[] = [];
  const invalid: string[] = [];
  const used: string[] = [];
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf('$', i);
    if (at < 0) break;
    out.push(text.slice(i, at));
    if (text.startsWith('$${', at)) {
      out.push('${');
      i = at + 3;
      continue;
    }
    if (!text.startsWith('${', at)) {
      out.push('$');
      i = at + 1;
      continue;
    }
    const close = text.indexOf('}', at + 2);
    if (close < 0) {
      invalid.push(text.slice(at));
      out.push(text.slice(at));
      i = text.length;
      break;
    }
    const inner = text.slice(at + 2, close);
    const m = REFERENCE.exec(inner);
    if (!m) {
      invalid.push(`\${${inner}}`);
      out.push(text.slice(at, close + 1));
    } else {
      const [, name = '', op, fallback = ''] = m;
      const value = env[name];
      if (op === ':-' && (value === undefined || value === '')) out.push(fallback);
      else if (op === '-' && value === undefined) out.push(fallback);
      else if (value === undefined) {
        if (!missing.includes(name)) missing.push(name);
      } else {
        out.push(value);
        if (!used.includes(name)) used.push(name);
      }
    }
    i = close + 1;
  }
  out.push(text.slice(i));
  return { value: out.join(''), missing, invalid, used };
}

export function isEnvName(name: string): boolean {
  return NAME.test(name);
}
