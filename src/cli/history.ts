// `pxdeploy history <vmid|node|storage>`: one resource's recorded changes, field by field, from the inventory.
import type { Command } from 'commander';
import { emit, type CliIo } from './io.js';
import { makeContext } from './context.js';

export function registerHistory(program: Command, io: CliIo): void {
  program
    .command('history')
    .description('changes `inventory sync` recorded for a guest, node or storage, oldest first')
    .argument('<resource>', 'a vmid, node name or storage id')
    .option('--since <time>', 'only changes since an ISO time or a duration back (30m, 12h, 7d)')
    .action(async (resource: string, opts: { since?: string }) => {
      const { formatHistory, resourceHistory } = await import('../inventory/show.js');
      const ctx = await makeContext(io);
      const r = resourceHistory(ctx, resource, opts.since);
      emit(io, r, () => formatHistory(r));
    });
}
