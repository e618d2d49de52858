// `ct create`: preflight, race-free vmid, pct create/start, wait for network and systemd, provisioning that resumes; nothing half-made.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { lxcBackend } from '../backends/lxc/backend.js';
import { PXDEPLOY_TAG, specToCreateOptions } from '../backends/lxc/spec-to-options.js';
import type { ContainerSpec } from '../config/schema/spec.js';
import type { Context } from '../context.js';
import { ExitCode, PxError, UsageError } from '../errors.js';
import { isLocalNode } from '../cluster/pmxcfs.js';
import { pveshCreateCt, pveshCtStatus, pveshDestroyCt, readCtConfig, waitRemoteUp } from '../cluster/remote-ct.js';
import { faultPoint } from '../faults.js';
import { parsePctConfig, pctConfig, pctCreate, pctDestroy, pctSet, pctStart, pctStop } from '../host/pct.js';
import { pveamDownload } from '../host/pveam.js';
import { runPve } from '../host/pve-run.js';
import { runProvisioning, type ProvisionResult } from '../provision/run.js';
import { provisioningSteps } from '../provision/steps.js';
import { diffConfig, type Difference } from './compare.js';
import { assignGpuGroups } from './gpu-groups.js';
import { preflightCreate, type PreflightInput } from './preflight.js';
import { writeContainerState } from './state.js';
import { withAllocatedVmid } from './vmid.js';

export const FAILED_TAG = 'pxdeploy-failed';

export interface CreateInput extends PreflightInput {
  specFile?: string;
}

export interface CreateResult {
  vmid: number;
  hostname: string;
  node: string;
  /** `created`, or `unchanged` when a CT pxdeploy made already matches the spec. */
  outcome: 'created' | 'unchanged';
  ip?: string;
  systemd?: string;
  provisioning?: ProvisionResult;
  warnings: string[];
}

/** Secrets take part in the hash (a new auth key is a new spec), but only the hash is stored. */
export function specHash(spec: ContainerSpec): string {
  return createHash('sha256').update(JSON.stringify(spec)).digest('hex');
}

/** The spec and a CT differ: listing each difference, refusing to change it (changing is `ct set`). */
export class SpecDriftError extends PxError {
  readonly differences: Difference[];
  constructor(vmid: number, differences: Difference[]) {
    super(
      `CT ${vmid} exists and differs from the spec:\n${differences.map((d) => `  ${d.key}: ${d.have} → ${d.want}`).join('\n')}`,
      ExitCode.badInput,
      `change it with \`pct set ${vmid} …\`, or destroy it (\`pxdeploy ct destroy ${vmid}\`) and create it again`,
    );
    this.differences = differences;
  }
  override details(): Record<string, unknown> {
    return { differences: this.differences };
  }
}

function guessOstype(template: string): string {
  const name = template.replace(/^.*\//, '');
  return ['alpine', 'ubuntu', 'devuan', 'centos', 'fedora', 'archlinux'].find((d) => name.startsWith(d)) ?? 'debian';
}

export async function createContainer(ctx: Context, input: CreateInput): Promise<CreateResult> {
  const { spec } = input;
  const c = spec.container;
  // Another node's CT is made through the API; what needs `pct exec` there cannot be done from here.
  const target = input.node ?? c.node;
  const remote = isLocalNode(ctx.paths.pveDir, target) ? undefined : target;
  if (remote !== undefined && (provisioningSteps(spec).length > 0 || c.devices.length > 0 || c.mount_points.some((m) => m.host !== undefined))) {
    throw new UsageError(
      `CT ${c.hostname} on node ${remote}: provisioning, devices and host bind mounts need pct exec and host paths on the CT's own node, which pxdeploy here cannot reach`,
      `run pxdeploy on ${remote} itself, or drop them from the spec`,
    );
  }
  const plan = await preflightCreate(ctx, input);
  const options = specToCreateOptions(spec, { storage: plan.storage });

  // Idempotent re-run: the CT pxdeploy made for this spec (by vmid, else by hostname among its own) is compared, not re-made.
  const mine = plan.cluster.find((g) => (plan.vmid !== undefined ? g.vmid === plan.vmid : g.name === c.hostname && g.tags.includes(PXDEPLOY_TAG)));
  if (mine) {
    const have = await readCtConfig(ctx, mine.vmid, isLocalNode(ctx.paths.pveDir, mine.node) ? undefined : mine.node);
    const differences = diffConfig(options, have);
    if (differences.length > 0) throw new SpecDriftError(mine.vmid, differences);
    return { vmid: mine.vmid, hostname: c.hostname, node: mine.node, outcome: 'unchanged', warnings: plan.warnings };
  }

  return ctx.effects.withLock(`ct-${c.hostname}`, 'ct-create', async () => {
    for (const w of plan.warnings) ctx.report.warn(w);
    if (plan.download) await runPve(ctx.effects, pveamDownload(plan.download.storage, plan.download.template));
    for (const dir of plan.missingDirs) await ctx.effects.mkdir(dir);

    const backend = lxcBackend(plan.ostemplate);
    const keys = spec.provisioning.ssh_keys;
    const keysFile = keys.length > 0 && remote === undefined ? path.join(ctx.paths.scratchDir, `ct-${c.hostname}.authorized_keys`) : undefined;
    if (keysFile) await ctx.effects.writeFile(keysFile, `${keys.join('\n')}\n`, { mode: 0o600 });
    let vmid: number;
    const template = await backend.template(ctx, spec);
    try {
      ctx.report.info(`creating CT ${c.hostname} from ${template.ostemplate}`);
      vmid = await withAllocatedVmid(ctx, plan.vmid, async (id) => {
        const opts = specToCreateOptions(spec, { storage: plan.storage, sshKeysFile: keysFile });
        const keysText = keys.length > 0 ? `${keys.join('\n')}\n` : undefined;
        await runPve(ctx.effects, remote === undefined ? pctCreate(id, template.ostemplate, opts) : pveshCreateCt(remote, id, template.ostemplate, opts, keysText));
        return id;
      });
    } finally {
      await template.release();
      if (keysFile) await ctx.effects.remove(keysFile);
    }
    const at = ctx.clock.now().toISOString();
    await writeContainerState(ctx.effects, ctx.paths, {
      schemaVersion: 1,
      vmid,
      hostname: c.hostname,
      node: plan.node,
      spec_hash: specHash(spec),
      ...(input.specFile ? { spec_file: path.resolve(input.specFile) } : {}),
      created_at: at,
      status: 'creating',
      steps_done: [],
    });

    let ip: string;
    let systemd: string;
    try {
      await runPve(ctx.effects, remote === undefined ? pctStart(vmid) : pveshCtStatus(remote, vmid, 'start'));
      faultPoint('ct-create:started');
      ctx.report.info(`waiting for CT ${vmid}'s network and systemd`);
      ({ ip, state: systemd } = await ctx.effects.afterApply(
        `wait for an IPv4 address on eth0 of CT ${vmid} and for systemd (running or degraded)`,
        () => (remote === undefined ? backend.waitUp(ctx, vmid, spec) : waitRemoteUp(ctx, remote, vmid)),
        { ip: '(known after start)', state: '(known after start)' },
      ));
      const regrouped = await ctx.effects.afterApply(`give /dev/dri devices of CT ${vmid} the gid of its render group`, () => assignGpuGroups(ctx, vmid, spec, plan.storage), false);
      if (regrouped) ({ ip, state: systemd } = await backend.waitUp(ctx, vmid, spec));
    } catch (err) {
      // Before provisioning nothing of value is inside: remove the CT and every trace of it.
      ctx.log.error(`CT ${vmid} did not come up; destroying it: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      await runPve(ctx.effects, remote === undefined ? pctDestroy(vmid, { force: true, purge: true }) : pveshDestroyCt(remote, vmid, { force: true, purge: true }), { allowFailure: true }).catch(() => undefined);
      await ctx.effects.remove(ctx.paths.containerState(vmid));
      throw err;
    }

    const steps = provisioningSteps(spec);
    let provisioning: ProvisionResult | undefined;
    if (steps.length > 0) {
      const ostype = await ctx.effects.afterApply(
        `read the ostype of CT ${vmid}`,
        async () => parsePctConfig((await runPve(ctx.effects, pctConfig(vmid))).stdout).ostype ?? 'debian',
        guessOstype(plan.ostemplate),
      );
      try {
        provisioning = await runProvisioning(ctx, { vmid, ostype }, steps, { all: false });
      } catch (err) {
        await markFailed(ctx, vmid, options.tags ?? []);
        throw withRetryHint(err, vmid);
      }
    } else {
      await runProvisioning(ctx, { vmid, ostype: 'none' }, [], { all: false });
    }
    return { vmid, hostname: c.hostname, node: plan.node, outcome: 'created', ip, systemd, provisioning, warnings: plan.warnings };
  });
}

/** A provisioning failure keeps the CT (its data and the steps done) but stops it and tags it, so it is not mistaken for a working one. */
export async function markFailed(ctx: Context, vmid: number, tags: readonly string[]): Promise<void> {
  await runPve(ctx.effects, pctStop(vmid), { allowFailure: true }).catch(() => undefined);
  await runPve(ctx.effects, pctSet(vmid, { tags: [...new Set([...tags, FAILED_TAG])].sort() }));
}

export function withRetryHint(err: unknown, vmid: number): unknown {
  if (err instanceof PxError) err.hint = `fix the cause, then resume with \`pxdeploy ct provision ${vmid}\` (steps already done are skipped)`;
  return err;
}
