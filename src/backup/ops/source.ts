// What a backup is taken from and restored into: a small interface that OCI apps and blue/green instances implement.
import type { Context } from '../../context.js';
import type { BackupEntry } from '../write-archive.js';

/** One folder of the archive that a restore swaps in as a whole (an app volume, an instance's files/). */
export interface RestorableDir {
  /** Entry name in the archive, e.g. `files/data`. */
  entry: string;
  /** The host folder it came from and goes back to (a path inside the CT for a target with its own `swap`). */
  host: string;
}

/** How extracted entries replace the live data, in four steps restore.ts drives; one object per restore. */
export interface DataSwap {
  /** Before the services stop: bring the extracted entries where the swap needs them (e.g. into the CT). */
  prepare(ctx: Context): Promise<void>;
  /** Services stopped: the current data aside (the safety copy), the restored data in. */
  swapIn(ctx: Context): Promise<void>;
  /** After a failure: the safety copy back in place of whatever swapIn got done. */
  putBack(ctx: Context): Promise<void>;
  /** At the end either way: drop the safety copies left and whatever prepare brought. */
  cleanup(ctx: Context): Promise<void>;
}

/**
 * A thing pxdeploy can back up. `entries` names what goes into the archive (host folders read on
 * the host; CT data as a `tar-stream` from `pct exec … tar -cf -`); `quiesce` makes a consistent
 * point (a database dump) and returns what undoes it; `restore` is how it is stopped, refilled and
 * proven healthy again. Everything that changes the host goes through `ctx.effects`.
 */
export interface BackupSource {
  /** The backup id: names /var/backups/pxdeploy/<id>/ and the schedule's timer instance. */
  id: string;
  kind: 'oci-app' | 'instance';
  /** The operation lock held for the whole backup or restore (shared with updates of the same thing). */
  lockResource: string;
  /** The app version now running: stored in metadata.json, compared on restore. */
  version: string | undefined;
  /** Seed metadata fields the source knows (hostname, app, database_type, …). */
  metadata: Record<string, unknown>;
  entries(ctx: Context): Promise<BackupEntry[]>;
  quiesce?(ctx: Context): Promise<() => Promise<void>>;
  restore?: RestoreTarget;
}

export interface RestoreTarget {
  /** Entries swapped in from the archive; every one must be in it. */
  dirs: RestorableDir[];
  /** Host folder the archive is verified and extracted into first (default: beside the first dir). */
  stagingDir?: string;
  /** How the extracted entries (in `extracted`) replace the live data; default: host folders renamed. */
  swap?: (extracted: string, stamp: string) => DataSwap;
  stop(ctx: Context): Promise<void>;
  start(ctx: Context): Promise<void>;
  /** Throws (HealthCheckError) unless the restored thing answers in time. */
  healthGate(ctx: Context): Promise<void>;
  /** Under the lock, before anything else: repair what an earlier restore left when its process was killed. */
  recover?(ctx: Context): Promise<void>;
  /** The restore ended (its data, or the pre-restore data after an undo, serving or not): clear what `recover` would act on. */
  finish?(ctx: Context, outcome: 'success' | 'failure', error?: string): Promise<void>;
}
