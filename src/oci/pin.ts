// Keep an archive an app needs when a re-pull of its tag would overwrite it: move it aside under its digest's name (`app_sha256_<hex>.tar`).
import path from 'node:path';
import type { Context } from '../context.js';
import { listApps, repointArchive } from '../apps/state.js';
import { pveOciArchiveName } from '../host/skopeo.js';
import { forgetArchive, recordArchive, type OciArchive } from './index-file.js';
import { usesOf } from './usage.js';

export interface PinnedArchive {
  from: string;
  to: { volid: string; path: string };
  /** Apps whose record now names the pinned copy. */
  apps: string[];
}

/** The name `oci pull image@digest` gives the same image: a later pull by digest finds it up to date. */
export function pinnedName(a: Pick<OciArchive, 'image' | 'digest'>): string {
  return pveOciArchiveName(`${a.image}@${a.digest}`);
}

/**
 * When an app runs on `known` or keeps it for rollback, rename it (same directory, atomic) to its
 * digest-pinned name and point the index and the app records at the new name. Nothing happens for an
 * archive no app needs: the new pull may replace it, as PVE's own pull would.
 */
export async function pinInUseArchive(ctx: Context, known: OciArchive): Promise<PinnedArchive | undefined> {
  const use = usesOf(known.volid, await listApps(ctx.paths, ctx.effects));
  if (use.users.length === 0 && use.rollback.length === 0) return undefined;
  const name = pinnedName(known);
  const to = { volid: `${known.storage}:vztmpl/${name}`, path: path.join(path.dirname(known.path), name) };
  ctx.report.info(`keeping ${known.volid} (${known.digest.slice(0, 19)}) as ${to.volid}: ${[...use.users, ...use.rollback.map((h) => `${h} (rollback)`)].join(', ')} need it`);
  await ctx.effects.rename(known.path, to.path);
  await recordArchive(ctx.effects, ctx.paths, { ...known, volid: to.volid, path: to.path });
  await forgetArchive(ctx.effects, ctx.paths, known.volid);
  const apps = await repointArchive(ctx.effects, ctx.paths, known.volid, to);
  return { from: known.volid, to, apps };
}
