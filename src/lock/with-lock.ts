// Run one operation under the resource's lock and release it on every path: return, throw, SIGINT, SIGTERM, SIGHUP.
import { acquireLock } from './acquire.js';
import type { LockDeps, LockHandle } from './types.js';

const RELEASE_ON = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * While the lock is held a signal handler releases it synchronously, removes itself and sends
 * the same signal again. With no other handler left, the default action ends the process
 * (exit status 130 / 143 as the shell reports it); if main.ts listens, it decides. Either way no
 * explicit exit call here, and no lock left behind by Ctrl-C.
 */
export async function withLock<T>(
  deps: LockDeps,
  resourceId: string,
  operation: string,
  fn: (lock: LockHandle) => Promise<T>,
): Promise<T> {
  const lock = await acquireLock(deps, resourceId, operation);
  const handlers = new Map<NodeJS.Signals, () => void>();
  const uninstall = () => {
    for (const [sig, h] of handlers) process.removeListener(sig, h);
    handlers.clear();
  };
  for (const sig of RELEASE_ON) {
    const h = () => {
      uninstall();
      try {
        lock.releaseSync();
      } catch {
        // dying anyway; a lock we could not remove is reclaimed later as stale (dead pid)
      }
      process.kill(process.pid, sig);
    };
    handlers.set(sig, h);
    process.on(sig, h);
  }
  try {
    return await fn(lock);
  } finally {
    // Handlers stay installed until the lock is gone, so a signal during release still cleans up.
    try {
      await lock.release();
    } catch (err) {
      // Never let a failed release hide the operation's own result or error. The lock stays
      // behind and becomes stale once this process has exited (dead pid).
      deps.log.warn(`could not release lock on ${resourceId}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      uninstall();
    }
  }
}
