// Runs the commander program and turns whatever happened into an exit code and one rendered error.
import { CommanderError } from 'commander';
import { ExitCode, PxError, UsageError } from '../errors.js';
import { buildProgram } from './program.js';
import { createIo, type CliIo } from './io.js';
import { renderError } from './render-error.js';

export interface CliOptions {
  version: string;
  io?: CliIo;
}

/** Commander's own usage errors become one line plus a hint, exit 2. */
function fromCommander(err: CommanderError, argv: string[], known: readonly string[]): PxError | undefined {
  if (err.exitCode === 0) return undefined; // --help, --version: already printed
  const message = err.message.replace(/^error:\s*/, '');
  const sub = argv.find((a) => known.includes(a));
  return new UsageError(message, `see \`pxdeploy ${sub ? `${sub} ` : ''}--help\``);
}

export async function runCli(argv: string[], opts: CliOptions): Promise<number> {
  const io = opts.io ?? createIo();
  const program = buildProgram(io, opts.version);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return io.exitCode;
  } catch (err) {
    // A usage error stops commander before its preAction hook has recorded the global flags.
    const end = argv.indexOf('--');
    const early = (f: string) => (end < 0 ? argv : argv.slice(0, end)).includes(f);
    const set = io.flags();
    const flags = { ...set, json: set.json || early('--json'), verbose: set.verbose || early('--verbose') };
    if (err instanceof CommanderError) {
      const mapped = fromCommander(err, argv, program.commands.map((c) => c.name()));
      if (!mapped) return ExitCode.ok;
      renderError(io, mapped, flags);
      return mapped.exitCode;
    }
    renderError(io, err, flags);
    return err instanceof PxError ? err.exitCode : ExitCode.other;
  }
}
