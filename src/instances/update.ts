// `update`: backup (the full pre-update archive) → deploy the idle colour → migrations → health gate → switch → verify through nginx → keep the old colour.
import type { Context } from '../context.js';
import { HealthCheckError, NothingToDoError, RollbackFailedError, RolledBackError, UsageError } from '../errors.js';
import type { Color, InstanceState } from '../state/instance-state.js';
import { layout, otherColor } from './app-model.js';
import { backupBeforeUpdate } from './backup.js';
import { pushContent } from './ct-exec.js';
import { deployColor, runMigrations, startColor, stopColor } from './deploy.js';
import { checkFrontend, readLiveColor, switchTo } from './frontend.js';
import { describeProbes, healthGate } from './health-gate.js';
import { Journal } from './journal.js';
import type { LoadedInstance } from './load.js';
import { recoverInterrupted, type Recovery } from './recover.js';
import { renderDeploymentConfig } from './render.js';
import { requireState } from './require-state.js';
import { resolveSource } from './sources.js';

export interface UpdateOptions {
  color?: Color;
  version?: string;
  ref?: string;
  skipBackup: boolean;
  skipMigrations: boolean;
  noHealthCheck: boolean;
  force: boolean;
}

export interface UpdateResult {
  id: string;
  from: { color: Color; version: string };
  to: { color: Color; version: string };
  backup?: string;
  recovered?: Recovery;
}

/** After a switch: nginx must answer from the colour it was switched to. */
export async function verifySwitch(ctx: Context, vmid: number, inst: LoadedInstance, want: Color): Promise<{ ok: boolean; detail: string }> {
  const fe = await ctx.effects.afterApply(`ask nginx for ${inst.app.bg.components.frontend?.health[0]?.path ?? '/health'} and the colour it chose`, () => checkFrontend(ctx, vmid, inst.app), { ok: true, code: 200, colour: want, ms: 0 });
  const live = await ctx.effects.afterApply('read the live link back', () => readLiveColor(ctx, vmid, inst.app), want);
  const ok = fe.ok && fe.colour === want && live === want;
  return { ok, detail: `nginx answered ${fe.code} from "${fe.colour}", link says ${live}` };
}

export async function writeDeploymentConfig(ctx: Context, inst: LoadedInstance, state: InstanceState, createdAt: string): Promise<void> {
  await pushContent(ctx, state.container_id, layout(inst.app).deploymentConfig, renderDeploymentConfig(inst.app, inst.id, inst.config, state, inst.config.container.node ?? 'localhost', createdAt, ctx.clock.now().toISOString()));
}

export async function updateInstance(ctx: Context, inst: LoadedInstance, opts: UpdateOptions): Promise<UpdateResult> {
  const { id, app, config } = inst;
  return ctx.effects.withLock(id, 'update', async () => {
    const journal = new Journal(ctx, id, 'update');
    const recovered = await recoverInterrupted(ctx, app, id, await journal.read());
    const state = await requireState(ctx, id);
    if (state.status === 'stopped') throw new UsageError(`instance ${id} is stopped`, `start it first: \`pxdeploy start ${id}\``);
    const vmid = state.container_id;
    const active = await readLiveColor(ctx, vmid, app);
    const idle = otherColor(active);
    if (opts.color && opts.color !== idle) throw new UsageError(`--color ${opts.color} is the active colour of ${id}; an update goes to the idle one (${idle})`, `run \`pxdeploy update ${id} --color ${idle}\`, or leave --color out`);
    const activeVersion = state.colors?.[active]?.version ?? state.deployed_version;
    // Resolved before anything changes: a git ref becomes a commit here, so "nothing to update" compares commits too.
    const sources = [];
    for (const s of app.services) sources.push(await resolveSource(ctx, app, config, id, s.name, { version: opts.version, ref: opts.ref }));
    const target = sources[0]!;
    const activeCommit = state.colors?.[active]?.commits?.['backend'];
    if (!opts.force && target.version === activeVersion && (target.commit === undefined || target.commit === activeCommit)) {
      for (const s of sources) if (s.scratch) await ctx.effects.remove(s.file);
      throw new NothingToDoError(`${id} already runs ${target.version}${target.commit ? ` (${target.commit.slice(0, 12)})` : ''} on ${active}`, 'use --force to redeploy it to the idle colour anyway');
    }

    await journal.transition('updating', { last_operation_status: 'in_progress', operation_step: 'start', last_error: undefined, active_color: active });
    let backup: string | undefined;
    if (!opts.skipBackup && config.update.backup) {
      await journal.step('backup');
      const taken = await backupBeforeUpdate(ctx, inst, { ...state, active_color: active });
      backup = taken.file;
      await journal.write({ pre_update_backup: taken.name });
    }
    await journal.step('deploy');
    const deployed = await deployColor(ctx, vmid, app, idle, sources);
    const version = deployed.versions['backend']!;
    const colorRecord = (health: 'unknown' | 'ready' | 'failed') => ({ version, ...(Object.keys(deployed.commits).length ? { commits: deployed.commits } : {}), deployed_at: ctx.clock.now().toISOString(), health });
    await journal.write({ colors: { ...state.colors, [idle]: colorRecord('unknown') } });
    if (!opts.skipMigrations) {
      await journal.step('migrate');
      await runMigrations(ctx, vmid, app, idle, version);
    }
    await journal.step('start');
    await startColor(ctx, vmid, app, idle);
    if (!opts.noHealthCheck) {
      await journal.step('health');
      const gate = await healthGate(ctx, vmid, app, idle, { timeoutSec: config.health.timeout, intervalSec: config.health.interval });
      if (!gate.passed) {
        // No switch happened: the old colour still serves. Stop only the new one (kamal's order).
        await stopColor(ctx, vmid, app, idle);
        const why = `${idle} (${version}) failed its health gate after ${gate.attempts} attempt(s): ${describeProbes(gate.last)}`;
        await journal.transition('failed', { last_operation_status: 'failure', last_error: why, colors: { ...state.colors, [idle]: colorRecord('failed') } });
        await journal.transition('running', { last_operation_status: 'failure', operation_step: 'health' });
        throw new HealthCheckError(`${why}; no switch: ${active} (${activeVersion}) still serves`, `see \`pxdeploy logs ${id} --service\``);
      }
    }
    await journal.step('switch');
    await switchTo(ctx, vmid, app, idle);
    await journal.write({ active_color: idle, deployed_version: version, colors: { ...state.colors, [idle]: colorRecord('ready') } });
    await journal.step('verify');
    const check = await verifySwitch(ctx, vmid, inst, idle);
    if (!check.ok) {
      ctx.log.error(`after the switch to ${idle}: ${check.detail}; switching back to ${active}`);
      await journal.transition('failed', { last_operation_status: 'failure', last_error: check.detail });
      await switchTo(ctx, vmid, app, active);
      const back = await verifySwitch(ctx, vmid, inst, active);
      if (!back.ok) {
        await journal.write({ last_error: `rollback failed: ${back.detail}` });
        throw new RollbackFailedError(`switch to ${idle} failed (${check.detail}) and switching back to ${active} failed too (${back.detail})`, `inspect CT ${vmid}; \`pxdeploy status ${id}\` shows what serves`);
      }
      await stopColor(ctx, vmid, app, idle);
      await journal.transition('running', { active_color: active, deployed_version: activeVersion, last_operation_status: 'failure' });
      throw new RolledBackError(`switched to ${idle} but nginx did not serve it (${check.detail}); rolled back to ${active} (${activeVersion})`);
    }
    await journal.step('finish');
    const done = await journal.transition('running', { last_operation_status: 'success', operation_step: 'done', last_error: undefined, ...(deployed.commits['backend'] ? { deployed_commit: deployed.commits['backend'] } : {}) });
    await writeDeploymentConfig(ctx, inst, done, state.uptime_start ?? state.last_operation_time);
    ctx.log.success(`updated ${id}: ${active} (${activeVersion}) → ${idle} (${version}); ${active} kept for rollback`);
    return { id, from: { color: active, version: activeVersion }, to: { color: idle, version }, ...(backup ? { backup } : {}), ...(recovered ? { recovered } : {}) };
  });
}
