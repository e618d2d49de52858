// `pxdeploy validate -f FILE`: check a spec file, report every problem; runs no host command.
import type { Command } from 'commander';
import { formatProblem, type ConfigProblem } from '../errors.js';
import { emit, type CliIo } from './io.js';
import { ExitCode } from '../errors.js';

export function registerValidate(program: Command, io: CliIo): void {
  program
    .command('validate')
    .description('validate a spec file (container spec or catalog package) without touching the host')
    .requiredOption('-f, --file <file>', 'the YAML file to check')
    .addHelpText(
      'after',
      `
Examples:
  $ pxdeploy validate -f ct.yaml
  $ pxdeploy validate -f packages/jellyfin.yml
  $ TAILSCALE_AUTH_KEY=tskey-... pxdeploy validate -f ct.yaml --json

Exit 0 when valid, 2 when not; every problem is printed as file:line path: message.`,
    )
    .action(async (opts: { file: string }) => {
      if (await looksLikePackage(opts.file)) {
        const { loadPackageFile } = await import('../catalog/index.js');
        const pkg = await loadPackageFile(opts.file);
        if (pkg.ok) {
          const kinds = [pkg.pkg.oci ? 'oci' : '', pkg.pkg.bluegreen ? 'bluegreen' : ''].filter(Boolean).join(' + ');
          emit(io, { ok: true, file: opts.file, kind: 'package', problems: [] }, () => `${opts.file}: valid package ${pkg.pkg.name} (${kinds})`);
          return;
        }
        reportProblems(io, opts.file, pkg.problems);
        return;
      }
      const { validateSpecFile } = await import('../config/index.js');
      const result = await validateSpecFile(opts.file, process.env);
      if (result.ok) {
        const c = result.spec.container;
        emit(io, { ok: true, file: opts.file, kind: result.kind, problems: [] }, () =>
          `${opts.file}: valid ${result.kind} spec (hostname ${c.hostname}${c.vmid ? `, vmid ${c.vmid}` : ''})`,
        );
        return;
      }
      reportProblems(io, opts.file, result.problems);
    });
}

function reportProblems(io: CliIo, file: string, problems: ConfigProblem[]): void {
  io.exitCode = ExitCode.badInput;
  if (io.flags().json) {
    emit(io, { ok: false, file, problems }, () => '');
    return;
  }
  const n = problems.length;
  io.err(`error: ${file} is not valid (${n} problem${n === 1 ? '' : 's'}):\n`);
  for (const p of problems) io.err(`  ${formatProblem(p)}\n`);
}

/** A catalog package (packages/<name>.yml) has a top-level `name:` and an `oci:` or `bluegreen:` section. */
async function looksLikePackage(file: string): Promise<boolean> {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(file, 'utf8').catch(() => '');
  return /^name:/m.test(text) && /^(oci|bluegreen):/m.test(text);
}
