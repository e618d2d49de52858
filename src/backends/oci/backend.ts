// The OCI backend: the template is the pulled archive with env and user baked in; "up" = an address and the app's health endpoint answering.
import type { ContainerSpec } from '../../config/schema/spec.js';
import type { HealthCheck } from '../../catalog/schema.js';
import type { Context } from '../../context.js';
import { ExitCode, HealthCheckError, PxError } from '../../errors.js';
import type { PctConfig } from '../../host/pct.js';
import { readCtConfig } from '../../cluster/remote-ct.js';
import { waitForIpv4 } from '../../containers/wait.js';
import { deriveAppArchive, type DerivedArchive } from '../../oci/derive.js';
import { healthUrl, waitHealthy } from '../../apps/health.js';
import type { ContainerBackend, CtUp } from '../types.js';

const NETWORK_DEADLINE_MS = 60_000;
/** The package's start_period, but never less than this (a cold start on a busy host). */
const MIN_HEALTH_DEADLINE_MS = 20_000;

export class AppConfigMismatchError extends PxError {
  constructor(vmid: number, lines: string[]) {
    super(`CT ${vmid} did not get the configuration pxdeploy gave it:\n${lines.map((l) => `  ${l}`).join('\n')}`, ExitCode.other, 'the CT was removed; this PVE may treat OCI env/entrypoint differently (pve-cli.md §5)');
  }
}

export interface OciBackendInput {
  /** The pulled archive (absolute path). */
  archive: string;
  env: Record<string, string>;
  user?: string;
  health: HealthCheck;
  /** What secrets look like in a mismatch message. */
  secretKeys: readonly string[];
  /** Another node: the config is read through the API, and a derived archive goes into `derivedDir` (a storage's cache). */
  node?: string;
  derivedDir?: string;
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

export function ociBackend(input: OciBackendInput): ContainerBackend {
  // What the derived archive promised; set by template(), checked by verifyCreated().
  let expected: DerivedArchive['expected'] | undefined;
  return {
    kind: 'oci',
    async template(ctx: Context, spec: ContainerSpec) {
      const derived = await deriveAppArchive(ctx, input.archive, spec.container.hostname, { env: input.env, ...(input.user ? { user: input.user } : {}) }, input.derivedDir);
      expected = derived.expected;
      return { ostemplate: derived.path, release: async () => (derived.temporary ? ctx.effects.remove(derived.path) : undefined) };
    },
    async verifyCreated(ctx: Context, vmid: number) {
      if (!expected) return;
      const want = expected;
      const mismatches = await ctx.effects.afterApply(
        `read back env and entrypoint of CT ${vmid} from ${input.node === undefined ? 'pct config' : 'its config through the API'} and compare`,
        async () => configMismatches(await readCtConfig(ctx, vmid, input.node), want, input.user, input.secretKeys),
        [],
      );
      if (mismatches.length > 0) throw new AppConfigMismatchError(vmid, mismatches);
    },
    async waitUp(ctx: Context, vmid: number, spec: ContainerSpec): Promise<CtUp> {
      const staticIp = spec.container.network.ip;
      const ip = staticIp !== 'dhcp' ? staticIp.split('/')[0]! : await ctx.effects.afterApply(`wait for an IPv4 address of CT ${vmid}`, () => waitForIpv4(ctx, vmid, NETWORK_DEADLINE_MS), '(known after start)');
      const h = input.health;
      const deadline = Math.max(h.start_period * 1000, MIN_HEALTH_DEADLINE_MS);
      const health = await ctx.effects.afterApply(`wait until ${healthUrl(ip, h)} answers ${h.status.join('|')} (deadline ${deadline / 1000}s)`, () => waitHealthy(ip, h, deadline), { ok: true });
      if (!health.ok) {
        throw new HealthCheckError(
          `CT ${vmid} (${spec.container.hostname}) is not healthy: ${healthUrl(ip, h)} ${health.last === undefined ? 'never answered' : `answered ${health.last}`} within ${deadline / 1000}s`,
          `see the app's output with \`pct console ${vmid}\``,
        );
      }
      return { ip, state: 'healthy' };
    },
  };
}
