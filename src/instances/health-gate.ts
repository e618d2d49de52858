// The health gate: every check of every component of one colour must answer its status before a deadline (growing back-off).
import type { Context } from '../context.js';
import { poll } from '../containers/wait.js';
import type { Color } from '../state/instance-state.js';
import type { AppModel } from './app-model.js';
import { inCt } from './ct-exec.js';

export interface ProbeResult {
  component: string;
  url: string;
  want: number;
  /** 0 when nothing answered. */
  code: number;
  ms: number;
  ok: boolean;
}

/** `curl` inside the CT (so only loopback ports are needed): status code and total time. */
export async function probe(ctx: Context, vmid: number, url: string, want: number, component: string, headerName?: string): Promise<ProbeResult & { header?: string }> {
  const fmt = headerName ? `%{http_code} %{time_total} %header{${headerName}}` : '%{http_code} %{time_total}';
  const r = await inCt(ctx, vmid, ['curl', '-s', '-k', '-o', '/dev/null', '--max-time', '5', '-w', fmt, url], { readOnly: true, allowFailure: true, timeoutMs: 15_000 });
  const [code = '0', secs = '0', header] = r.stdout.trim().split(' ');
  const c = Number(code) || 0;
  return { component, url, want, code: c, ms: Math.round(Number(secs) * 1000), ok: c === want, ...(header !== undefined ? { header } : {}) };
}

/** The checks of one colour, straight to its ports on loopback. */
export function colorChecks(app: AppModel, c: Color): { component: string; url: string; want: number }[] {
  return app.services.flatMap((s) => s.spec.health.map((h) => ({ component: s.name, url: `http://127.0.0.1:${s.spec.ports[c]}${h.path}`, want: h.status })));
}

export interface GateResult {
  passed: boolean;
  attempts: number;
  last: ProbeResult[];
}

export async function healthGate(ctx: Context, vmid: number, app: AppModel, c: Color, opts: { timeoutSec: number; intervalSec: number }): Promise<GateResult> {
  const checks = colorChecks(app, c);
  let attempts = 0;
  let last: ProbeResult[] = [];
  return ctx.effects.afterApply(
    `health gate of ${c}: ${checks.map((k) => `${k.url} → ${k.want}`).join(', ')} within ${opts.timeoutSec}s`,
    async () => {
      const ok = await poll(async () => {
        attempts++;
        last = [];
        for (const k of checks) last.push(await probe(ctx, vmid, k.url, k.want, k.component));
        return last.every((p) => p.ok) ? true : undefined;
      }, { deadlineMs: opts.timeoutSec * 1000, delayMs: opts.intervalSec * 1000, maxDelayMs: 5000 });
      return { passed: ok === true, attempts, last };
    },
    { passed: true, attempts: 0, last: [] },
  );
}

export function describeProbes(probes: ProbeResult[]): string {
  return probes.map((p) => `${p.url} → ${p.code === 0 ? 'no answer' : p.code}${p.ok ? '' : ` (want ${p.want})`}`).join(', ');
}
