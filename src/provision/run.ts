// Runs provisioning steps one at a time, recording each in the container state so a failed run resumes where it stopped.
import type { Context } from '../context.js';
import { updateContainerState, type ContainerState } from '../containers/state.js';
import { ProvisionStepError, PxError } from '../errors.js';
import type { ProvisionStep, ProvisionTarget } from './types.js';

export interface ProvisionResult {
  ran: string[];
  skipped: string[];
  /** Steps that failed but allowed provisioning to go on (continue_on_error). */
  tolerated: string[];
}

function tailOf(err: unknown): string {
  if (err instanceof ProvisionStepError) return err.outputTail;
  const tail = (err as { stderrTail?: unknown }).stderrTail;
  return typeof tail === 'string' ? tail : '';
}

/**
 * Run `steps` in order. A step already recorded as done is skipped unless `all`. A failing step is
 * recorded (state `failed`, with its output tail) and rethrown; with continueOnError it is recorded
 * as not ok and the run goes on.
 */
export async function runProvisioning(ctx: Context, target: ProvisionTarget, steps: readonly ProvisionStep[], opts: { all: boolean }): Promise<ProvisionResult> {
  const now = () => ctx.clock.now().toISOString();
  const update = (fn: (s: ContainerState) => ContainerState) => updateContainerState(ctx.effects, ctx.paths, target.vmid, (cur) => (cur ? fn(cur) : undefined));
  const result: ProvisionResult = { ran: [], skipped: [], tolerated: [] };
  const current = await update((s) => ({ ...s, status: 'provisioning' }));
  const done = new Set((current?.steps_done ?? []).map((d) => d.id));
  for (const [i, step] of steps.entries()) {
    if (done.has(step.id) && !opts.all) {
      result.skipped.push(step.id);
      continue;
    }
    ctx.report.info(`[${i + 1}/${steps.length}] ${step.title}`);
    try {
      await step.run(ctx, target);
    } catch (err) {
      const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
      if (step.continueOnError) {
        ctx.log.warn(`step ${step.id} failed, continuing (continue_on_error): ${message}`);
        result.tolerated.push(step.id);
        await update((s) => ({ ...s, steps_done: [...s.steps_done.filter((d) => d.id !== step.id), { id: step.id, at: now(), ok: false }] }));
        continue;
      }
      await update((s) => ({ ...s, status: 'failed', failed_step: { id: step.id, at: now(), message, output_tail: tailOf(err) } }));
      throw err instanceof PxError ? err : new ProvisionStepError(step.id, message, tailOf(err), undefined, { cause: err });
    }
    result.ran.push(step.id);
    await update((s) => ({ ...s, steps_done: [...s.steps_done.filter((d) => d.id !== step.id), { id: step.id, at: now(), ok: true }] }));
  }
  await update(({ failed_step: _f, ...s }) => ({ ...s, status: 'ready' }));
  return result;
}
