// --dry-run: reads happen, every change is listed (text as it is planned, and as a `plan` array for --json).
import type { CommandResult, HostCommand, RunOptions, Runner } from '../host/command.js';
import type { ReleaseResult } from '../lock/types.js';
import type { Paths } from '../state/paths.js';
import type { Clock } from '../context.js';
import { LockedError } from '../errors.js';
import { describeEffect } from './describe.js';
import { readTextFile } from './files.js';
import type { Effect, Effects, PlannedEffect, WriteOptions } from './types.js';

export const DRY_RUN_PREFIX = '[dry-run]';

export interface PlanEffectsOptions {
  /** Runs the read-only commands, so a plan is built from the host's real state. */
  runner: Runner;
  paths: Paths;
  clock: Clock;
  /** Each planned effect as a line (text mode); under --json the `plan` array carries them instead. */
  write?: (line: string) => void;
  redact?: (text: string) => string;
}

export class PlanEffects implements Effects {
  readonly plan: PlannedEffect[] = [];
  private readonly o: PlanEffectsOptions;
  /** Files this plan wrote (content) or removed (null): later reads in the same plan see them. */
  private readonly overlay = new Map<string, string | null>();

  constructor(opts: PlanEffectsOptions) {
    this.o = opts;
  }

  private list(effect: Effect): void {
    const display = describeEffect(effect, this.o.redact);
    this.plan.push({ kind: effect.kind, display });
    this.o.write?.(`${DRY_RUN_PREFIX} ${display}`);
  }

  async run(cmd: HostCommand, opts: RunOptions = {}): Promise<CommandResult> {
    if (cmd.readOnly) return this.o.runner.run(cmd, opts);
    this.list({ kind: 'run', cmd });
    return { exitCode: 0, stdout: '', stderr: '', durationMs: 0 };
  }

  async readFile(path: string): Promise<string | undefined> {
    const planned = this.overlay.get(path);
    if (planned !== undefined) return planned ?? undefined;
    return readTextFile(path);
  }

  async writeFile(path: string, data: string | Uint8Array, opts: WriteOptions = {}): Promise<void> {
    this.overlay.set(path, typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    this.list({ kind: 'write', path, bytes, mode: opts.mode ?? 0o644 });
  }

  async mkdir(path: string, opts: { mode?: number } = {}): Promise<void> {
    this.list({ kind: 'mkdir', path, mode: opts.mode ?? 0o755 });
  }

  async remove(path: string): Promise<void> {
    this.overlay.set(path, null);
    this.list({ kind: 'remove', path });
  }

  async symlink(target: string, path: string): Promise<void> {
    this.list({ kind: 'symlink', path, target });
  }

  async rename(from: string, to: string): Promise<void> {
    this.list({ kind: 'rename', from, to });
  }

  /** Nothing is written under a plan, so there is nothing to serialise. */
  async guard<T>(_file: string, fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  /** A live holder refuses the plan exactly as it would refuse the run (exit 5); nothing is taken. */
  async withLock<T>(resource: string, operation: string, fn: () => Promise<T>): Promise<T> {
    const { lockStatus } = await import('../lock/status.js');
    const st = await lockStatus(this.o.paths, resource, { clock: this.o.clock });
    if (st && !st.stale) throw new LockedError(resource, st.holder, this.o.clock.now().getTime());
    this.list({ kind: 'lock', resource, operation });
    const result = await fn();
    this.list({ kind: 'unlock', resource });
    return result;
  }

  async releaseLock(resource: string, opts: { force: boolean }): Promise<ReleaseResult> {
    const { lockStatus } = await import('../lock/status.js');
    const st = await lockStatus(this.o.paths, resource, { clock: this.o.clock });
    if (!st) return { released: false, holder: undefined, stale: false, reason: 'not locked' };
    if (!st.stale && !opts.force) throw new LockedError(resource, st.holder, this.o.clock.now().getTime());
    this.list({ kind: 'release-lock', resource, force: opts.force });
    const reason = st.stale ? (st.reason ?? 'stale') : 'forced while the holder was still running';
    return { released: true, holder: st.holder, stale: st.stale, reason };
  }

  async afterApply<T>(what: string, _fn: () => Promise<T>, unknown: T): Promise<T> {
    this.list({ kind: 'after', what });
    return unknown;
  }
}
