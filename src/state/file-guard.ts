// The short lock around a state file's read-modify-write (proper-lockfile on `<file>.lock`), crash-safe after 10 s.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, PxError } from '../errors.js';
import { loadLockfile } from './lockfile.js';

/** Run `fn` holding the short exclusive lock of `file`, so concurrent updaters (any process) are serialised. */
export async function withFileGuard<T>(file: string, fn: () => Promise<T>, waitMs: number = 10_000): Promise<T> {
  const lockfile = await loadLockfile();
  await mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
  let compromised: Error | undefined;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(file, {
      realpath: false, // the state file may not exist yet
      // A holder that crashed leaves `<file>.lock`; after 10 s without its mtime refresh it is stale.
      stale: 10_000,
      retries: { retries: Math.max(1, Math.ceil(waitMs / 100)), factor: 1.2, minTimeout: 5, maxTimeout: 100, randomize: true },
      onCompromised: (err) => {
        compromised = err;
      },
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') {
      // Not LockedError: its hint points at operation locks, which `lock status` lists; this is the short lock.
      throw new PxError(
        `state file ${file} is being updated by another process (waited ${Math.round(waitMs / 1000)}s)`,
        ExitCode.locked,
        `retry; if it persists, a crashed writer left ${file}.lock behind (it is removed automatically once 10 s old)`,
      );
    }
    throw err;
  }
  try {
    const result = await fn();
    if (compromised) throw new Error(`lost the lock on ${file} while updating it: ${compromised.message}`);
    return result;
  } finally {
    await release().catch(() => {});
  }
}
