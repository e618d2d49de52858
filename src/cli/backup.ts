// `pxdeploy backup <id>`, `backup verify`, `backups [<id>]`, `restore <id> [<backup>]`: parse, call one backup operation, render.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { emit, type CliIo } from './io.js';
import { makeContext, runOperation } from './context.js';
import { renderTable } from './table.js';

const KEEP_FLAGS = ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;

function countOf(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`invalid --${flag} '${text}': expected a whole number`);
  return Number(text);
}

function mb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** `\r`-updated progress line on a terminal; nothing under --json or when stderr is a file. */
function progressLine(io: CliIo, id: string) {
  if (io.flags().json || !process.stderr.isTTY) return undefined;
  return (p: { bytesIn: number; bytesOut: number; entry: string }) => io.err(`\r  ${id}: ${mb(p.bytesIn)} read, ${mb(p.bytesOut)} written (${p.entry})\x1b[K`);
}

async function sourceOf(id: string) {
  const { makePaths } = await import('../state/paths.js');
  const { resolveBackupSource } = await import('../backup/ops/locate.js');
  const paths = makePaths();
  paths.backupsOf(id); // a bad id is exit 2 before anything else
  return resolveBackupSource(paths, id);
}

export function registerBackup(program: Command, io: CliIo): void {
  const backup = program
    .command('backup')
    .description('back up a blue/green instance (database and files streamed out of its CT) or an OCI app (its volumes), while it runs, to /var/backups/pxdeploy/<id>/<unix-ts>.tar.gz')
    .argument('<id>', 'the instance, or the app (hostname), to back up')
    .option('--trigger <trigger>', 'manual or scheduled (recorded in metadata.json)', 'manual')
    .option('--compress <codec>', 'gzip (default, pigz on every core) or zstd (.tar.zst)', 'gzip')
    .option('--keep-all', 'keep every backup (overrides the keep-* rules)');
  const period: Record<(typeof KEEP_FLAGS)[number], string> = { last: '', hourly: 'hour', daily: 'day', weekly: 'week', monthly: 'month', yearly: 'year' };
  for (const k of KEEP_FLAGS) backup.option(`--keep-${k} <n>`, k === 'last' ? 'retention: keep the n newest backups' : `retention: keep the newest backup of each of the last n ${period[k]}s`);
  backup.addHelpText(
    'after',
    `
Retention uses PVE's keep-* rules (flags win over backup.retention in /etc/pxdeploy/config.yaml);
the backup \`latest\` points to is never removed. --dry-run lists what would be written and removed.

Examples:
  $ sudo pxdeploy backup demo                        archive + .sha256 sidecar + latest link + index
  $ sudo pxdeploy backup demo --keep-last 7 --keep-weekly 4
  $ sudo pxdeploy backup demo --compress zstd
  $ pxdeploy backup verify latest --id demo          sidecar hash, structure, metadata.json`,
  );
  backup.action(async (id: string, opts: Record<string, string | boolean | undefined>) => {
    const trigger = opts.trigger as string;
    if (trigger !== 'manual' && trigger !== 'scheduled') throw new UsageError(`invalid --trigger '${trigger}': use manual or scheduled`);
    const compress = opts.compress as string;
    if (compress !== 'gzip' && compress !== 'zstd') throw new UsageError(`invalid --compress '${compress}': use gzip or zstd`);
    const flags: Record<string, number | boolean | undefined> = Object.fromEntries(KEEP_FLAGS.map((k) => [`keep-${k}`, countOf(`keep-${k}`, opts[`keep${k[0]!.toUpperCase()}${k.slice(1)}`] as string | undefined)]));
    if (opts.keepAll) flags['keep-all'] = true;
    const source = await sourceOf(id);
    const { backupOperation } = await import('../backup/ops/take-backup.js');
    const { configuredRetention, mergeRetention } = await import('../backup/ops/retention-config.js');
    const onProgress = progressLine(io, id);
    await runOperation(
      io,
      { resource: source.lockResource, operation: 'backup' },
      async (ctx) => {
        const retention = mergeRetention(await configuredRetention(ctx.effects, ctx.paths), flags);
        const r = await backupOperation(ctx, { source, trigger, compress, retention, ...(onProgress ? { onProgress } : {}) });
        if (onProgress) io.err('\n');
        return r;
      },
      (r) =>
        [
          `backed up ${r.id} (${r.version ?? 'unknown version'}, ${r.trigger}) to ${r.file}: ${mb(r.size)}, ${r.compressor}, sha256 ${r.sha256.slice(0, 16)}…`,
          ...r.pruned.filter((p) => p.action === 'remove').map((p) => `  removed ${p.file} (${p.reason})`),
          ...r.skipped.map((s) => `  not backed up: ${s.path}: ${s.reason}`),
        ].join('\n'),
    );
  });

  backup
    .command('verify')
    .description('check a backup: its .sha256 sidecar, then its structure and metadata.json against the contents')
    .argument('<backup>', '`latest`, a timestamp, a file name in the id\'s folder, or a path')
    .option('--id <id>', 'the instance or app whose backups to look in')
    .action(async (ref: string, opts: { id?: string }) => {
      const { makePaths } = await import('../state/paths.js');
      const { locateBackup } = await import('../backup/ops/locate.js');
      const { verifyBackup } = await import('../backup/ops/verify.js');
      const paths = makePaths();
      if (opts.id !== undefined) paths.backupsOf(opts.id);
      const { file, id } = await locateBackup(paths, opts.id, ref);
      const render = (r: Awaited<ReturnType<typeof verifyBackup>>) =>
        [`${r.file}: OK (sha256 ${r.sha256.slice(0, 16)}…, ${r.members} members, version ${r.version ?? 'unknown'}, taken ${r.created_at})`, ...r.entries.map((e) => `  ${e.name}: ${e.files_count} files, ${mb(e.size_bytes)}, sha256 ${e.sha256.slice(0, 16)}…`)].join('\n');
      if (id === undefined) {
        const ctx = await makeContext(io);
        const r = await verifyBackup(ctx, file, undefined);
        emit(io, r, () => render(r));
        return;
      }
      await runOperation(io, { resource: id, operation: 'backup-verify' }, (ctx) => verifyBackup(ctx, file, id), render);
    });

  program
    .command('backups')
    .description('list backups: time, size, app version, trigger, verified')
    .argument('[id]', 'only this app\'s backups')
    .action(async (id: string | undefined) => {
      const ctx = await makeContext(io);
      if (id !== undefined) ctx.paths.backupsOf(id);
      const { listBackups } = await import('../backup/ops/list.js');
      const backups = await listBackups(ctx, id);
      const verified = (b: (typeof backups)[number]) => (b.verified === undefined ? '-' : b.verified.ok ? `ok ${b.verified.at.slice(0, 10)}` : 'FAILED');
      emit(io, { backups }, () =>
        backups.length === 0
          ? `no backups${id ? ` of ${id}` : ''}`
          : renderTable(['ID', 'TIME', 'SIZE', 'VERSION', 'TRIGGER', 'VERIFIED', 'FILE'], backups.map((b) => [b.id, b.created_at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), mb(b.size), b.version ?? '-', b.trigger, verified(b), `${b.file}${b.latest ? ' (latest)' : ''}`])),
      );
    });

  program
    .command('restore')
    .description('restore an instance\'s database and files, or an app\'s volumes, from a backup: verified first, pre-restore backup, swap, health gate, undo on failure')
    .argument('<id>', 'the instance or app to restore')
    .argument('[backup]', '`latest` (default), a timestamp, a file name or a path', 'latest')
    .option('--force', 'restore a backup from a newer app version, or of another app')
    .addHelpText(
      'after',
      `
Before anything changes the archive is checked in full (sha256 sidecar, every member refused if
it could escape, metadata.json) and a backup of a newer app version is refused. Then a pre-restore
backup is taken, the CT stopped, the volume folders swapped, the CT started and health-gated; any
failure puts the old folders back and exits 11.

Examples:
  $ sudo pxdeploy restore demo --yes
  $ sudo pxdeploy restore demo 1767000000 --yes`,
    )
    .action(async (id: string, ref: string, opts: { force?: boolean }) => {
      const source = await sourceOf(id);
      const { makePaths } = await import('../state/paths.js');
      const { locateBackup } = await import('../backup/ops/locate.js');
      const { file } = await locateBackup(makePaths(), id, ref);
      if (!(await io.confirm(`restore ${id} from ${file}? Its current data is replaced (a pre-restore backup is taken first)`))) throw new UsageError('not confirmed; nothing was changed');
      const { restoreOperation } = await import('../backup/ops/restore.js');
      await runOperation(io, { resource: source.lockResource, operation: 'restore' }, (ctx) => restoreOperation(ctx, { source, file, force: !!opts.force }), (r) =>
        [`restored ${r.id} from ${r.file} (version ${r.version ?? 'unknown'})`, ...r.restored.map((d) => `  ${d}`), `  pre-restore backup: ${r.preRestoreBackup}`].join('\n'),
      );
    });
}
