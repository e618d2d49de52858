// `pxdeploy lock status|release`: list every operation lock with age and staleness; remove one on request.
import { readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { systemClock } from '../context.js';
import { LockedError } from '../errors.js';
import type { Paths } from '../state/paths.js';
import { assertSafeId } from '../state/paths.js';
import { withGuard } from './guard.js';
import { readLock, scratchPath } from './metadata.js';
import { assessLock, describeHolder } from './stale.js';
import type { LockLog, LockStatus, ReleaseResult, StalenessOptions } from './types.js';

/** Status of one resource's lock, or undefined when it is not locked. */
export async function lockStatus(paths: Paths, resourceId: string, opts: StalenessOptions = {}): Promise<LockStatus | undefined> {
  const lockPath = paths.lockPath(resourceId);
  const snap = await readLock(lockPath);
  if (snap.kind === 'absent') return undefined;
  const v = assessLock(snap, { ...opts, sharedAcrossHosts: paths.locksShared });
  return {
    resourceId,
    path: lockPath,
    holder: snap.holder,
    ageSec: v.ageSec,
    stale: v.stale,
    reason: v.stale ? v.reason : snap.holder ? undefined : `metadata incomplete (${snap.problem ?? 'unreadable'})`,
  };
}

/** Every `<id>.lock` (on a cluster `pxdeploy-<id>`) under the lock directory, sorted by resource id. */
export async function listLocks(paths: Paths, opts: StalenessOptions = {}): Promise<LockStatus[]> {
  let names: string[];
  try {
    names = await readdir(paths.lockDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: LockStatus[] = [];
  for (const name of names.sort()) {
    const id = paths.lockIdOf(name);
    if (id === undefined) continue;
    try {
      assertSafeId(id);
    } catch {
      continue; // not ours
    }
    const st = await lockStatus(paths, id, opts);
    if (st) out.push(st);
  }
  return out;
}

export interface ReleaseLockOptions extends StalenessOptions {
  /** Remove the lock even though its holder still runs (the holder will find it gone on release). */
  force?: boolean;
  /** Operation log of the command doing the release; a removed lock is an event worth a WARN line. */
  log?: LockLog;
}

/**
 * Remove `<id>.lock` by hand. A stale lock goes without asking; a live holder's lock only with
 * `force` (otherwise LockedError, exit 5). Checked and removed under the guard, like a reclaim.
 */
export async function releaseLock(paths: Paths, resourceId: string, opts: ReleaseLockOptions = {}): Promise<ReleaseResult> {
  const lockPath = paths.lockPath(resourceId);
  return withGuard(lockPath, async () => {
    const snap = await readLock(lockPath);
    if (snap.kind === 'absent') return { released: false, holder: undefined, stale: false, reason: 'not locked' };
    const v = assessLock(snap, { ...opts, sharedAcrossHosts: paths.locksShared });
    if (!v.stale && !opts.force) throw new LockedError(resourceId, snap.holder, (opts.clock ?? systemClock).now().getTime());
    const tomb = scratchPath(path.dirname(lockPath), resourceId, 'rm');
    await rename(lockPath, tomb);
    await rm(tomb, { recursive: true, force: true });
    const why = v.stale ? v.reason : 'forced while the holder was still running';
    opts.log?.warn(`released ${v.stale ? 'stale ' : ''}lock of ${describeHolder(snap.holder, v.ageSec)} by request: ${why}`);
    return { released: true, holder: snap.holder, stale: v.stale, reason: why };
  });
}
