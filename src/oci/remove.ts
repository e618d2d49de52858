// `oci rm <ref|volid>`: remove a pulled archive and its index entry; refused while a CT uses it or an app's rollback needs it, unless --force.
import type { Context } from '../context.js';
import { NotFoundError, UsageError } from '../errors.js';
import { listApps } from '../apps/state.js';
import { forgetArchive, readOciIndex, type OciArchive } from './index-file.js';
import { parseImageRef } from './reference.js';
import { usesOf } from './usage.js';

/** By volid (`local:vztmpl/app_1.0.tar`), file name, or reference (`127.0.0.1:5000/demo/app:1.0`). */
export function findArchive(archives: readonly OciArchive[], text: string): OciArchive[] {
  const byName = archives.filter((a) => a.volid === text || a.volid.endsWith(`/${text}`) || a.ref === text);
  if (byName.length > 0) return byName;
  try {
    const ref = parseImageRef(text).ref;
    return archives.filter((a) => a.ref === ref);
  } catch {
    return [];
  }
}

export async function removeArchive(ctx: Context, text: string, opts: { force: boolean }): Promise<{ removed: string[]; forced: string[] }> {
  const matches = findArchive(await readOciIndex(ctx.paths, ctx.effects), text);
  if (matches.length === 0) throw new NotFoundError(`no pulled archive matches '${text}'`, 'see `pxdeploy oci list`');
  const apps = await listApps(ctx.paths);
  const forced: string[] = [];
  for (const a of matches) {
    const use = usesOf(a.volid, apps);
    const why = [...use.users.map((u) => `CT ${u} uses it`), ...use.rollback.map((h) => `app ${h} needs it to roll back`)];
    if (why.length === 0) continue;
    if (!opts.force) throw new UsageError(`refusing to remove ${a.volid}: ${why.join('; ')}`, 'remove the app first, or pass --force');
    forced.push(a.volid);
  }
  for (const a of matches) {
    await ctx.effects.remove(a.path);
    await forgetArchive(ctx.effects, ctx.paths, a.volid);
  }
  return { removed: matches.map((a) => a.volid), forced };
}
