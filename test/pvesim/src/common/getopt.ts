// PVE's get_options: Getopt::Long (prefix -- or -, permute, unique abbreviations, `--` ends options) plus argument mapping.
import { ParamError } from './errors.js';
import { parseBoolean, type ParamDef } from './schema.js';

/** A 400 raised while parsing argv (no per-parameter errors, just a message and the usage line). */
export class ArgvError extends ParamError {
  constructor(message: string) {
    super({}, message);
  }
}

export interface ParsedArgv {
  params: Record<string, string>;
  extraArgs?: string[];
}

interface OptionSpec {
  name: string;
  kind: 'bool' | 'string' | 'list';
}

function resolveOption(name: string, specs: OptionSpec[]): OptionSpec | 'ambiguous' | undefined {
  const lower = name.toLowerCase();
  const exact = specs.find((s) => s.name.toLowerCase() === lower);
  if (exact) return exact;
  const matches = specs.filter((s) => s.name.toLowerCase().startsWith(lower));
  if (matches.length === 1) return matches[0];
  return matches.length > 1 ? 'ambiguous' : undefined;
}

/**
 * Parse argv for one command. `argNames` are the positional parameters in order (`extra-args` takes the rest);
 * `params` the option schema. Warnings Getopt::Long prints (`Unknown option: x`) go to stderr.
 */
export function getOptions(argv: string[], argNames: string[], schema: Record<string, ParamDef>): ParsedArgv {
  const specs: OptionSpec[] = Object.entries(schema)
    .filter(([name]) => !argNames.includes(name))
    .map(([name, def]) => ({ name, kind: def.type === 'boolean' ? 'bool' : def.list ? 'list' : 'string' }));
  const opts: Record<string, string | string[]> = {};
  const rest: string[] = [];
  let failed = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      rest.push(...argv.slice(i + 1));
      break;
    }
    const m = /^--?([^=]+)(?:=(.*))?$/s.exec(arg);
    if (!m || arg === '-') {
      rest.push(arg);
      continue;
    }
    const name = m[1]!;
    const spec = resolveOption(name, specs);
    if (spec === 'ambiguous') {
      const cands = specs.filter((s) => s.name.toLowerCase().startsWith(name.toLowerCase())).map((s) => s.name);
      process.stderr.write(`Option ${name} is ambiguous (${cands.join(', ')})\n`);
      failed = true;
      continue;
    }
    if (!spec) {
      process.stderr.write(`Unknown option: ${name.toLowerCase()}\n`);
      failed = true;
      continue;
    }
    let value = m[2];
    if (spec.kind === 'bool') {
      if (value === undefined) {
        const next = argv[i + 1];
        if (next !== undefined && !next.startsWith('-')) {
          value = next;
          i++;
        } else value = '';
      }
      opts[spec.name] = value;
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) {
        process.stderr.write(`Option ${spec.name} requires an argument\n`);
        failed = true;
        continue;
      }
      value = argv[++i]!;
    }
    if (spec.kind === 'list') {
      const prev = opts[spec.name];
      opts[spec.name] = Array.isArray(prev) ? [...prev, value] : [value];
    } else {
      opts[spec.name] = value;
    }
  }
  if (failed) throw new ArgvError('unable to parse option');

  const params: Record<string, string> = {};
  let extraArgs: string[] | undefined;
  for (const argName of argNames) {
    if (argName === 'extra-args') {
      extraArgs = rest.splice(0);
      continue;
    }
    if (!rest.length) throw new ArgvError('not enough arguments');
    params[argName] = rest.shift()!;
  }
  if (rest.length) throw new ArgvError('too many arguments');

  for (const [name, value] of Object.entries(opts)) {
    const spec = specs.find((s) => s.name === name)!;
    if (spec.kind === 'bool') {
      const v = value as string;
      if (v === '') params[name] = '1';
      else {
        const b = parseBoolean(v);
        if (b === undefined) throw new ArgvError('unable to parse boolean option');
        params[name] = String(b);
      }
    } else if (Array.isArray(value)) {
      params[name] = value.join(',');
    } else {
      params[name] = value;
    }
  }
  return extraArgs ? { params, extraArgs } : { params };
}
