// `restore <id> [<backup>]`: verify and extract in one pass (nothing of the app touched), version check, pre-restore backup, stop, swap the data, start, health gate; any failure puts the old data back.
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../../context.js';
import { PxError, RollbackFailedError, RolledBackError, UsageError } from '../../errors.js';
import { faultPoint } from '../../faults.js';
import { BackupArchiveError } from '../errors.js';
import { extractArchive, type ExtractResult } from '../extract-archive.js';
import { verifyArchive, type ArchiveReport } from '../check-archive.js';
import { takeBackup, type BackupResult } from './take-backup.js';
import type { BackupSource, DataSwap, RestorableDir } from './source.js';
import { compareVersions } from './versions.js';

export interface RestoreInput {
  source: BackupSource;
  /** Absolute path of the archive. */
  file: string;
  force: boolean;
}

export interface RestoreResult {
  id: string;
  file: string;
  version: string | undefined;
  restored: string[];
  preRestoreBackup: string;
}

const why = (err: unknown) => (err instanceof Error ? err.message.split('\n')[0]! : String(err));

/** What the archive must say before anything of the source changes; problems throw with the reason. */
export function checkCompatible(source: BackupSource, dirs: readonly RestorableDir[], report: ArchiveReport, force: boolean): string[] {
  const m = report.metadata;
  const notes: string[] = [];
  const refuse = (text: string, hint: string) => {
    if (!force) throw new UsageError(`refusing to restore ${report.file}: ${text}`, `${hint}; nothing was changed`);
    notes.push(`${text} (--force)`);
  };
  if (m.instance_id !== source.id) refuse(`it is a backup of '${m.instance_id}', not of '${source.id}'`, 'pass --force to restore it anyway');
  const names = new Set(m.entries.map((e) => e.name));
  const missing = dirs.filter((d) => !names.has(d.entry)).map((d) => d.entry);
  if (missing.length > 0) throw new UsageError(`refusing to restore ${report.file}: it holds no ${missing.join(', ')}`, 'nothing was changed');
  const from = typeof m.app_version === 'string' ? m.app_version : undefined;
  if (from !== undefined && source.version !== undefined && compareVersions(from, source.version) > 0) {
    refuse(`the backup was taken from version ${from}, newer than the running ${source.version}`, `update the app to ${from} first, or pass --force`);
  }
  return notes;
}

/** The OCI-app swap: each host folder renamed aside, the extracted one renamed in; putBack reverses what was done. */
export function hostFolderSwap(dirs: readonly RestorableDir[]): (extracted: string, stamp: string) => DataSwap {
  return (extracted, stamp) => {
    const swapped: Array<RestorableDir & { old: string | undefined }> = [];
    return {
      async prepare() {},
      async swapIn(ctx) {
        for (const d of dirs) {
          const old = path.join(path.dirname(d.host), `.${path.basename(d.host)}.pre-restore-${stamp}`);
          const existed = await access(d.host).then(() => true, () => false);
          if (existed) await ctx.effects.rename(d.host, old);
          swapped.push({ ...d, old: existed ? old : undefined });
          await ctx.effects.rename(path.join(extracted, d.entry), d.host);
        }
      },
      async putBack(ctx) {
        for (const s of swapped.splice(0).reverse()) {
          await ctx.effects.remove(s.host);
          if (s.old) await ctx.effects.rename(s.old, s.host);
        }
      },
      async cleanup(ctx) {
        for (const s of swapped) if (s.old) await ctx.effects.remove(s.old);
      },
    };
  };
}

export async function restoreOperation(ctx: Context, input: RestoreInput): Promise<RestoreResult> {
  const { source } = input;
  const target = source.restore;
  if (!target) throw new UsageError(`${source.id} (${source.kind}) cannot be restored yet`);
  if (target.dirs.length === 0) throw new UsageError(`${source.id} has no data to restore`);
  return ctx.effects.withLock(source.lockResource, 'restore', async () => {
    await target.recover?.(ctx);
    const parent = target.stagingDir ?? path.dirname(target.dirs[0]!.host);
    if (target.stagingDir) await ctx.effects.mkdir(parent, { mode: 0o700 });
    // One pass checks the sidecar hash, every member and metadata.json while extracting into a new
    // folder (beside the data, or in the target's staging folder); a refusal removes that folder, so
    // nothing of the app changed. A plan cannot extract, but it still reads the whole archive and
    // refuses exactly what the run would.
    const extracted = await ctx.effects.afterApply<ExtractResult | undefined>(
      `verify ${input.file} (sha256 sidecar, every member, metadata.json) while extracting it into ${path.join(parent, '.data.restore-XXXXXX')}`,
      () => extractArchive(input.file, path.join(parent, 'data')),
      undefined,
    );
    const report = extracted?.report ?? (await verifyArchive(input.file));
    const scratch = extracted?.dir ?? path.join(parent, '.data.restore-XXXXXX');
    try {
      for (const n of checkCompatible(source, target.dirs, report, input.force)) ctx.report.warn(n);
    } catch (err) {
      await ctx.effects.remove(scratch);
      throw err;
    }
    faultPoint('restore:extracted');

    let pre: BackupResult;
    try {
      pre = await takeBackup(ctx, { source, trigger: 'pre-restore', compress: 'gzip', retention: {} });
    } catch (err) {
      await ctx.effects.remove(scratch);
      throw new PxError(`restore of ${source.id} stopped before any change: the pre-restore backup failed: ${why(err)}`, 1, 'nothing was changed');
    }
    ctx.report.info(`pre-restore backup: ${pre.file}`);

    const stamp = path.basename(pre.file).split('.')[0]!;
    const swap = (target.swap ?? hostFolderSwap(target.dirs))(scratch, stamp);
    let stopped = false;
    try {
      await swap.prepare(ctx);
      await target.stop(ctx);
      stopped = true;
      await swap.swapIn(ctx);
      faultPoint('restore:swapped');
      await target.start(ctx);
      await target.healthGate(ctx);
    } catch (err) {
      await rollBack(ctx, input, swap, stopped, scratch, pre, err);
    }
    await target.finish?.(ctx, 'success');
    await swap.cleanup(ctx);
    await ctx.effects.remove(scratch);
    return { id: source.id, file: input.file, version: typeof report.metadata.app_version === 'string' ? report.metadata.app_version : undefined, restored: target.dirs.map((d) => d.host), preRestoreBackup: pre.file };
  });
}

/** Puts the old data back, starts the source and gates it; always throws (11 rolled back, 12 when that failed too). */
async function rollBack(ctx: Context, input: RestoreInput, swap: DataSwap, stopped: boolean, scratch: string, pre: BackupResult, err: unknown): Promise<never> {
  const target = input.source.restore!;
  ctx.report.warn(`restore failed (${why(err)}); putting the pre-restore data back`);
  try {
    if (stopped) await target.stop(ctx).catch(() => undefined);
    await swap.putBack(ctx);
    await swap.cleanup(ctx);
    await ctx.effects.remove(scratch);
    await target.start(ctx);
    await target.healthGate(ctx);
  } catch (rollbackErr) {
    await target.finish?.(ctx, 'failure', `restore failed and its undo too: ${why(rollbackErr)}`).catch(() => undefined);
    throw new RollbackFailedError(
      `restore of ${input.source.id} from ${input.file} failed (${why(err)}) and putting the old data back failed too: ${why(rollbackErr)}`,
      `the pre-restore backup is ${pre.file}; restore it with \`pxdeploy restore ${input.source.id} ${path.basename(pre.file)}\``,
    );
  }
  await target.finish?.(ctx, 'failure', why(err));
  if (err instanceof BackupArchiveError) throw err;
  throw new RolledBackError(`restore of ${input.source.id} from ${input.file} failed: ${why(err)}; the pre-restore data is back and serving`, `pre-restore backup: ${pre.file}`);
}
