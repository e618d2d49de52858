// Operation locks: one directory per resource naming its holder; stale detection; withLock().
export type { LockDeps, LockHandle, LockLog, LockStatus, ReleaseResult, StalenessOptions } from './types.js';
export { acquireLock } from './acquire.js';
export { withLock } from './with-lock.js';
export type { ReleaseLockOptions } from './status.js';
export { listLocks, lockStatus, releaseLock } from './status.js';
export type { Verdict } from './stale.js';
export { INCOMPLETE_GRACE_SEC, STALE_AFTER_SEC, assessLock, describeHolder, isProcessAlive } from './stale.js';
export type { LockSnapshot } from './metadata.js';
export { METADATA_FILES, currentOwner, readLock } from './metadata.js';
