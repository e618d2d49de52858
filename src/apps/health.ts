// The health gate: HTTP GET (or TCP connect) on the app's port until the expected status, with a deadline and growing back-off.
import net from 'node:net';
import type { HealthCheck } from '../catalog/schema.js';
import { poll } from '../containers/wait.js';

/**
 * The first probe goes out at once; then short pauses, because a refused connection costs nothing
 * and an app that is up a moment later should not wait out a long back-off.
 */
const HEALTH_POLL_MS = 100;
const HEALTH_POLL_MAX_MS = 500;

export function healthUrl(ip: string, h: HealthCheck): string {
  return `http://${ip}:${h.port}${h.path ?? '/'}`;
}

async function probeOnce(ip: string, h: HealthCheck): Promise<number | undefined> {
  if (h.type === 'tcp') {
    return new Promise((resolve) => {
      const s = net.connect({ host: ip, port: h.port, timeout: 2000 }, () => (s.destroy(), resolve(0)));
      s.on('error', () => resolve(undefined));
      s.on('timeout', () => (s.destroy(), resolve(undefined)));
    });
  }
  try {
    const res = await fetch(healthUrl(ip, h), { signal: AbortSignal.timeout(3000), redirect: 'manual' });
    await res.arrayBuffer().catch(() => undefined);
    return res.status;
  } catch {
    return undefined;
  }
}

/** Polls until healthy; returns the last status seen (undefined: never answered) when the deadline passes. */
export async function waitHealthy(ip: string, h: HealthCheck, deadlineMs: number): Promise<{ ok: boolean; last?: number }> {
  let last: number | undefined;
  const ok = await poll(async () => {
    last = await probeOnce(ip, h);
    return last !== undefined && (h.type === 'tcp' || h.status.includes(last)) ? true : undefined;
  }, { deadlineMs, delayMs: HEALTH_POLL_MS, maxDelayMs: HEALTH_POLL_MAX_MS });
  return { ok: ok === true, ...(last === undefined ? {} : { last }) };
}
