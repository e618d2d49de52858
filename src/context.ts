// The context every operation receives explicitly: no global singletons.
import type { Runner } from './host/command.js';
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
  runner: Runner;
  paths: Paths;
  clock: Clock;
  flags: GlobalFlags;
  report: Reporter;
}
