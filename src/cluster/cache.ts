// One command never asks PVE the same question twice: read-only host commands memoised for the Context's lifetime.
import type { Context } from '../context.js';
import type { CommandResult, HostCommand } from '../host/command.js';
import { runPve } from '../host/pve-run.js';

/** Answers by argv; a pending answer is shared, a failed one is forgotten so a retry asks again. */
export class PveReadCache {
  private readonly answers = new Map<string, Promise<CommandResult>>();
  hits = 0;
  misses = 0;

  get(cmd: HostCommand, ask: () => Promise<CommandResult>): Promise<CommandResult> {
    const key = [cmd.file, ...cmd.args].join('\0');
    const known = this.answers.get(key);
    if (known) {
      this.hits++;
      return known;
    }
    this.misses++;
    const answer = ask();
    this.answers.set(key, answer);
    answer.catch(() => this.answers.delete(key));
    return answer;
  }
}

// Contexts built without a cache (tests, older callers) still get one per effects instance, i.e. per command.
const byEffects = new WeakMap<object, PveReadCache>();

export function readCacheOf(ctx: Pick<Context, 'effects' | 'reads'>): PveReadCache {
  if (ctx.reads) return ctx.reads;
  let cache = byEffects.get(ctx.effects);
  if (!cache) byEffects.set(ctx.effects, (cache = new PveReadCache()));
  return cache;
}

/**
 * Run a read-only PVE command once per command: node lists, node status, storage, network and the
 * cluster's guests do not change because we asked. Answers that do change while a command runs
 * (next free vmid, a CT's status while waiting) must not come through here.
 */
export function cachedRead(ctx: Pick<Context, 'effects' | 'reads'>, cmd: HostCommand): Promise<CommandResult> {
  if (!cmd.readOnly) throw new Error(`only read-only commands are cached: ${cmd.file} ${cmd.args.join(' ')}`);
  return readCacheOf(ctx).get(cmd, () => runPve(ctx.effects, cmd));
}
