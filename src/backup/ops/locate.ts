// Finds what to back up (an instance or an OCI app, by id) and backups (`latest`, a timestamp, a file name or a path → the archive and its id).
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError, UsageError } from '../../errors.js';
import type { Paths } from '../../state/paths.js';
import { compressionOf } from '../layout.js';
import type { BackupSource } from './source.js';

/** Ids that have a backup folder. */
export async function backupIds(paths: Paths): Promise<string[]> {
  const names = await readdir(paths.backupDir, { withFileTypes: true }).catch(() => []);
  return names.filter((d) => d.isDirectory() && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(d.name)).map((d) => d.name).sort();
}

/** The id whose backup folder holds `file`, if any. */
export function idOfFile(paths: Paths, file: string): string | undefined {
  const rel = path.relative(paths.backupDir, file);
  const parts = rel.split(path.sep);
  return parts.length === 2 && !rel.startsWith('..') ? parts[0] : undefined;
}

async function isFile(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isFile(), () => false);
}

/** `latest`, `1767000000`, `1767000000.tar.gz` (in the id's folder) or a path to an archive. */
export async function locateBackup(paths: Paths, id: string | undefined, ref: string): Promise<{ file: string; id: string | undefined }> {
  if (ref.includes('/')) {
    const file = path.resolve(ref);
    if (!compressionOf(file)) throw new UsageError(`${ref} is not a .tar.gz or .tar.zst archive`);
    if (!(await isFile(file))) throw new NotFoundError(`no backup archive ${file}`, 'list backups with `pxdeploy backups`');
    return { file, id: id ?? idOfFile(paths, file) };
  }
  if (id === undefined) {
    const ids = await backupIds(paths);
    if (ids.length !== 1) throw new UsageError(`which instance's ${ref}? ${ids.length === 0 ? 'there are no backups' : `backups exist for ${ids.join(', ')}`}`, 'pass --id <id> or a path');
    id = ids[0]!;
  }
  const dir = paths.backupsOf(id);
  const candidates = ref === 'latest' ? ['latest'] : /^\d+$/.test(ref) ? [`${ref}.tar.gz`, `${ref}.tar.zst`] : [ref];
  for (const c of candidates) {
    const p = path.join(dir, c);
    if (await isFile(p)) return { file: c === 'latest' ? await realpath(p) : p, id };
  }
  throw new NotFoundError(`no backup '${ref}' of ${id} in ${dir}`, `list them with \`pxdeploy backups ${id}\``);
}

/** The source behind a backup id: a blue/green instance (by its state file), else an OCI app (by hostname). */
export async function resolveBackupSource(paths: Paths, id: string): Promise<BackupSource> {
  const { readInstanceState } = await import('../../state/instance-state.js');
  const state = await readInstanceState(paths, id);
  if (state) {
    const { loadInstance } = await import('../../instances/load.js');
    const { instanceBackupSource } = await import('./instance-source.js');
    return instanceBackupSource(paths, await loadInstance(paths, id), state);
  }
  const { readAppState } = await import('../../apps/state.js');
  const app = await readAppState(paths, id);
  if (app) {
    const { appBackupSource } = await import('./app-source.js');
    return appBackupSource(app);
  }
  throw new NotFoundError(`nothing to back up called '${id}'`, 'backups work for blue/green instances (`pxdeploy status`) and OCI apps (`pxdeploy app list`)');
}
