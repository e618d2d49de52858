// `health`: the seed's Health Check Results for the live colour, written to /var/lib/pxdeploy/health/<id>.json.
import type { Context } from '../context.js';
import { pctStatus } from '../host/pct/argv.js';
import { parsePctStatusVerbose } from '../host/pct/parse-status.js';
import { runPve } from '../host/pve-run.js';

import { inCt } from './ct-exec.js';
import { checkFrontend, readLiveColor } from './frontend.js';
import { probe } from './health-gate.js';
import type { LoadedInstance } from './load.js';
import { requireState } from './require-state.js';

type Status = 'healthy' | 'degraded' | 'unhealthy' | 'unknown';

export interface HealthReport {
  instance_id: string;
  timestamp: string;
  overall_status: Status;
  active_color: string | null;
  components: Record<string, Record<string, unknown>>;
  resources: Record<string, number | null>;
  warnings: string[];
  errors: string[];
}

const statusOf = (code: number): Status => (code >= 200 && code < 300 ? 'healthy' : code >= 400 && code < 500 ? 'degraded' : 'unhealthy');
const mb = (bytes: number) => Math.round(bytes / 1048576);

export async function checkHealth(ctx: Context, inst: LoadedInstance): Promise<HealthReport> {
  const state = await requireState(ctx, inst.id);
  const vmid = state.container_id;
  const warnings: string[] = [];
  const errors: string[] = [];
  const components: HealthReport['components'] = {};
  const verbose = await runPve(ctx.effects, pctStatus(vmid, { verbose: true }), { allowFailure: true });
  const v = verbose.exitCode === 0 ? parsePctStatusVerbose(verbose.stdout) : undefined;
  const resources: HealthReport['resources'] = {
    cpus: v?.cpus ?? null,
    memory_used_mb: v ? mb(v.mem) : null,
    memory_available_mb: v ? mb(v.maxmem - v.mem) : null,
    disk_used_gb: v ? Math.round((v.disk / 1073741824) * 10) / 10 : null,
    disk_available_gb: v ? Math.round(((v.maxdisk - v.disk) / 1073741824) * 10) / 10 : null,
  };
  let live: string | null = null;
  if (v?.status !== 'running') {
    errors.push(`CT ${vmid} is ${v?.status ?? 'missing'}`);
  } else {
    const c = await readLiveColor(ctx, vmid, inst.app);
    live = c;
    for (const s of inst.app.services) {
      const h = s.spec.health[0]!;
      const p = await probe(ctx, vmid, `http://127.0.0.1:${s.spec.ports[c]}${h.path}`, h.status, s.name);
      const st = p.ok ? 'healthy' : p.code === 0 ? 'unhealthy' : statusOf(p.code === h.status ? 200 : p.code >= 500 || p.code === 0 ? 500 : p.code);
      components[s.name] = { status: st, response_time_ms: p.ms, http_code: p.code, color: c, version: state.colors?.[c]?.version ?? null };
      if (st === 'unhealthy') errors.push(`${s.name} (${c}) answered ${p.code || 'nothing'} on ${h.path}`);
      if (st === 'degraded') warnings.push(`${s.name} (${c}) answered ${p.code} on ${h.path}`);
    }
    const fe = await checkFrontend(ctx, vmid, inst.app);
    const nginx = (await inCt(ctx, vmid, ['systemctl', 'is-active', 'nginx'], { readOnly: true, allowFailure: true })).stdout.trim();
    components['frontend'] = { status: fe.ok ? 'healthy' : statusOf(fe.code || 500), response_time_ms: fe.ms, http_code: fe.code, nginx_status: nginx, serving_color: fe.colour };
    if (!fe.ok) errors.push(`nginx answered ${fe.code || 'nothing'}`);
    if (fe.ok && fe.colour !== c) errors.push(`nginx serves ${fe.colour} but the live link says ${c}`);
    const db = inst.app.bg.database.sqlite_path;
    if (db) {
      const size = await inCt(ctx, vmid, ['stat', '-c', '%s', db], { readOnly: true, allowFailure: true });
      components['database'] = size.exitCode === 0 ? { status: 'healthy', type: 'sqlite', size_mb: mb(Number(size.stdout.trim())) } : { status: 'unhealthy', type: 'sqlite' };
      if (size.exitCode !== 0) errors.push(`database ${db} is missing`);
    }
    const df = await inCt(ctx, vmid, ['df', '-Pk', '/'], { readOnly: true, allowFailure: true });
    const cols = df.stdout.trim().split('\n')[1]?.split(/\s+/);
    if (cols && cols.length >= 5) {
      resources['disk_used_gb'] = Math.round((Number(cols[2]) / 1048576) * 10) / 10;
      resources['disk_available_gb'] = Math.round((Number(cols[3]) / 1048576) * 10) / 10;
      if (Number(cols[3]) < 512 * 1024) warnings.push('less than 512 MB free on / in the CT');
    }
  }
  const overall: Status = errors.length > 0 ? 'unhealthy' : warnings.length > 0 ? 'degraded' : Object.keys(components).length ? 'healthy' : 'unknown';
  const report: HealthReport = { instance_id: inst.id, timestamp: ctx.clock.now().toISOString(), overall_status: overall, active_color: live, components, resources, warnings, errors };
  await ctx.effects.writeFile(ctx.paths.healthFile(inst.id), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}
