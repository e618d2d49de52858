// Waiting for a started CT: an IPv4 address on eth0 (link-local ignored) and systemd up, each with a deadline and growing back-off.
import type { Context } from '../context.js';
import { pctExec } from '../host/pct.js';
import { runPve } from '../host/pve-run.js';
import { TimeoutError } from '../errors.js';

export interface PollOptions {
  deadlineMs: number;
  /** First pause; doubles up to `maxDelayMs`. */
  delayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** Call `probe` until it returns a value or the deadline passes (then undefined). */
export async function poll<T>(probe: () => Promise<T | undefined>, opts: PollOptions): Promise<T | undefined> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const end = now() + opts.deadlineMs;
  let delay = opts.delayMs ?? 200;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (now() >= end) return undefined;
    await sleep(Math.min(delay, Math.max(0, end - now())));
    delay = Math.min(delay * 2, opts.maxDelayMs ?? 2000);
  }
}

/** The first global IPv4 of eth0 in `ip -4 -o addr show dev eth0` output; 169.254/16 does not count. */
export function parseEth0Ipv4(stdout: string): string | undefined {
  for (const m of stdout.matchAll(/\binet (\d+\.\d+\.\d+\.\d+)\/\d+/g)) {
    if (!m[1]!.startsWith('169.254.')) return m[1];
  }
  return undefined;
}

export async function waitForIpv4(ctx: Context, vmid: number, deadlineMs: number): Promise<string> {
  const ip = await poll(async () => {
    const r = await runPve(ctx.effects, { ...pctExec(vmid, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0'], { timeoutMs: 15_000 }), readOnly: true }, { allowFailure: true });
    return r.exitCode === 0 ? parseEth0Ipv4(r.stdout) : undefined;
  }, { deadlineMs });
  if (!ip) throw new TimeoutError(`CT ${vmid} has no IPv4 address on eth0 after ${Math.round(deadlineMs / 1000)}s`, 'with ip=dhcp, is a DHCP server answering on the bridge? check `pct exec ' + vmid + ' -- ip addr`');
  return ip;
}

/**
 * systemd's state as `systemctl is-system-running` prints it, or `none` when PID 1 is not systemd
 * (busybox, OCI images). Decided by PID 1, not by whether systemctl answers: early in a boot (and longer
 * under load) systemctl cannot reach systemd yet and prints nothing, which must read as "not yet", never
 * as "no systemd" — that let post-clone scripts run while systemd was still starting.
 */
export const SYSTEMD_STATE = 'if [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ]; then systemctl is-system-running 2>/dev/null || true; else echo none; fi';

/**
 * systemd's own verdict once it settles: `running`, or `degraded` (a unit failed; the CT still works).
 * CTs without systemd (busybox, OCI images) report `none`.
 */
export async function waitForSystemd(ctx: Context, vmid: number, deadlineMs: number): Promise<string> {
  const state = await poll(async () => {
    const r = await runPve(ctx.effects, { ...pctExec(vmid, ['sh', '-c', SYSTEMD_STATE], { timeoutMs: 15_000 }), readOnly: true }, { allowFailure: true });
    const s = r.stdout.trim().split('\n').pop() ?? '';
    return ['running', 'degraded', 'none'].includes(s) ? s : undefined;
  }, { deadlineMs });
  if (!state) throw new TimeoutError(`systemd in CT ${vmid} did not finish starting within ${Math.round(deadlineMs / 1000)}s`, `see \`pct exec ${vmid} -- systemctl list-jobs\``);
  return state;
}

export interface CtUp {
  ip: string;
  /** `running`, `degraded`, or `none` for a CT without systemd. */
  systemd: string;
}

/**
 * Both waits in one probe per round (one `pct exec`, not two): a started CT is up once eth0 has an
 * IPv4 address and systemd has settled. Each part keeps its own error when the deadline passes.
 */
export async function waitForCtUp(ctx: Context, vmid: number, deadlineMs: number): Promise<CtUp> {
  const script = `ip -4 -o addr show dev eth0; echo "systemd: $(${SYSTEMD_STATE})"`;
  let seen: { ip?: string; systemd?: string } = {};
  const up = await poll(async () => {
    const r = await runPve(ctx.effects, { ...pctExec(vmid, ['sh', '-c', script], { timeoutMs: 15_000 }), readOnly: true }, { allowFailure: true });
    const ip = parseEth0Ipv4(r.stdout);
    const systemd = /^systemd: (\S+)/m.exec(r.stdout)?.[1];
    seen = { ip, systemd };
    return ip && systemd && ['running', 'degraded', 'none'].includes(systemd) ? { ip, systemd } : undefined;
  }, { deadlineMs });
  if (up) return up;
  if (!seen.ip) throw new TimeoutError(`CT ${vmid} has no IPv4 address on eth0 after ${Math.round(deadlineMs / 1000)}s`, `with ip=dhcp, is a DHCP server answering on the bridge? check \`pct exec ${vmid} -- ip addr\``);
  throw new TimeoutError(`systemd in CT ${vmid} did not finish starting within ${Math.round(deadlineMs / 1000)}s (state: ${seen.systemd ?? 'unknown'})`, `see \`pct exec ${vmid} -- systemctl list-jobs\``);
}
