// Retention for one id: PVE's keep-* rules over the index, never the backup `latest` points to nor the one the last update's rollback needs; removals through the effects seam.
import { readlink } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../../context.js';
import { selectForPruning, type PruneOptions } from '../retention.js';
import { sidecarPath } from '../layout.js';
import { readInstanceState } from '../../state/instance-state.js';
import { readBackupIndex, updateBackupIndex } from './backup-index.js';

export interface PruneOutcome {
  file: string;
  action: 'keep' | 'remove';
  reason: string;
}

/** The file `latest` points to now, or undefined. */
export async function latestTarget(ctx: Context, id: string): Promise<string | undefined> {
  return readlink(path.join(ctx.paths.backupsOf(id), 'latest')).then((t) => path.basename(t), () => undefined);
}

/** Backups a rollback needs: the pre-update backup an instance's state records (none for OCI apps). */
export async function rollbackBackups(ctx: Context, id: string): Promise<string[]> {
  const state = await readInstanceState(ctx.paths, id);
  return state?.pre_update_backup ? [state.pre_update_backup] : [];
}

/**
 * Applies `opts` (no positive rule: keep everything). `latest` names the backup the link points
 * to once this operation's effects are done (a plan has not moved the link yet); `protect` names
 * backups this operation is about to record as needed (an update's pre-update backup).
 */
export async function pruneBackups(ctx: Context, id: string, opts: PruneOptions, latest?: string, protect?: readonly string[]): Promise<PruneOutcome[]> {
  const index = await readBackupIndex(ctx.effects, ctx.paths, id);
  const current = latest ?? (await latestTarget(ctx, id));
  const decisions = selectForPruning(index.backups.map((b) => ({ id: b.file, ctime: b.timestamp, latest: b.file === current })), opts, [...(protect ?? []), ...(await rollbackBackups(ctx, id))]);
  const removed = decisions.filter((d) => d.action === 'remove').map((d) => d.id);
  if (removed.length === 0) return decisions.map((d) => ({ file: d.id, action: d.action, reason: d.reason }));
  const dir = ctx.paths.backupsOf(id);
  for (const file of removed) {
    await ctx.effects.remove(path.join(dir, file));
    await ctx.effects.remove(sidecarPath(path.join(dir, file)));
  }
  await updateBackupIndex(ctx.effects, ctx.paths, id, (list) => list.filter((b) => !removed.includes(b.file)));
  return decisions.map((d) => ({ file: d.id, action: d.action, reason: d.reason }));
}
