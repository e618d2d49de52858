// Before an update: a consistent SQLite copy (`sqlite3 .backup`, safe while the app writes) pulled to the host's backup directory.
import path from 'node:path';
import type { Context } from '../context.js';
import { pctPull } from '../host/pct/argv.js';
import { runPve } from '../host/pve-run.js';
import { layout, type AppModel } from './app-model.js';
import { inCt } from './ct-exec.js';

export interface BackupResult {
  /** The copy on the host. */
  file: string;
}

export async function backupDatabase(ctx: Context, vmid: number, app: AppModel, id: string, reason: string): Promise<BackupResult | undefined> {
  const db = app.bg.database.default === 'sqlite' ? app.bg.database.sqlite_path : undefined;
  if (!db) return undefined;
  const stamp = ctx.clock.now().toISOString().replace(/[:.]/g, '-');
  const inside = `${layout(app).backups}/${id}-${stamp}-${reason}.db`;
  const hostDir = ctx.paths.backupsOf(id);
  const hostFile = path.join(hostDir, `${stamp}-${reason}.db`);
  const exists = await inCt(ctx, vmid, ['test', '-f', db], { readOnly: true, allowFailure: true });
  if (exists.exitCode !== 0) {
    ctx.log.warn(`no database at ${db} yet; nothing to back up`);
    return undefined;
  }
  await inCt(ctx, vmid, ['mkdir', '-p', layout(app).backups]);
  await inCt(ctx, vmid, ['sqlite3', db, `.backup ${inside}`], { timeoutMs: 30 * 60_000 });
  await inCt(ctx, vmid, ['sqlite3', inside, 'PRAGMA integrity_check;']);
  await ctx.effects.mkdir(hostDir, { mode: 0o700 });
  await runPve(ctx.effects, pctPull(vmid, inside, hostFile));
  await inCt(ctx, vmid, ['rm', '-f', inside]);
  ctx.log.info(`backup: ${db} → ${hostFile}`);
  return { file: hostFile };
}
