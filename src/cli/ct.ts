// `pxdeploy ct ...`: LXC containers on this node (more sub-commands arrive with the containers work).
import type { Command } from 'commander';
import { emit, type CliIo } from './io.js';
import { renderTable } from './table.js';
import { makeContext } from './context.js';

export function registerCt(program: Command, io: CliIo): void {
  const ct = program
    .command('ct')
    .description('LXC containers on this node')
    .addHelpText(
      'after',
      `
Examples:
  $ pxdeploy ct list
  $ pxdeploy ct list --json`,
    );

  ct.command('list')
    .description('list the containers of this node (from `pct list`)')
    .action(async () => {
      const ctx = await makeContext(io);
      const { listContainers } = await import('../containers/list.js');
      const cts = await listContainers(ctx);
      emit(io, { containers: cts }, () => {
        if (cts.length === 0) return 'no containers on this node';
        const rows = cts.map((c) => [String(c.vmid), c.status, c.lock ?? '', c.name]);
        return renderTable(['VMID', 'STATUS', 'LOCK', 'NAME'], rows);
      });
    });
}
