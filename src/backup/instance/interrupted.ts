// After a restore was killed with the app stopped: its safety copies and the replaced instance config back in place, the staging removed, the active colour started again.
import type { Context } from '../../context.js';
import { unitsOf, type AppModel } from '../../instances/app-model.js';
import { inCt } from '../../instances/ct-exec.js';
import { parseOrThrow } from '../../instances/load.js';
import { dataPaths } from '../ops/instance-source.js';
import { applyInstanceConfig, instanceUrl, replacedConfigPath } from './config-restore.js';
import { databasePlan, mysqlRestoreArgv, pgRestoreArgv, sqliteFiles } from './database.js';

/** The folder a restore stages its data in, beside the data root (same file system: the swap is renames). */
export function restoreStaging(app: AppModel, stamp: string): string {
  return `${app.bg.data_root}.pxdeploy-restore-${stamp}`;
}

/** Returns the paths put back. Every step checks what is there, so running it twice changes nothing more. */
export async function undoInterruptedRestore(ctx: Context, app: AppModel, id: string, vmid: number, color: 'blue' | 'green', stamp: string, url: string | undefined): Promise<string[]> {
  const exists = async (p: string) => (await inCt(ctx, vmid, ['test', '-e', p], { readOnly: true, allowFailure: true })).exitCode === 0;
  const db = databasePlan(app);
  const staging = restoreStaging(app, stamp);
  const putBack: string[] = [];
  for (const p of [...(db?.type === 'sqlite' ? sqliteFiles(db.file!) : []), ...dataPaths(app)]) {
    const safety = `${p}.pre-restore-${stamp}`;
    if (!(await exists(safety))) continue;
    await inCt(ctx, vmid, ['rm', '-rf', p]);
    await inCt(ctx, vmid, ['mv', '-T', safety, p]);
    putBack.push(p);
  }
  // A server database was dumped aside into the staging folder before the restore's dump went in.
  if (db?.type === 'postgresql' && (await exists(`${staging}/pre-restore.dump`))) {
    await inCt(ctx, vmid, pgRestoreArgv(db.name!, `${staging}/pre-restore.dump`), { timeoutMs: 60 * 60_000 });
    putBack.push(`database ${db.name}`);
  } else if (db?.type === 'mysql' && (await exists(`${staging}/pre-restore.sql`))) {
    await inCt(ctx, vmid, mysqlRestoreArgv(`${staging}/pre-restore.sql`), { timeoutMs: 60 * 60_000 });
    putBack.push(`database ${db.name}`);
  }
  // The instance config the restore replaced (kept beside it before the write): back, and the app's config file rendered from it.
  const configFile = ctx.paths.instanceConfig(id);
  const saved = replacedConfigPath(configFile, stamp);
  const previous = await ctx.effects.readFile(saved);
  if (previous !== undefined) {
    const { config } = parseOrThrow(previous, saved);
    await applyInstanceConfig(ctx, { id, file: configFile, app }, vmid, instanceUrl(url, config), previous, config);
    await ctx.effects.remove(saved);
    putBack.push(configFile);
  }
  await inCt(ctx, vmid, ['rm', '-rf', staging, `${staging}.tar`]);
  await inCt(ctx, vmid, ['systemctl', 'restart', ...unitsOf(app, color)]);
  return putBack;
}
