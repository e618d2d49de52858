// `start`, `stop` and `uninstall` of an instance: the CT as a whole, state transitions per the seed, backups kept unless purged.
import type { Context } from '../context.js';
import { HealthCheckError, NothingToDoError } from '../errors.js';
import { pctDestroy, pctShutdown, pctStart, pctStop } from '../host/pct/argv.js';
import { runPve } from '../host/pve-run.js';
import { waitForSystemd } from '../containers/wait.js';
import { removeInstanceState, readInstanceState } from '../state/instance-state.js';
import { secretsFile } from './secrets.js';
import { unregisterInstance } from '../state/registry.js';
import { checkFrontend, readLiveColor } from './frontend.js';
import { describeProbes, healthGate } from './health-gate.js';
import { Journal } from './journal.js';
import type { LoadedInstance } from './load.js';
import { ctRunning, recoverInterrupted, type Recovery } from './recover.js';
import { requireState } from './require-state.js';

export interface PowerResult {
  id: string;
  status: 'running' | 'stopped';
  changed: boolean;
  active_color?: string;
  recovered?: Recovery;
}

export async function stopInstance(ctx: Context, inst: LoadedInstance): Promise<PowerResult> {
  return ctx.effects.withLock(inst.id, 'stop', async () => {
    const journal = new Journal(ctx, inst.id, 'stop');
    const recovered = await recoverInterrupted(ctx, inst.app, inst.id, await journal.read());
    const state = await requireState(ctx, inst.id);
    if (!(await ctRunning(ctx, state.container_id))) {
      if (state.status !== 'stopped') await journal.transition('stopped', { last_operation_status: 'success', operation_step: 'done' });
      return { id: inst.id, status: 'stopped', changed: false, ...(recovered ? { recovered } : {}) };
    }
    await journal.step('shutdown');
    const r = await runPve(ctx.effects, pctShutdown(state.container_id, { timeout: 60 }), { allowFailure: true });
    if (r.exitCode !== 0) await runPve(ctx.effects, pctStop(state.container_id));
    await journal.transition('stopped', { last_operation_status: 'success', operation_step: 'done', uptime_start: undefined });
    return { id: inst.id, status: 'stopped', changed: true, ...(recovered ? { recovered } : {}) };
  });
}

export async function startInstance(ctx: Context, inst: LoadedInstance): Promise<PowerResult> {
  return ctx.effects.withLock(inst.id, 'start', async () => {
    const journal = new Journal(ctx, inst.id, 'start');
    const recovered = await recoverInterrupted(ctx, inst.app, inst.id, await journal.read());
    const state = await requireState(ctx, inst.id);
    const vmid = state.container_id;
    const wasRunning = await ctRunning(ctx, vmid);
    if (wasRunning && state.status === 'running') throw new NothingToDoError(`${inst.id} is already running`);
    await journal.step('boot');
    if (!wasRunning) {
      await runPve(ctx.effects, pctStart(vmid));
      await ctx.effects.afterApply(`wait for systemd in CT ${vmid}`, () => waitForSystemd(ctx, vmid, 120_000), 'running');
    }
    await journal.step('health');
    const live = await ctx.effects.afterApply('read the live colour', () => readLiveColor(ctx, vmid, inst.app), state.active_color);
    const gate = await healthGate(ctx, vmid, inst.app, live, { timeoutSec: inst.config.health.timeout, intervalSec: inst.config.health.interval });
    const fe = await ctx.effects.afterApply('ask nginx', () => checkFrontend(ctx, vmid, inst.app), { ok: true, code: 200, colour: live, ms: 0 });
    if (!gate.passed || !fe.ok) {
      await journal.transition('failed', { active_color: live, last_operation_status: 'failure', last_error: `after start: ${describeProbes(gate.last)}; nginx ${fe.code}` });
      throw new HealthCheckError(`${inst.id} started but ${live} is not healthy: ${describeProbes(gate.last)}; nginx answered ${fe.code}`);
    }
    await journal.transition('running', { active_color: live, last_operation_status: 'success', operation_step: 'done', uptime_start: ctx.clock.now().toISOString() });
    return { id: inst.id, status: 'running', changed: true, active_color: live, ...(recovered ? { recovered } : {}) };
  });
}

export interface UninstallResult {
  id: string;
  vmid: number | null;
  destroyed: boolean;
  backupsKept: string | null;
}

/** Seed: `(any) → stopped → null`. The CT, state, health cache, registry entry and instance config go; backups stay unless purged. */
export async function uninstallInstance(ctx: Context, inst: LoadedInstance, opts: { purgeBackups: boolean }): Promise<UninstallResult> {
  return ctx.effects.withLock(inst.id, 'uninstall', async () => {
    const journal = new Journal(ctx, inst.id, 'uninstall');
    const state = await readInstanceState(ctx.paths, inst.id);
    const vmid = state?.container_id ?? inst.config.container.vmid ?? null;
    let destroyed = false;
    if (state) await journal.transition('stopped', { last_operation_status: 'in_progress', operation_step: 'destroy' });
    if (vmid !== null) {
      const exists = await ctx.effects.run({ file: 'pct', args: ['status', String(vmid)], readOnly: true }, { allowFailure: true });
      if (exists.exitCode === 0) {
        await runPve(ctx.effects, pctDestroy(vmid, { force: true, purge: true }));
        destroyed = true;
      }
      await ctx.effects.remove(ctx.paths.containerState(vmid));
    }
    await removeInstanceState(ctx.effects, ctx.paths, inst.id);
    ctx.log.info('state: stopped → null');
    await ctx.effects.remove(ctx.paths.healthFile(inst.id));
    await unregisterInstance(ctx.effects, ctx.paths, inst.id);
    await ctx.effects.remove(inst.file);
    // Generated secrets go with the config they belong to; a later install makes new ones.
    await ctx.effects.remove(secretsFile(ctx.paths, inst.id));
    if (opts.purgeBackups) await ctx.effects.remove(ctx.paths.backupsOf(inst.id));
    return { id: inst.id, vmid, destroyed, backupsKept: opts.purgeBackups ? null : ctx.paths.backupsOf(inst.id) };
  });
}
