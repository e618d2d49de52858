// `pxdeploy validate -f FILE`: check a spec file, report every problem; runs no host command.
import type { Command } from 'commander';
import { formatProblem } from '../errors.js';
import { emit, type CliIo } from './io.js';
import { ExitCode } from '../errors.js';

export function registerValidate(program: Command, io: CliIo): void {
  program
    .command('validate')
    .description('validate a spec file (container spec) without touching the host')
    .requiredOption('-f, --file <file>', 'the YAML file to check')
    .addHelpText(
      'after',
      `
Examples:
  $ pxdeploy validate -f ct.yaml
  $ TAILSCALE_AUTH_KEY=tskey-... pxdeploy validate -f ct.yaml --json

Exit 0 when valid, 2 when not; every problem is printed as file:line path: message.`,
    )
    .action(async (opts: { file: string }) => {
      const { validateSpecFile } = await import('../config/index.js');
      const result = await validateSpecFile(opts.file, process.env);
      if (result.ok) {
        const c = result.spec.container;
        emit(io, { ok: true, file: opts.file, kind: result.kind, problems: [] }, () =>
          `${opts.file}: valid ${result.kind} spec (hostname ${c.hostname}${c.vmid ? `, vmid ${c.vmid}` : ''})`,
        );
        return;
      }
      io.exitCode = ExitCode.badInput;
      if (io.flags().json) {
        emit(io, { ok: false, file: opts.file, problems: result.problems }, () => '');
        return;
      }
      const n = result.problems.length;
      io.err(`error: ${opts.file} is not valid (${n} problem${n === 1 ? '' : 's'}):\n`);
      for (const p of result.problems) io.err(`  ${formatProblem(p)}\n`);
    });
}
