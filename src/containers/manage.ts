// Day-2 operations on one CT: show, start/stop/restart, destroy (state removed), and resuming provisioning.
import type { ContainerSpec } from '../config/schema/spec.js';
import type { Context } from '../context.js';
import { NotFoundError, UsageError } from '../errors.js';
import { parsePctConfig, parsePctStatus, parsePctStatusVerbose, pctConfig, pctDestroy, pctExec, pctReboot, pctSet, pctStart, pctStatus, pctStop, type PctConfig } from '../host/pct.js';
import { runPve } from '../host/pve-run.js';
import { runProvisioning, type ProvisionResult } from '../provision/run.js';
import { provisioningSteps } from '../provision/steps.js';
import { FAILED_TAG, markFailed, specHash, withRetryHint } from './create.js';
import { readContainerState, type ContainerState } from './state.js';
import { parseEth0Ipv4, waitForCtUp } from './wait.js';

export interface ShowResult {
  vmid: number;
  status: string;
  /** eth0's IPv4 address while running. */
  ip?: string;
  config: Omit<PctConfig, 'raw'>;
  resources: ReturnType<typeof parsePctStatusVerbose>;
  /** What pxdeploy recorded when it made the CT; absent for CTs made by hand. */
  provisioning?: ContainerState;
}

export async function showContainer(ctx: Context, vmid: number): Promise<ShowResult> {
  const { raw: _raw, ...config } = parsePctConfig((await runPve(ctx.effects, pctConfig(vmid))).stdout);
  const resources = parsePctStatusVerbose((await runPve(ctx.effects, pctStatus(vmid, { verbose: true }))).stdout);
  const provisioning = await readContainerState(ctx.paths, vmid);
  // The address the CT has now (a DHCP lease is in no config).
  const ip =
    resources.status === 'running'
      ? parseEth0Ipv4((await runPve(ctx.effects, { ...pctExec(vmid, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0'], { timeoutMs: 15_000 }), readOnly: true }, { allowFailure: true })).stdout)
      : undefined;
  return { vmid, status: resources.status, ...(ip ? { ip } : {}), config, resources, ...(provisioning ? { provisioning } : {}) };
}

async function runState(ctx: Context, vmid: number): Promise<string> {
  return parsePctStatus((await runPve(ctx.effects, pctStatus(vmid))).stdout);
}

export type PowerAction = 'start' | 'stop' | 'restart';

/** Idempotent: starting a running CT or stopping a stopped one does nothing and says so. */
export async function powerContainer(ctx: Context, vmid: number, action: PowerAction): Promise<{ vmid: number; action: PowerAction; changed: boolean; status: string }> {
  const before = await runState(ctx, vmid);
  if ((action === 'start' && before === 'running') || (action === 'stop' && before === 'stopped')) return { vmid, action, changed: false, status: before };
  const cmd = action === 'stop' ? pctStop(vmid) : action === 'restart' && before === 'running' ? pctReboot(vmid) : pctStart(vmid);
  await runPve(ctx.effects, cmd);
  return { vmid, action, changed: true, status: action === 'stop' ? 'stopped' : 'running' };
}

export async function destroyContainer(ctx: Context, vmid: number, opts: { force: boolean }): Promise<{ vmid: number; destroyed: boolean; stateRemoved: boolean }> {
  const status = await runState(ctx, vmid);
  if (status === 'running' && !opts.force) throw new UsageError(`CT ${vmid} is running`, `stop it first, or pass --force to stop and destroy it`);
  await runPve(ctx.effects, pctDestroy(vmid, { force: opts.force, purge: true }));
  const state = await readContainerState(ctx.paths, vmid);
  if (state) await ctx.effects.remove(ctx.paths.containerState(vmid));
  return { vmid, destroyed: true, stateRemoved: state !== undefined };
}

/** `ct provision`: start the CT if needed, then run the steps not yet done (all with `all`), and clear the failed tag. */
export async function resumeProvisioning(ctx: Context, vmid: number, spec: ContainerSpec, opts: { all: boolean }): Promise<ProvisionResult & { specChanged: boolean }> {
  const state = await readContainerState(ctx.paths, vmid);
  if (!state) throw new NotFoundError(`pxdeploy has no record of CT ${vmid}`, 'only CTs made with `pxdeploy ct create` can be provisioned');
  const specChanged = state.spec_hash !== specHash(spec);
  if (specChanged) ctx.report.warn(`the spec changed since CT ${vmid} was created; steps already done are still skipped (use --all to run them again)`);
  const cfg = parsePctConfig((await runPve(ctx.effects, pctConfig(vmid))).stdout);
  if ((await runState(ctx, vmid)) !== 'running') {
    await runPve(ctx.effects, pctStart(vmid));
    await ctx.effects.afterApply(`wait for an IPv4 address on eth0 of CT ${vmid} and for systemd`, () => waitForCtUp(ctx, vmid, 120_000), undefined);
  }
  const tags = (cfg.tags ?? []).filter((t) => t !== FAILED_TAG);
  let result: ProvisionResult;
  try {
    result = await runProvisioning(ctx, { vmid, ostype: cfg.ostype ?? 'debian' }, provisioningSteps(spec), opts);
  } catch (err) {
    await markFailed(ctx, vmid, tags);
    throw withRetryHint(err, vmid);
  }
  if (cfg.tags?.includes(FAILED_TAG)) await runPve(ctx.effects, pctSet(vmid, { tags }));
  return { ...result, specChanged };
}
