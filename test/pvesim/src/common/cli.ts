// Command dispatch like PVE::CLIHandler: unique-prefix sub-commands, root check, usage texts, error printing, exit codes.
import { PveError, ParamError } from './errors.js';
import { getOptions } from './getopt.js';
import { checkProp, type Errors, type ParamDef } from './schema.js';

export interface CommandContext {
  params: Record<string, string>;
  extraArgs: string[] | undefined;
  /** The short usage line, e.g. `pct set <vmid> [OPTIONS]`. */
  usage: string;
  /** The command's own argv (after the sub-command name), for commands that parse it themselves. */
  rawArgv: string[];
}

export type Handler = (ctx: CommandContext) => number | void | Promise<number | void>;

export interface CommandSpec {
  /** The API class PVE's cmddef names; only used to group the USAGE block the way PVE does. */
  apiClass: string;
  args: string[];
  params: Record<string, ParamDef>;
  load: () => Promise<Handler>;
  /** The handler parses argv itself (pvesh: parameters depend on the API path). */
  rawArgs?: boolean;
  /** Overrides the generated short usage (after the command prefix). */
  usageArgs?: string;
}

export interface ToolSpec {
  name: string;
  commands: Record<string, CommandSpec>;
}

const HELP: CommandSpec = {
  apiClass: 'PVE::CLIHandler',
  args: ['extra-args'],
  params: { verbose: { type: 'boolean', optional: true } },
  load: async () => () => undefined,
};

/** getopt_usage(..., 'short'): `<prefix> <args> [OPTIONS]`. */
export function shortUsage(prefix: string, spec: CommandSpec): string {
  if (spec.usageArgs !== undefined) return `${prefix} ${spec.usageArgs}`;
  const args: string[] = [];
  for (const a of spec.args) {
    if (a === 'extra-args') args.push('[<extra-args>]');
    else args.push(spec.params[a]?.optional ? `[<${a}>]` : `<${a}>`);
  }
  let hasOpts = false;
  for (const [name, def] of Object.entries(spec.params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (spec.args.includes(name)) continue;
    hasOpts = true;
    if (!def.optional) args.push(`--${name} <${def.type}>`);
  }
  return `${prefix} ${args.join(' ')}${hasOpts ? ' [OPTIONS]' : ''}`.replace(/ +$/, '');
}

function usageBlock(tool: ToolSpec, commands: Record<string, CommandSpec>): string {
  const names = Object.keys(commands).sort((a, b) => {
    const ca = commands[a]!.apiClass;
    const cb = commands[b]!.apiClass;
    if (ca !== cb) return ca < cb ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  let out = `USAGE: ${tool.name} <COMMAND> [ARGS] [OPTIONS]\n\n`;
  let prevClass: string | undefined;
  for (const name of names) {
    const spec = commands[name]!;
    if (prevClass && prevClass !== spec.apiClass) out += '\n';
    out += `       ${shortUsage(`${tool.name} ${name}`, spec)}\n`;
    prevClass = spec.apiClass;
  }
  return out;
}

function abort(tool: ToolSpec, commands: Record<string, CommandSpec>, reason: string): never {
  process.stderr.write(`ERROR: ${reason}\n${usageBlock(tool, commands)}`);
  process.exit(255);
}

function resolveCommand(commands: Record<string, CommandSpec>, word: string): string | undefined {
  if (commands[word]) return word;
  const matches = Object.keys(commands).filter((n) => n.startsWith(word));
  return matches.length === 1 ? matches[0] : undefined;
}

export function formatError(err: unknown, usage?: string): string {
  if (err instanceof ParamError) {
    let msg = `400 ${err.message}\n`;
    for (const key of Object.keys(err.errors).sort()) msg += `${key}: ${err.errors[key]}\n`;
    if (usage) msg += `${usage}\n`;
    return msg;
  }
  const text = err instanceof Error ? err.message : String(err);
  return text.endsWith('\n') ? text : `${text}\n`;
}

export function validateParams(params: Record<string, string>, schema: Record<string, ParamDef>): void {
  const errors: Errors = {};
  for (const [name, def] of Object.entries(schema)) checkProp(params[name], def, name, errors);
  if (Object.keys(errors).length) throw new ParamError(errors);
}

export async function runTool(tool: ToolSpec, argv: string[]): Promise<never> {
  const commands: Record<string, CommandSpec> = { ...tool.commands, help: HELP };
  if (!argv.length) abort(tool, commands, 'no command specified');
  const name = resolveCommand(commands, argv[0]!);
  if (process.getuid?.() !== 0) {
    process.stderr.write('please run as root\n');
    process.exit(255);
  }
  if (!name) abort(tool, commands, `unknown command '${tool.name} ${argv[0]}'`);
  if (name === 'help') {
    process.stdout.write(usageBlock(tool, commands));
    process.exit(0);
  }
  const spec = commands[name]!;
  const usage = shortUsage(`${tool.name} ${name}`, spec);
  let code = 0;
  try {
    const rawArgv = argv.slice(1);
    const parsed = spec.rawArgs ? { params: {}, extraArgs: undefined } : getOptions(rawArgv, spec.args, spec.params);
    if (!spec.rawArgs) validateParams(parsed.params, spec.params);
    const handler = await spec.load();
    code = (await handler({ params: parsed.params, extraArgs: parsed.extraArgs, usage, rawArgv })) ?? 0;
  } catch (err) {
    process.stderr.write(formatError(err, usage));
    code = err instanceof PveError ? err.exitCode : 255;
  }
  // A pipe takes 64 KiB at a time and process.exit drops what is still queued: wait until stdout has
  // flushed, or a large answer (`/cluster/resources` of thousands of CTs) reaches the reader cut short.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}
