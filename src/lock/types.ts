// Shapes shared by the operation lock modules: what a lock needs, what a holder gets, what status shows.
import type { Clock } from '../context.js';
import type { LockHolder } from '../errors.js';
import type { Paths } from '../state/paths.js';

/** The lock writes to the operation log of the command that takes it (stale reclaim, lost lock). */
export interface LockLog {
  warn(message: string): void;
}

/** Staleness rules; the defaults are the seed's (3600 s) plus a grace for metadata being written. */
export interface StalenessOptions {
  clock?: Clock;
  /** A lock older than this is stale even if its holder still runs (default 3600 s). */
  staleAfterSec?: number;
  /**
   * A lock directory without readable metadata counts as held (someone is writing it) for this
   * long after its creation; only then may it be declared stale (default 30 s).
   */
  incompleteGraceSec?: number;
  /** Test seam: whether a pid runs on this host. */
  isAlive?: (pid: number) => boolean;
  /**
   * The lock directory is shared by several hosts (pmxcfs): a holder whose owner names another
   * host cannot be checked by pid here, so only the age limit makes its lock stale.
   */
  sharedAcrossHosts?: boolean;
}

export interface LockDeps extends StalenessOptions {
  paths: Paths;
  log: LockLog;
  /** `user@host`; defaults to the current user and hostname. */
  owner?: string;
}

export interface LockHandle {
  readonly resourceId: string;
  readonly operation: string;
  /** The lock directory (`/var/lock/pxdeploy/<id>.lock`). */
  readonly path: string;
  readonly holder: LockHolder;
  readonly released: boolean;
  /** Remove the lock if it is still ours; false when someone took it away meanwhile. Idempotent. */
  release(): Promise<boolean>;
  /** The same, synchronously: for signal handlers, which cannot wait for promises. */
  releaseSync(): boolean;
}

export interface LockStatus {
  resourceId: string;
  path: string;
  /** Undefined when the directory has no readable metadata (being written, or left by a crash). */
  holder: LockHolder | undefined;
  /** Seconds since the lock was taken (its timestamp, else the directory's mtime). */
  ageSec: number;
  stale: boolean;
  /** Why it is stale, or why its metadata is unreadable. */
  reason: string | undefined;
}

export interface ReleaseResult {
  released: boolean;
  holder: LockHolder | undefined;
  stale: boolean;
  reason: string | undefined;
}
