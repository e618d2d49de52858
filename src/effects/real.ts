// Effects performed for real: each mutating host command and file change is done, then written to the operation log.
import type { CommandResult, HostCommand, RunOptions, Runner } from '../host/command.js';
import type { LockDeps } from '../lock/types.js';
import type { OperationLog } from '../log/types.js';
import type { Paths } from '../state/paths.js';
import type { Clock } from '../context.js';
import { describeEffect } from './describe.js';
import { makeDir, readTextFile, removePath, renamePath, symlinkAtomic, writeFileAtomic } from './files.js';
import type { Effect, Effects, WriteOptions } from './types.js';

/** What the effects need of the operation log: the levels and the audit line per effect. */
export type EffectLog = Pick<OperationLog, 'debug' | 'info' | 'warn' | 'error' | 'success' | 'effect'>;

export interface RealEffectsOptions {
  runner: Runner;
  paths: Paths;
  clock: Clock;
  log: EffectLog;
  /** The log's redactor, so a secret registered for the operation is masked in every line. */
  redact?: (text: string) => string;
}

export class RealEffects implements Effects {
  readonly plan = undefined;
  private readonly o: RealEffectsOptions;

  constructor(opts: RealEffectsOptions) {
    this.o = opts;
  }

  /** Perform one effect; on success one INFO line, on failure one ERROR line naming it, then rethrow. */
  private async perform<T>(effect: Effect, act: () => Promise<T>, outcome: (t: T) => string = () => ''): Promise<T> {
    const text = describeEffect(effect, this.o.redact);
    let result: T;
    try {
      result = await act();
    } catch (err) {
      const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
      this.o.log.error(`failed: ${text}: ${why}`);
      throw err;
    }
    const extra = outcome(result);
    this.o.log.effect(extra ? `${text} (${extra})` : text);
    return result;
  }

  async run(cmd: HostCommand, opts: RunOptions = {}): Promise<CommandResult> {
    if (cmd.readOnly) return this.o.runner.run(cmd, opts);
    return this.perform({ kind: 'run', cmd }, () => this.o.runner.run(cmd, opts), (r) => `exit ${r.exitCode}, ${(r.durationMs / 1000).toFixed(1)}s`);
  }

  readFile(path: string): Promise<string | undefined> {
    return readTextFile(path);
  }

  async writeFile(path: string, data: string | Uint8Array, opts: WriteOptions = {}): Promise<void> {
    const mode = opts.mode ?? 0o644;
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    await this.perform({ kind: 'write', path, bytes, mode }, () => writeFileAtomic(path, data, mode));
  }

  async mkdir(path: string, opts: { mode?: number } = {}): Promise<void> {
    const mode = opts.mode ?? 0o755;
    await this.perform({ kind: 'mkdir', path, mode }, () => makeDir(path, mode));
  }

  async remove(path: string): Promise<void> {
    await this.perform({ kind: 'remove', path }, () => removePath(path));
  }

  async symlink(target: string, path: string): Promise<void> {
    await this.perform({ kind: 'symlink', path, target }, () => symlinkAtomic(target, path));
  }

  async rename(from: string, to: string): Promise<void> {
    await this.perform({ kind: 'rename', from, to }, () => renamePath(from, to));
  }

  private lockDeps(): LockDeps {
    return { paths: this.o.paths, clock: this.o.clock, log: this.o.log };
  }

  async guard<T>(file: string, fn: () => Promise<T>, opts: { waitMs?: number } = {}): Promise<T> {
    const { withFileGuard } = await import('../state/file-guard.js');
    return withFileGuard(file, fn, opts.waitMs);
  }

  async withLock<T>(resource: string, operation: string, fn: () => Promise<T>): Promise<T> {
    const { withLock } = await import('../lock/with-lock.js');
    return withLock(this.lockDeps(), resource, operation, async () => {
      this.o.log.effect(describeEffect({ kind: 'lock', resource, operation }));
      try {
        return await fn();
      } finally {
        this.o.log.effect(describeEffect({ kind: 'unlock', resource }));
      }
    });
  }

  async releaseLock(resource: string, opts: { force: boolean }) {
    const { releaseLock } = await import('../lock/status.js');
    // The lock module writes the effect's one WARN line itself, naming the holder it removed.
    return releaseLock(this.o.paths, resource, { force: opts.force, clock: this.o.clock, log: this.o.log });
  }

  async afterApply<T>(_what: string, fn: () => Promise<T>): Promise<T> {
    return fn();
  }
}
