// Before an update: the full instance backup (database, files, config, environment) with trigger pre-update, taken inside the update's lock.
import path from 'node:path';
import type { Context } from '../context.js';
import type { InstanceState } from '../state/instance-state.js';
import type { LoadedInstance } from './load.js';

export interface PreUpdateBackup {
  /** The archive on the host (/var/backups/pxdeploy/<id>/<ts>.tar.gz). */
  file: string;
  /** Its file name, recorded in the state as `pre_update_backup` so retention keeps it. */
  name: string;
}

/**
 * The caller (update) already holds the instance's operation lock, so this uses `takeBackup`, the
 * variant without a lock of its own (`backupOperation` would wait for the lock we hold: exit 5).
 * Retention from the config file applies; the previous update's backup is still the recorded one
 * while it runs, so it is kept, and this one is the newest (`latest`).
 */
export async function backupBeforeUpdate(ctx: Context, inst: LoadedInstance, state: InstanceState): Promise<PreUpdateBackup> {
  const { instanceBackupSource } = await import('../backup/ops/instance-source.js');
  const { takeBackup } = await import('../backup/ops/take-backup.js');
  const { configuredRetention } = await import('../backup/ops/retention-config.js');
  const source = instanceBackupSource(ctx.paths, inst, state);
  const r = await takeBackup(ctx, { source, trigger: 'pre-update', compress: 'gzip', retention: await configuredRetention(ctx.effects, ctx.paths) });
  ctx.log.info(`backup: ${r.file} (pre-update, sha256 ${r.sha256})`);
  return { file: r.file, name: path.basename(r.file) };
}
