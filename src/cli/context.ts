// Builds the operation Context for a command from the global flags: real or dry-run runner, paths, reporter.
import { systemClock, type Context } from '../context.js';
import { makePaths } from '../state/paths.js';
import type { CliIo } from './io.js';

export async function makeContext(io: CliIo): Promise<Context> {
  const { ExecaRunner } = await import('../host/execa-runner.js');
  const flags = io.flags();
  const real = new ExecaRunner();
  let runner: Context['runner'] = real;
  if (flags.dryRun) {
    const { DryRunRunner } = await import('../host/dry-run-runner.js');
    // Under --json the planned commands belong in the result document, not interleaved on stdout.
    runner = new DryRunRunner({ inner: real, write: flags.json ? () => {} : (line) => io.out(`${line}\n`) });
  }
  return { runner, paths: makePaths(), clock: systemClock, flags, report: io.reporter() };
}
