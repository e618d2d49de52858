// The one seam for side effects: every change an operation makes to the host is an Effect performed through Effects.
import type { CommandResult, HostCommand, RunOptions, Runner } from '../host/command.js';
import type { ReleaseResult } from '../lock/types.js';

/** A change to the host, as data: what the real run performs and logs, and what a plan lists. */
export type Effect =
  | { kind: 'run'; cmd: HostCommand }
  | { kind: 'write'; path: string; bytes: number; mode: number }
  | { kind: 'mkdir'; path: string; mode: number }
  | { kind: 'remove'; path: string }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'rename'; from: string; to: string }
  | { kind: 'lock'; resource: string; operation: string }
  | { kind: 'unlock'; resource: string }
  | { kind: 'release-lock'; resource: string; force: boolean }
  | { kind: 'after'; what: string };

/** One entry of a `--dry-run` plan: the effect's kind and its one-line, redacted description. */
export interface PlannedEffect {
  kind: Effect['kind'];
  display: string;
}

export interface WriteOptions {
  /** File mode; default 0644. State and secrets files pass 0600. */
  mode?: number;
}

/**
 * Performs or plans effects. Reads (`readOnly` commands, file reads done directly) always happen,
 * so a plan is built from the host's real state; everything that changes the host goes through here.
 */
export interface Effects extends Runner {
  run(cmd: HostCommand, opts?: RunOptions): Promise<CommandResult>;
  /** Read a file as UTF-8 (undefined when absent); a plan sees the files it planned to write or remove. */
  readFile(path: string): Promise<string | undefined>;
  /** Replace a file atomically (temp file, fsync, rename), creating its directory. */
  writeFile(path: string, data: string | Uint8Array, opts?: WriteOptions): Promise<void>;
  mkdir(path: string, opts?: { mode?: number }): Promise<void>;
  /** Remove a file or directory tree; absent is fine. */
  remove(path: string): Promise<void>;
  /** Point `path` at `target`, replacing an existing link atomically. */
  symlink(target: string, path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Run a state file's read-modify-write under its short lock (crash-safe, other processes wait). */
  guard<T>(file: string, fn: () => Promise<T>, opts?: { waitMs?: number }): Promise<T>;
  /** Run `fn` holding the resource's operation lock (exit 5 when a live process holds it). */
  withLock<T>(resource: string, operation: string, fn: () => Promise<T>): Promise<T>;
  /** Remove a resource's lock: a stale one at once, a live holder's only with `force` (else exit 5). */
  releaseLock(resource: string, opts: { force: boolean }): Promise<ReleaseResult>;
  /**
   * Work whose outcome exists only once the effects before it happened: waiting for a started CT,
   * reading back a config just written. The real run performs `fn`; a plan lists `what` and
   * returns `unknown`, as Terraform shows "(known after apply)".
   */
  afterApply<T>(what: string, fn: () => Promise<T>, unknown: T): Promise<T>;
  /** The effects listed so far when planning (`--dry-run`); undefined when they are performed. */
  readonly plan: readonly PlannedEffect[] | undefined;
}
