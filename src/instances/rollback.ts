// `rollback`: back to the previous colour — start it if needed, health-gate it, switch, verify through nginx.
import type { Context } from '../context.js';
import { HealthCheckError, NothingToDoError, RollbackFailedError, UsageError } from '../errors.js';
import type { Color } from '../state/instance-state.js';
import { otherColor } from './app-model.js';
import { startColor } from './deploy.js';
import { readLiveColor, switchTo } from './frontend.js';
import { describeProbes, healthGate } from './health-gate.js';
import { Journal } from './journal.js';
import type { LoadedInstance } from './load.js';
import { recoverInterrupted, type Recovery } from './recover.js';
import { requireState } from './require-state.js';
import { verifySwitch, writeDeploymentConfig } from './update.js';

export interface RollbackResult {
  id: string;
  from: { color: Color; version: string };
  to: { color: Color; version: string };
  recovered?: Recovery;
}

export async function rollbackInstance(ctx: Context, inst: LoadedInstance): Promise<RollbackResult> {
  const { id, app, config } = inst;
  return ctx.effects.withLock(id, 'rollback', async () => {
    const journal = new Journal(ctx, id, 'rollback');
    const recovered = await recoverInterrupted(ctx, app, id, await journal.read());
    const state = await requireState(ctx, id);
    if (state.status === 'stopped') throw new UsageError(`instance ${id} is stopped`, `start it first: \`pxdeploy start ${id}\``);
    const vmid = state.container_id;
    const active = await readLiveColor(ctx, vmid, app);
    const previous = otherColor(active);
    const prev = state.colors?.[previous];
    if (!prev) throw new NothingToDoError(`${id} has nothing to roll back to: ${previous} was never deployed`);
    if (prev.health === 'failed') throw new NothingToDoError(`${id}'s ${previous} holds ${prev.version}, which failed its health gate; nothing good to roll back to`);
    const activeVersion = state.colors?.[active]?.version ?? state.deployed_version;

    await journal.transition('updating', { last_operation_status: 'in_progress', operation_step: 'start', last_error: undefined, active_color: active });
    await journal.step('start');
    await startColor(ctx, vmid, app, previous);
    await journal.step('health');
    const gate = await healthGate(ctx, vmid, app, previous, { timeoutSec: config.health.timeout, intervalSec: config.health.interval });
    if (!gate.passed) {
      const why = `${previous} (${prev.version}) failed its health gate: ${describeProbes(gate.last)}`;
      await journal.transition('failed', { last_operation_status: 'failure', last_error: why });
      await journal.transition('running', { last_operation_status: 'failure' });
      throw new HealthCheckError(`${why}; no switch: ${active} (${activeVersion}) still serves`);
    }
    await journal.step('switch');
    await switchTo(ctx, vmid, app, previous);
    await journal.write({ active_color: previous, deployed_version: prev.version });
    await journal.step('verify');
    const check = await verifySwitch(ctx, vmid, inst, previous);
    if (!check.ok) {
      await switchTo(ctx, vmid, app, active);
      await journal.transition('failed', { active_color: active, deployed_version: activeVersion, last_operation_status: 'failure', last_error: check.detail });
      throw new RollbackFailedError(`rollback to ${previous} failed: ${check.detail}; switched back to ${active}`);
    }
    const done = await journal.transition('running', { last_operation_status: 'success', operation_step: 'done', last_error: undefined });
    await writeDeploymentConfig(ctx, inst, done, state.uptime_start ?? state.last_operation_time);
    ctx.log.success(`rolled back ${id}: ${active} (${activeVersion}) → ${previous} (${prev.version}); ${active} kept`);
    return { id, from: { color: active, version: activeVersion }, to: { color: previous, version: prev.version }, ...(recovered ? { recovered } : {}) };
  });
}
