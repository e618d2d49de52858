// A short proper-lockfile mutex per resource (`.<id>.lock.guard`) that serialises removing an operation lock.
import path from 'node:path';
import { loadLockfile, loadedLockfile } from '../state/lockfile.js';

/**
 * Creating `<id>.lock` needs no guard (rename onto an existing lock fails atomically), but
 * removing one does: "it is stale, so I remove it" is a check-then-act, and without the guard a
 * slow reclaimer could remove the fresh lock a faster one just installed. Every removal
 * (release, reclaim, forced release) therefore re-checks and acts while holding this guard.
 * proper-lockfile gives it crash safety: a guard left by a killed process goes stale after 10 s.
 */
export function guardPath(lockPath: string): string {
  return path.join(path.dirname(lockPath), `.${path.basename(lockPath)}.guard`);
}

const GUARD_OPTIONS = { realpath: false, stale: 10_000 } as const;

export async function withGuard<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  const lockfile = await loadLockfile();
  const release = await lockfile.lock(lockPath, {
    ...GUARD_OPTIONS,
    lockfilePath: guardPath(lockPath),
    // Long enough to outlast a guard left behind by a crash (stale after 10 s).
    retries: { retries: 250, factor: 1.1, minTimeout: 5, maxTimeout: 100, randomize: true },
    onCompromised: () => {
      // Only possible if this process stalled for 10 s while holding a guard for a few fs calls;
      // the checks done under the guard are repeated by every actor, so carry on.
    },
  });
  try {
    return await fn();
  } finally {
    await release().catch(() => {});
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Synchronous variant for signal handlers. It tries for up to ~1 s and then proceeds without the
 * guard: releasing our own lock before dying matters more than the rare race it protects from.
 */
export function withGuardSync<T>(lockPath: string, fn: () => T): T {
  const lockfile = loadedLockfile();
  let release: (() => void) | undefined;
  for (let i = 0; lockfile && i < 100 && !release; i++) {
    try {
      release = lockfile.lockSync(lockPath, { ...GUARD_OPTIONS, lockfilePath: guardPath(lockPath) });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') break;
      sleepSync(10);
    }
  }
  try {
    return fn();
  } finally {
    try {
      release?.();
    } catch {
      // already gone
    }
  }
}
