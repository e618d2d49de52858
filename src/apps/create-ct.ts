// One app CT from a pulled archive: derived image (env, user), pct create, read-back check, start, health gate; on any failure the CT is removed.
import type { ContainerSpec } from '../config/schema/spec.js';
import type { HealthCheck } from '../catalog/schema.js';
import type { Context } from '../context.js';
import { HealthCheckError, PxError, ExitCode } from '../errors.js';
import { specToCreateOptions } from '../backends/lxc/spec-to-options.js';
import { parsePctConfig, pctConfig, pctCreate, pctDestroy, pctStart, type PctConfig } from '../host/pct.js';
import { runPve } from '../host/pve-run.js';
import { withAllocatedVmid } from '../containers/vmid.js';
import { waitForIpv4 } from '../containers/wait.js';
import { deriveAppArchive, type DerivedArchive } from '../oci/derive.js';
import { healthUrl, waitHealthy } from './health.js';

const NETWORK_DEADLINE_MS = 60_000;
/** The package's start_period, but never less than this (a cold start on a busy host). */
const MIN_HEALTH_DEADLINE_MS = 20_000;

export class AppConfigMismatchError extends PxError {
  constructor(vmid: number, lines: string[]) {
    super(`CT ${vmid} did not get the configuration pxdeploy gave it:\n${lines.map((l) => `  ${l}`).join('\n')}`, ExitCode.other, 'the CT was removed; this PVE may treat OCI env/entrypoint differently (pve-cli.md §5)');
  }
}

export interface AppCtInput {
  spec: ContainerSpec;
  storage: string;
  /** The pulled archive (absolute path). */
  archive: string;
  /** Fixed vmid (update, rollback) or undefined (allocate). */
  vmid?: number;
  env: Record<string, string>;
  user?: string;
  health: HealthCheck;
  /** What secrets look like in a mismatch message. */
  secretKeys: readonly string[];
  /** Host work `pct create` needs done (volume directories), run while the image is prepared. */
  prepare?: () => Promise<void>;
}

/** Every difference between what was set and what `pct config` shows; secret values never printed. */
export function configMismatches(cfg: PctConfig, want: DerivedArchive['expected'], user: string | undefined, secretKeys: readonly string[]): string[] {
  const out: string[] = [];
  const show = (k: string, v: string | undefined) => (v === undefined ? '(unset)' : secretKeys.includes(k) ? '***' : JSON.stringify(v));
  const keys = new Set([...Object.keys(want.env), ...Object.keys(cfg.environment)]);
  for (const k of keys) if (cfg.environment[k] !== want.env[k]) out.push(`env ${k}: ${show(k, cfg.environment[k])}, expected ${show(k, want.env[k])}`);
  if ((cfg.entrypoint ?? undefined) !== want.entrypoint) out.push(`entrypoint: ${JSON.stringify(cfg.entrypoint ?? null)}, expected ${JSON.stringify(want.entrypoint ?? null)}`);
  if (user) {
    const [uid, gid] = user.split(':');
    const lxc = (key: string) => cfg.lxc.find((e) => e.key === key)?.value;
    if (lxc('lxc.init.uid') !== uid) out.push(`lxc.init.uid: ${lxc('lxc.init.uid') ?? '(unset)'}, expected ${uid}`);
    if (lxc('lxc.init.gid') !== gid) out.push(`lxc.init.gid: ${lxc('lxc.init.gid') ?? '(unset)'}, expected ${gid}`);
  }
  return out;
}

export async function createAppCt(ctx: Context, input: AppCtInput): Promise<{ vmid: number; ip: string; url: string }> {
  const hostname = input.spec.container.hostname;
  const [derived] = await Promise.all([deriveAppArchive(ctx, input.archive, hostname, { env: input.env, ...(input.user ? { user: input.user } : {}) }), input.prepare?.()]);
  let vmid: number;
  try {
    ctx.report.info(`creating CT ${hostname} from ${input.archive}`);
    vmid = await withAllocatedVmid(ctx, input.vmid, async (id) => {
      await runPve(ctx.effects, pctCreate(id, derived.path, specToCreateOptions(input.spec, { storage: input.storage })));
      return id;
    });
  } finally {
    if (derived.temporary) await ctx.effects.remove(derived.path);
  }
  try {
    const mismatches = await ctx.effects.afterApply(
      `read back env and entrypoint of CT ${vmid} from pct config and compare`,
      async () => configMismatches(parsePctConfig((await runPve(ctx.effects, pctConfig(vmid))).stdout), derived.expected, input.user, input.secretKeys),
      [],
    );
    if (mismatches.length > 0) throw new AppConfigMismatchError(vmid, mismatches);
    await runPve(ctx.effects, pctStart(vmid));
    const staticIp = input.spec.container.network.ip;
    const ip = staticIp !== 'dhcp' ? staticIp.split('/')[0]! : await ctx.effects.afterApply(`wait for an IPv4 address of CT ${vmid}`, () => waitForIpv4(ctx, vmid, NETWORK_DEADLINE_MS), '(known after start)');
    const deadline = Math.max(input.health.start_period * 1000, MIN_HEALTH_DEADLINE_MS);
    const health = await ctx.effects.afterApply(`wait until ${healthUrl(ip, input.health)} answers ${input.health.status.join('|')} (deadline ${deadline / 1000}s)`, () => waitHealthy(ip, input.health, deadline), { ok: true });
    if (!health.ok) {
      throw new HealthCheckError(
        `CT ${vmid} (${hostname}) is not healthy: ${healthUrl(ip, input.health)} ${health.last === undefined ? 'never answered' : `answered ${health.last}`} within ${deadline / 1000}s`,
        `see the app's output with \`pct console ${vmid}\``,
      );
    }
    return { vmid, ip, url: `http://${ip}:${input.health.port}/` };
  } catch (err) {
    ctx.log.error(`CT ${vmid} failed; removing it: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    await runPve(ctx.effects, pctDestroy(vmid, { force: true, purge: true }), { allowFailure: true }).catch(() => undefined);
    throw err;
  }
}
