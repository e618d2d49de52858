// `status`: what serves, read from the CT (the live link and nginx's own answer), next to what state says — never only state.
import type { Context } from '../context.js';
import { lockStatus } from '../lock/status.js';
import type { Color, InstanceState } from '../state/instance-state.js';
import { readInstanceState } from '../state/instance-state.js';
import { unitsOf } from './app-model.js';
import { inCt } from './ct-exec.js';
import { checkFrontend, readLiveColor } from './frontend.js';
import type { LoadedInstance } from './load.js';
import { ctRunning } from './recover.js';

export interface ColorStatus {
  version: string | null;
  commits?: Record<string, string>;
  health: string | null;
  /** systemd's verdict on every unit of the colour (`active` when all are). */
  units: string;
}

export interface InstanceStatusReport {
  id: string;
  app: string;
  state: InstanceState['status'] | 'absent';
  ct: { vmid: number | null; status: 'running' | 'stopped' | 'missing' };
  url: string | null;
  /** Read from the CT (the live link nginx follows); null when the CT is not running. */
  active_color: Color | null;
  /** What the state file says; differs from active_color only after a crash or a manual change. */
  state_active_color: Color | null;
  consistent: boolean;
  colors: Record<Color, ColorStatus>;
  uptime_sec: number | null;
  last_operation: { name: string; status: string; time: string; step: string | null; error: string | null } | null;
  frontend: { code: number; colour: string; ok: boolean } | null;
  lock: { held: boolean; operation?: string; pid?: number; stale?: boolean } ;
  /** An operation whose process is gone while state still says it runs (the next command reclaims and corrects). */
  interrupted: { operation: string; step: string | null } | null;
}

async function unitsState(ctx: Context, vmid: number, inst: LoadedInstance, c: Color): Promise<string> {
  const r = await inCt(ctx, vmid, ['systemctl', 'is-active', ...unitsOf(inst.app, c)], { readOnly: true, allowFailure: true });
  const states = r.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
  return states.length > 0 && states.every((s) => s === 'active') ? 'active' : [...new Set(states)].join(',') || 'unknown';
}

export async function instanceStatus(ctx: Context, inst: LoadedInstance): Promise<InstanceStatusReport> {
  const state = await readInstanceState(ctx.paths, inst.id);
  const lock = await lockStatus(ctx.paths, inst.id);
  const vmid = state?.container_id ?? inst.config.container.vmid ?? null;
  const exists = vmid !== null ? await ctx.effects.run({ file: 'pct', args: ['status', String(vmid)], readOnly: true }, { allowFailure: true }) : undefined;
  const running = vmid !== null && exists?.exitCode === 0 ? await ctRunning(ctx, vmid) : false;
  const ctState = exists?.exitCode === 0 ? (running ? 'running' : 'stopped') : 'missing';
  const live = running && vmid !== null ? await readLiveColor(ctx, vmid, inst.app).catch(() => null) : null;
  const fe = running && vmid !== null ? await checkFrontend(ctx, vmid, inst.app) : null;
  const colors = {} as Record<Color, ColorStatus>;
  for (const c of ['blue', 'green'] as const) {
    const rec = state?.colors?.[c];
    colors[c] = { version: rec?.version ?? null, ...(rec?.commits ? { commits: rec.commits } : {}), health: rec?.health ?? null, units: running && vmid !== null ? await unitsState(ctx, vmid, inst, c) : 'stopped' };
  }
  const inProgress = state?.last_operation_status === 'in_progress';
  const interrupted = inProgress && (!lock || lock.stale) ? { operation: state!.last_operation, step: state!.operation_step ?? null } : null;
  const up = state?.uptime_start && running ? Math.max(0, Math.round((ctx.clock.now().getTime() - Date.parse(state.uptime_start)) / 1000)) : null;
  return {
    id: inst.id,
    app: inst.app.name,
    state: state?.status ?? 'absent',
    ct: { vmid, status: ctState },
    url: state?.url ?? null,
    active_color: live,
    state_active_color: state?.active_color ?? null,
    consistent: live === null || live === state?.active_color,
    colors,
    uptime_sec: up,
    last_operation: state ? { name: state.last_operation, status: state.last_operation_status, time: state.last_operation_time, step: state.operation_step ?? null, error: state.last_error ?? null } : null,
    frontend: fe ? { code: fe.code, colour: fe.colour, ok: fe.ok } : null,
    lock: lock ? { held: true, operation: lock.holder?.operation, pid: lock.holder?.pid, stale: lock.stale } : { held: false },
    interrupted,
  };
}

export function renderStatus(r: InstanceStatusReport): string {
  const c = (k: Color) => `${k}${r.active_color === k ? ' (live)' : ''}: ${r.colors[k].version ?? '-'}${r.colors[k].commits?.['backend'] ? ` @${r.colors[k].commits!['backend']!.slice(0, 12)}` : ''}  units ${r.colors[k].units}  gate ${r.colors[k].health ?? '-'}`;
  const lines = [
    `${r.id} (${r.app})  ${r.state}  CT ${r.ct.vmid ?? '-'} ${r.ct.status}  ${r.url ?? ''}`,
    `  serving: ${r.active_color ?? 'unknown'}${r.frontend ? ` (nginx ${r.frontend.code} from ${r.frontend.colour || '?'})` : ''}${r.consistent ? '' : `  — state said ${r.state_active_color}`}`,
    `  ${c('blue')}`,
    `  ${c('green')}`,
    `  uptime: ${r.uptime_sec === null ? '-' : `${r.uptime_sec}s`}`,
    r.last_operation ? `  last: ${r.last_operation.name} ${r.last_operation.status} at ${r.last_operation.time}${r.last_operation.step ? ` (step ${r.last_operation.step})` : ''}${r.last_operation.error ? `: ${r.last_operation.error}` : ''}` : '  last: -',
  ];
  if (r.interrupted) lines.push(`  INTERRUPTED: ${r.interrupted.operation} at step ${r.interrupted.step ?? '?'}; the next command reclaims the lock and corrects state`);
  else if (r.lock.held) lines.push(`  locked by pid ${r.lock.pid ?? '?'} for ${r.lock.operation ?? '?'}${r.lock.stale ? ' (stale)' : ''}`);
  return lines.join('\n');
}
