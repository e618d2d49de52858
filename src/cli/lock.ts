// `pxdeploy lock status|release`: show who holds which operation lock; remove a lock whose holder is gone.
import type { Command } from 'commander';
import { emit, type CliIo } from './io.js';
import { renderTable } from './table.js';
import { runOperation } from './context.js';

function age(sec: number): string {
  if (sec < 120) return `${sec}s`;
  if (sec < 7200) return `${Math.floor(sec / 60)}m`;
  return `${Math.floor(sec / 3600)}h${Math.floor((sec % 3600) / 60)}m`;
}

export function registerLock(program: Command, io: CliIo): void {
  const lock = program
    .command('lock')
    .description('inspect and release pxdeploy operation locks (/var/lock/pxdeploy/<id>.lock)')
    .addHelpText(
      'after',
      `
Examples:
  $ pxdeploy lock status
  $ pxdeploy lock status vikunja-main --json
  $ sudo pxdeploy lock release vikunja-main          # only a stale lock (holder gone, or older than 1 h)
  $ sudo pxdeploy lock release vikunja-main --force  # even though its holder still runs`,
    );

  lock
    .command('status')
    .description('list held locks with holder, operation, age and staleness')
    .argument('[id]', 'only this resource')
    .action(async (id: string | undefined) => {
      const { makePaths } = await import('../state/paths.js');
      const { listLocks, lockStatus } = await import('../lock/index.js');
      const paths = makePaths();
      const locks = id ? [await lockStatus(paths, id)].filter((l) => l !== undefined) : await listLocks(paths);
      emit(io, { locks }, () => {
        if (locks.length === 0) return id ? `${id}: not locked` : 'no pxdeploy locks held';
        const rows = locks.map((l) => [
          l.resourceId,
          l.holder?.operation ?? '?',
          l.holder ? `${l.holder.owner} (pid ${l.holder.pid})` : '?',
          age(l.ageSec),
          l.stale ? `stale: ${l.reason}` : l.reason ? `held (${l.reason})` : 'held',
        ]);
        return renderTable(['RESOURCE', 'OPERATION', 'HOLDER', 'AGE', 'STATE'], rows);
      });
    });

  lock
    .command('release')
    .description('remove a lock: a stale one at once, a live holder\'s only with --force')
    .argument('<id>', 'resource whose lock to remove')
    .option('--force', 'remove it even though its holder still runs')
    .action(async (id: string, opts: { force?: boolean }) => {
      const { assertSafeId } = await import('../state/paths.js');
      assertSafeId(id);
      await runOperation(
        io,
        { resource: id, operation: 'lock-release' },
        async (ctx) => ({ resource: id, ...(await ctx.effects.releaseLock(id, { force: !!opts.force })) }),
        (r) => (r.released ? `released lock of ${id}${r.stale ? ` (stale: ${r.reason})` : ''}` : `${id}: not locked`),
      );
    });
}
