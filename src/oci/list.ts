// `oci list`: the pulled archives from the index, with the apps using them (or keeping them for rollback).
import { stat } from 'node:fs/promises';
import type { Context } from '../context.js';
import { listApps } from '../apps/state.js';
import { readOciIndex, type OciArchive } from './index-file.js';
import { usesOf, type ArchiveUse } from './usage.js';

export interface ListedArchive extends OciArchive, ArchiveUse {
  /** The file is gone from the template cache (removed by hand or by PVE). */
  missing: boolean;
}

export async function listArchives(ctx: Context): Promise<ListedArchive[]> {
  const [archives, apps] = await Promise.all([readOciIndex(ctx.paths), listApps(ctx.paths)]);
  return Promise.all(
    archives.map(async (a) => ({ ...a, ...usesOf(a.volid, apps), missing: !(await stat(a.path).then((s) => s.isFile(), () => false)) })),
  );
}
