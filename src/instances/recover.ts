// After a crash: the next command (holding the lock) finds the interrupted operation and brings state back to what the CT shows.
import type { Context } from '../context.js';
import { pctStatus } from '../host/pct/argv.js';
import { parsePctStatus } from '../host/pct/parse-status.js';
import { runPve } from '../host/pve-run.js';
import type { InstanceState } from '../state/instance-state.js';
import type { AppModel } from './app-model.js';
import { checkFrontend, readLiveColor } from './frontend.js';
import { Journal } from './journal.js';

export interface Recovery {
  /** The operation that was cut short and the step it was in. */
  interrupted: { operation: string; step: string | undefined; since: string };
  corrected: { status: string; active_color: string };
}

export async function ctRunning(ctx: Context, vmid: number): Promise<boolean> {
  const r = await runPve(ctx.effects, pctStatus(vmid), { allowFailure: true });
  return r.exitCode === 0 && parsePctStatus(r.stdout) === 'running';
}

/** Only call with the instance lock held: then an `in_progress` state means its writer is gone. */
export async function recoverInterrupted(ctx: Context, app: AppModel, id: string, state: InstanceState | undefined): Promise<Recovery | undefined> {
  if (!state || state.last_operation_status !== 'in_progress') return undefined;
  const vmid = state.container_id;
  if (state.last_operation === 'restore' && state.restore_stamp && (await ctRunning(ctx, vmid))) {
    // A restore killed with the app stopped: its safety copies back, the active colour started again.
    const { undoInterruptedRestore } = await import('../backup/instance/interrupted.js');
    const back = await undoInterruptedRestore(ctx, app, id, vmid, state.active_color, state.restore_stamp, state.url);
    ctx.report.warn(`the interrupted restore is undone: ${back.length > 0 ? `${back.join(', ')} put back` : 'nothing had been swapped yet'}; the app is started again`);
  }
  const running = await ctRunning(ctx, vmid);
  const live = running ? await readLiveColor(ctx, vmid, app).catch(() => undefined) : undefined;
  const serving = running && live ? (await checkFrontend(ctx, vmid, app)).ok : false;
  const status = !running ? 'stopped' : serving ? 'running' : 'failed';
  const active = live ?? state.active_color;
  const step = state.operation_step;
  const message = `${state.last_operation} was interrupted${step ? ` at step ${step}` : ''} (its process is gone); ${live ? `${live} serves` : 'no colour could be read'}`;
  ctx.log.warn(message);
  ctx.report.warn(message);
  const journal = new Journal(ctx, id, state.last_operation);
  await journal.write({
    status,
    active_color: active,
    deployed_version: state.colors?.[active]?.version ?? state.deployed_version,
    last_operation_status: 'failure',
    last_error: `interrupted${step ? ` at step ${step}` : ''}`,
    restore_stamp: undefined,
  });
  return { interrupted: { operation: state.last_operation, step, since: state.last_operation_time }, corrected: { status, active_color: active } };
}
