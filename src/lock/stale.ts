// When an operation lock is stale: its holder is gone, or it is older than the limit, or it never got metadata.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { systemClock } from '../context.js';
import type { LockHolder } from '../errors.js';
import type { LockSnapshot } from './metadata.js';
import type { StalenessOptions } from './types.js';

export const STALE_AFTER_SEC = 3600;
export const INCOMPLETE_GRACE_SEC = 30;

/** Whether `pid` runs on this host. EPERM means it exists but belongs to someone else: alive. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    if (code !== 'EPERM') throw err;
  }
  // A zombie (exited, not yet reaped by its parent) still answers kill(0) but will never release.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
  } catch {
    // no /proc (or the process just vanished): kill(0) said it exists, trust that
  }
  return true;
}

export type Verdict = { stale: false; ageSec: number } | { stale: true; ageSec: number; reason: string };

export function nowSec(opts: StalenessOptions): number {
  return Math.floor((opts.clock ?? systemClock).now().getTime() / 1000);
}

export function assessLock(snap: Extract<LockSnapshot, { kind: 'present' }>, opts: StalenessOptions): Verdict {
  const now = nowSec(opts);
  const staleAfter = opts.staleAfterSec ?? STALE_AFTER_SEC;
  const grace = opts.incompleteGraceSec ?? INCOMPLETE_GRACE_SEC;
  const isAlive = opts.isAlive ?? isProcessAlive;
  if (!snap.holder) {
    const ageSec = Math.max(0, now - snap.mtimeSec);
    // pxdeploy itself never shows a lock without metadata, but another tool doing mkdir-then-write might.
    if (ageSec < grace) return { stale: false, ageSec };
    return { stale: true, ageSec, reason: `lock has no valid metadata ${ageSec}s after it was created (${snap.problem ?? 'unreadable'})` };
  }
  const { pid } = snap.holder;
  const ageSec = Math.max(0, now - snap.holder.timestamp);
  const elsewhere = opts.sharedAcrossHosts && snap.holder.owner.slice(snap.holder.owner.lastIndexOf('@') + 1) !== os.hostname();
  if (!elsewhere && !isAlive(pid)) return { stale: true, ageSec, reason: `process ${pid} is no longer running` };
  if (ageSec > staleAfter) {
    return { stale: true, ageSec, reason: `held for ${ageSec}s, longer than the ${staleAfter}s limit (process ${pid} still running)` };
  }
  return { stale: false, ageSec };
}

/** `pid N (<owner>, '<op>', age Ns)`, the holder as the log and messages name it. */
export function describeHolder(holder: LockHolder | undefined, ageSec: number): string {
  return holder ? `pid ${holder.pid} (${holder.owner}, '${holder.operation}', age ${ageSec}s)` : `unknown holder (age ${ageSec}s)`;
}
