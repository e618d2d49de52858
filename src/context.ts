// The context every operation receives explicitly: no global singletons.
import type { PveReadCache } from './cluster/cache.js';
import type { Effects } from './effects/types.js';
import type { OperationLogger } from './log/types.js';
import type { Paths } from './state/paths.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface GlobalFlags {
  json: boolean;
  dryRun: boolean;
  verbose: boolean;
  yes: boolean;
}

/** Progress and notices for the person at the terminal (stderr); silent under --json. */
export interface Reporter {
  info(message: string): void;
  warn(message: string): void;
}

export interface Context {
  /** The only way an operation changes the host: performed and logged, or listed under --dry-run. */
  effects: Effects;
  paths: Paths;
  clock: Clock;
  /** Output and confirmation flags. Operations never read `dryRun`: the effects seam carries it. */
  flags: GlobalFlags;
  report: Reporter;
  /** The operation log of the resource being changed (a no-op for commands that only read). */
  log: OperationLogger;
  /** PVE's answers already read during this command (`cluster/cache.ts`); made on first use when absent. */
  reads?: PveReadCache;
}
