// Read-modify-write of one state file under its short lock, written through the effects seam.
import type { Effects } from '../effects/types.js';
import type { StateSchema, WriteJsonOptions } from './json-file.js';
import { readJson, writeState } from './json-file.js';

/** Returned by an updater to delete the file (e.g. uninstall). */
export const REMOVE: unique symbol = Symbol('remove state file');
export type Update<T> = T | typeof REMOVE | undefined;

/** What writing state needs from the effects seam. */
export type StateEffects = Pick<Effects, 'writeFile' | 'remove' | 'guard' | 'readFile'>;

/**
 * Read `file`, let `fn` compute the next document, write it atomically — all while holding the
 * short lock, so concurrent updaters (in this or other processes) are serialised and none of their
 * changes is lost. `fn` returns the new document, `undefined` to leave the file as it is, or REMOVE
 * to delete it. A corrupt file aborts with CorruptStateError before `fn` runs; it is never replaced.
 */
export async function updateJson<T extends { schemaVersion: number }>(
  fx: StateEffects,
  file: string,
  spec: StateSchema<T>,
  fn: (current: T | undefined) => Update<T> | Promise<Update<T>>,
  opts: WriteJsonOptions = {},
): Promise<T | undefined> {
  return fx.guard(file, async () => {
    const current = await readJson(file, spec, fx);
    const next = await fn(current);
    if (next === undefined) return current;
    if (next === REMOVE) {
      await fx.remove(file);
      return undefined;
    }
    await writeState(fx, file, spec, next, opts);
    return next;
  });
}
