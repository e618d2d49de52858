// The short lock: read-modify-write of one state file under a proper-lockfile lock (`<file>.lock`).
import { mkdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, PxError } from '../errors.js';
import type { StateSchema, WriteJsonOptions } from './json-file.js';
import { readJson, writeState } from './json-file.js';
import { loadLockfile } from './lockfile.js';

/** Returned by an updater to delete the file (e.g. uninstall). */
export const REMOVE: unique symbol = Symbol('remove state file');
export type Update<T> = T | typeof REMOVE | undefined;

export interface UpdateJsonOptions extends WriteJsonOptions {
  /** How long to wait for another writer before giving up (default 10 s). */
  waitMs?: number;
}

/**
 * Read `file`, let `fn` compute the next document, write it atomically — all while holding a
 * short exclusive lock, so concurrent updaters (in this or other processes) are serialised and
 * none of their changes is lost. `fn` returns the new document, `undefined` to leave the file
 * as it is, or REMOVE to delete it. A corrupt file aborts with CorruptStateError before `fn`
 * runs; it is never silently replaced.
 */
export async function updateJson<T extends { schemaVersion: number }>(
  file: string,
  spec: StateSchema<T>,
  fn: (current: T | undefined) => Update<T> | Promise<Update<T>>,
  opts: UpdateJsonOptions = {},
): Promise<T | undefined> {
  const lockfile = await loadLockfile();
  await mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
  const waitMs = opts.waitMs ?? 10_000;
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
    const current = await readJson(file, spec);
    const next = await fn(current);
    if (compromised) throw new Error(`lost the lock on ${file} while updating it: ${compromised.message}`);
    if (next === undefined) return current;
    if (next === REMOVE) {
      await unlink(file).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      return undefined;
    }
    await writeState(file, spec, next, opts);
    return next;
  } finally {
    await release().catch(() => {});
  }
}
