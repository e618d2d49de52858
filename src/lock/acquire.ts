// Take the per-resource operation lock: atomic install of complete metadata, fail fast when held, reclaim when stale.
import { lstatSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { systemClock } from '../context.js';
import type { LockHolder } from '../errors.js';
import { LockedError } from '../errors.js';
import { assertOperationName } from '../log/format.js';
import { loadLockfile } from '../state/lockfile.js';
import { withGuard, withGuardSync } from './guard.js';
import type { LockSnapshot } from './metadata.js';
import { METADATA_FILES, currentOwner, readLock, scratchPath, writeStaging } from './metadata.js';
import { assessLock, describeHolder, isProcessAlive, nowSec } from './stale.js';
import type { LockDeps, LockHandle, LockLog } from './types.js';

/** Retries only happen when the lock changes hands under us; a held lock fails at once. */
const MAX_ATTEMPTS = 20;

function isCode(err: unknown, ...codes: string[]): boolean {
  return codes.includes((err as NodeJS.ErrnoException).code ?? '');
}

/**
 * Move the prepared directory to `<id>.lock`. rename(2) onto a non-empty directory fails, which
 * is what makes taking the lock atomic. rename onto an EMPTY directory would succeed, so an
 * existing path is never renamed onto (pxdeploy locks are never empty; an empty one comes from
 * another tool's mkdir and is treated as a lock being written).
 */
async function tryInstall(staging: string, lockPath: string): Promise<boolean> {
  try {
    await lstat(lockPath);
    return false;
  } catch (err) {
    if (!isCode(err, 'ENOENT')) throw err;
  }
  try {
    await rename(staging, lockPath);
    return true;
  } catch (err) {
    if (isCode(err, 'ENOTEMPTY', 'EEXIST', 'ENOTDIR', 'EISDIR')) return false;
    throw err;
  }
}

/**
 * Remove a lock judged stale, atomically: under the guard, re-read it and re-judge it; only if
 * it is still the same stale lock, rename it to a unique tombstone (so `<id>.lock` disappears in
 * one step and no half-deleted directory is ever visible), log, then delete the tombstone.
 */
async function reclaimIfStillStale(
  lockPath: string,
  resourceId: string,
  seen: Extract<LockSnapshot, { kind: 'present' }>,
  deps: LockDeps,
): Promise<boolean> {
  return withGuard(lockPath, async () => {
    const again = await readLock(lockPath);
    if (again.kind === 'absent' || again.ino !== seen.ino) return false;
    const verdict = assessLock(again, { ...deps, sharedAcrossHosts: deps.paths.locksShared });
    if (!verdict.stale) return false;
    const tomb = scratchPath(path.dirname(lockPath), resourceId, 'rm');
    try {
      await rename(lockPath, tomb);
    } catch (err) {
      if (isCode(err, 'ENOENT')) return false;
      throw err;
    }
    deps.log.warn(`reclaimed stale lock of ${describeHolder(again.holder, verdict.ageSec)}: ${verdict.reason}`);
    await rm(tomb, { recursive: true, force: true });
    return true;
  });
}

/** Best effort: remove staging dirs and tombstones left by processes that died mid-way. */
async function sweepLeftovers(lockDir: string, resourceId: string, isAlive: (pid: number) => boolean): Promise<void> {
  const prefix = `.${resourceId}.lock.`;
  let names: string[];
  try {
    names = await readdir(lockDir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = name.startsWith(prefix) ? /^(?:new|rm)-(\d+)-[0-9a-f]+$/.exec(name.slice(prefix.length)) : null;
    if (m && !isAlive(Number(m[1]))) await rm(path.join(lockDir, name), { recursive: true, force: true }).catch(() => {});
  }
}

interface HandleState {
  lockPath: string;
  ino: number;
  holder: LockHolder;
  log: LockLog;
}

/**
 * Still ours? Same directory (inode) and the same metadata we wrote. The inode alone is not
 * enough (a removed directory's inode number is reused at once) and neither is the pid (a
 * process may hold a lock again after its first one was taken away).
 */
function isOurs(s: HandleState, ino: number, read: (name: string) => string): boolean {
  const expected: Record<string, string> = {
    pid: String(s.holder.pid),
    timestamp: String(s.holder.timestamp),
    owner: s.holder.owner,
    operation: s.holder.operation,
  };
  return ino === s.ino && METADATA_FILES.every((f) => read(f).trim() === expected[f]);
}

function ownsLockSync(s: HandleState): boolean {
  try {
    return isOurs(s, lstatSync(s.lockPath).ino, (f) => readFileSync(path.join(s.lockPath, f), 'utf8'));
  } catch {
    return false;
  }
}

async function ownsLock(s: HandleState): Promise<boolean> {
  try {
    const ino = (await lstat(s.lockPath)).ino;
    const values = new Map<string, string>();
    for (const f of METADATA_FILES) values.set(f, await readFile(path.join(s.lockPath, f), 'utf8'));
    return isOurs(s, ino, (f) => values.get(f) ?? '');
  } catch {
    return false;
  }
}

function createHandle(resourceId: string, s: HandleState): LockHandle {
  // 'releasing': release() started (it may be waiting for the guard); 'done': the lock is gone or not ours.
  let phase: 'held' | 'releasing' | 'done' = 'held';
  let guardHeld = false;
  const lostMessage = `lock on ${resourceId} was no longer ours when releasing (reclaimed as stale or force-released); left it alone`;
  const removeSync = (): boolean => {
    if (!ownsLockSync(s)) return false;
    const tomb = scratchPath(path.dirname(s.lockPath), resourceId, 'rm');
    try {
      renameSync(s.lockPath, tomb);
    } catch {
      return false;
    }
    rmSync(tomb, { recursive: true, force: true });
    return true;
  };
  return {
    resourceId,
    operation: s.holder.operation,
    path: s.lockPath,
    holder: s.holder,
    get released() {
      return phase !== 'held';
    },
    async release() {
      if (phase !== 'held') return false;
      phase = 'releasing';
      return withGuard(s.lockPath, async () => {
        if (phase === 'done') return false; // a signal handler released it meanwhile
        guardHeld = true;
        try {
          if (!(await ownsLock(s))) {
            s.log.warn(lostMessage);
            return false;
          }
          const tomb = scratchPath(path.dirname(s.lockPath), resourceId, 'rm');
          await rename(s.lockPath, tomb);
          await rm(tomb, { recursive: true, force: true });
          return true;
        } finally {
          guardHeld = false;
          phase = 'done';
        }
      });
    },
    releaseSync() {
      if (phase === 'done') return false;
      phase = 'done';
      // If our own release() holds the guard right now, taking it again would only wait for ourselves.
      return guardHeld ? removeSync() : withGuardSync(s.lockPath, removeSync);
    },
  };
}

/**
 * Take the operation lock on `resourceId` for `operation`, or throw LockedError (exit 5) naming
 * the live holder. A stale lock is reclaimed (WARN line in `deps.log`) and then taken.
 */
export async function acquireLock(deps: LockDeps, resourceId: string, operation: string): Promise<LockHandle> {
  assertOperationName(operation);
  const lockPath = deps.paths.lockPath(resourceId);
  const lockDir = path.dirname(lockPath);
  const clock = deps.clock ?? systemClock;
  await mkdir(lockDir, { recursive: true, mode: 0o755 });
  // Loaded now so that a signal handler can take the guard synchronously later.
  await loadLockfile();
  const holder: LockHolder = { pid: process.pid, timestamp: nowSec(deps), owner: deps.owner ?? currentOwner(), operation };
  const staging = await writeStaging(lockDir, resourceId, holder);
  let installed = false;
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (await tryInstall(staging.path, lockPath)) {
        installed = true;
        await sweepLeftovers(lockDir, resourceId, deps.isAlive ?? isProcessAlive);
        return createHandle(resourceId, { lockPath, ino: staging.ino, holder, log: deps.log });
      }
      const seen = await readLock(lockPath);
      if (seen.kind === 'absent') continue; // released between our rename and our read: try again
      const verdict = assessLock(seen, { ...deps, sharedAcrossHosts: deps.paths.locksShared });
      if (!verdict.stale) throw new LockedError(resourceId, seen.holder, clock.now().getTime());
      await reclaimIfStillStale(lockPath, resourceId, seen, deps);
    }
    throw new LockedError(resourceId, undefined, clock.now().getTime());
  } finally {
    if (!installed) await rm(staging.path, { recursive: true, force: true }).catch(() => {});
  }
}
