// `backups [<id>]`: the index of each id, newest first, with the backup `latest` points to marked.
import path from 'node:path';
import type { Context } from '../../context.js';
import { readBackupIndex, type BackupRecord } from './backup-index.js';
import { backupIds } from './locate.js';
import { latestTarget } from './prune.js';

export interface ListedBackup extends BackupRecord {
  id: string;
  path: string;
  latest: boolean;
}

export async function listBackups(ctx: Context, id?: string): Promise<ListedBackup[]> {
  const ids = id !== undefined ? [id] : await backupIds(ctx.paths);
  const out: ListedBackup[] = [];
  for (const i of ids) {
    const index = await readBackupIndex(ctx.effects, ctx.paths, i);
    const latest = await latestTarget(ctx, i);
    for (const b of [...index.backups].reverse()) out.push({ id: i, ...b, path: path.join(ctx.paths.backupsOf(i), b.file), latest: b.file === latest });
  }
  return out;
}
