// `backup <id>`: one archive of a source under its lock: streamed to a hidden partial, then moved into place, sidecar, latest, index, retention.
import path from 'node:path';
import type { Context } from '../../context.js';
import { archiveFileName, sidecarPath, type Compression } from '../layout.js';
import { formatSidecar } from '../sidecar.js';
import { partialPathOf, stageBackupArchive, type BackupProgress, type StagedArchive } from '../write-archive.js';
import type { PruneOptions } from '../retention.js';
import type { Skipped } from '../sources.js';
import { readBackupIndex, updateBackupIndex, type Trigger } from './backup-index.js';
import { pruneBackups, type PruneOutcome } from './prune.js';
import type { BackupSource } from './source.js';

export interface BackupInput {
  source: BackupSource;
  trigger: Trigger;
  compress: Compression;
  retention: PruneOptions;
  onProgress?: (p: BackupProgress) => void;
}

export interface BackupResult {
  id: string;
  file: string;
  sidecar: string;
  sha256: string;
  size: number;
  compressor: string;
  version: string | undefined;
  trigger: Trigger;
  skipped: Skipped[];
  pruned: PruneOutcome[];
}

export function latestLink(ctx: Context, id: string): string {
  return path.join(ctx.paths.backupsOf(id), 'latest');
}

/** Unix seconds, but after the newest backup in the index: two backups in one second must not collide. */
async function nextTimestamp(ctx: Context, id: string): Promise<number> {
  const now = Math.floor(ctx.clock.now().getTime() / 1000);
  const newest = (await readBackupIndex(ctx.effects, ctx.paths, id)).backups.at(-1)?.timestamp ?? 0;
  return Math.max(now, newest + 1);
}

export async function backupOperation(ctx: Context, input: BackupInput): Promise<BackupResult> {
  return ctx.effects.withLock(input.source.lockResource, 'backup', () => takeBackup(ctx, input));
}

/** The backup itself; the caller holds the source's lock (restore takes its pre-restore backup this way). */
export async function takeBackup(ctx: Context, input: BackupInput): Promise<BackupResult> {
  const { source } = input;
  const dir = ctx.paths.backupsOf(source.id);
  const timestamp = await nextTimestamp(ctx, source.id);
  const file = path.join(dir, archiveFileName(timestamp, input.compress));
  await ctx.effects.mkdir(dir, { mode: 0o700 });
  const entries = await source.entries(ctx);
  const unquiesce = await source.quiesce?.(ctx);
  const placeholder: StagedArchive = {
    partial: partialPathOf(dir, timestamp, input.compress), path: file, sidecar: sidecarPath(file), sha256: '(known after write)', size: 0,
    entries: [], skipped: [], compressor: input.compress === 'zstd' ? 'zstd' : 'pigz', metadata: {} as StagedArchive['metadata'],
  };
  let staged: StagedArchive;
  try {
    ctx.report.info(`backing up ${source.id} (${entries.map((e) => e.name).join(', ')}) to ${file}`);
    staged = await ctx.effects.afterApply(
      `write ${placeholder.partial} (${entries.map((e) => e.name).join(', ')} → tar → ${input.compress} → sha256, one pass)`,
      () => stageBackupArchive({ dir, id: source.id, timestamp, entries, compress: input.compress, metadata: { ...source.metadata, backup_trigger: input.trigger }, ...(input.onProgress ? { onProgress: input.onProgress } : {}) }),
      placeholder,
    );
  } finally {
    await unquiesce?.();
  }
  try {
    await ctx.effects.rename(staged.partial, staged.path);
  } catch (err) {
    await ctx.effects.remove(staged.partial);
    throw err;
  }
  for (const s of staged.skipped) ctx.report.warn(`not backed up: ${s.path}: ${s.reason}`);
  await ctx.effects.writeFile(staged.sidecar, formatSidecar(staged.sha256, staged.path), { mode: 0o644 });
  await ctx.effects.symlink(path.basename(staged.path), latestLink(ctx, source.id));
  await updateBackupIndex(ctx.effects, ctx.paths, source.id, (list) => [
    ...list.filter((b) => b.file !== path.basename(staged.path)),
    {
      file: path.basename(staged.path),
      timestamp,
      created_at: new Date(timestamp * 1000).toISOString(),
      size: staged.size,
      sha256: staged.sha256,
      compression: input.compress,
      trigger: input.trigger,
      ...(source.version !== undefined ? { version: source.version } : {}),
      total_size_bytes: typeof staged.metadata.total_size_bytes === 'number' ? staged.metadata.total_size_bytes : 0,
    },
  ]);
  const pruned = await pruneBackups(ctx, source.id, input.retention, path.basename(staged.path));
  return { id: source.id, file: staged.path, sidecar: staged.sidecar, sha256: staged.sha256, size: staged.size, compressor: staged.compressor, version: source.version, trigger: input.trigger, skipped: staged.skipped, pruned };
}
