// `pxdeploy drift`: fields where the node differs from what pxdeploy recorded; exit 2 when anything drifted.
import type { Command } from 'commander';
import { ExitCode } from '../errors.js';
import { emit, type CliIo } from './io.js';
import { renderTable } from './table.js';
import { makeContext } from './context.js';

export function registerDrift(program: Command, io: CliIo): void {
  program
    .command('drift')
    .description("compare the node with pxdeploy's records (CTs it made, apps, instances), or with a stack file; exit 2 when something drifted")
    .option('-f, --file <stack.yaml>', 'compare with this stack file instead (what `plan` would change, read as drift)')
    .addHelpText('after', `
Examples:
  $ pxdeploy drift                                CTs, apps and instances against what pxdeploy recorded
  $ pxdeploy drift -f examples/homelab.yaml --json    the node against a stack file`)
    .action(async (opts: { file?: string }) => {
      const { detectDrift, STATE_SOURCES } = await import('../inventory/drift.js');
      let sources = STATE_SOURCES;
      if (opts.file) {
        const { loadStack } = await import('../stacks/load.js');
        const { stackDriftSource } = await import('../stacks/drift.js');
        sources = [stackDriftSource(await loadStack(opts.file))];
      }
      const ctx = await makeContext(io);
      const r = await detectDrift(ctx, sources);
      if (r.drifted) io.exitCode = ExitCode.badInput;
      emit(io, r, () => {
        const notes = r.notes.map((n) => `note: ${n}`);
        if (!r.drifted) return [`no drift (${r.checked} resource(s) checked)`, ...notes].join('\n');
        const table = renderTable(['RESOURCE', 'FIELD', opts.file ? 'STACK' : 'RECORDED', 'ACTUAL'], r.items.map((i) => [i.resource, i.field, i.recorded, i.actual]));
        return [table, ...notes].join('\n');
      });
    });
}
