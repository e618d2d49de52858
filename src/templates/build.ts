// `template build`: create + provision a CT from a spec, clean it for cloning, stop it, `pct template`; recorded with its spec hash.
import path from 'node:path';
import { loadContainerSpecSource } from '../config/load.js';
import { readNodeConfig, type IdRange, type NodeConfig } from '../config/node-config.js';
import type { ContainerSpec } from '../config/schema/spec.js';
import { attachEnvSecrets, secretValues } from '../config/secrets.js';
import type { Context } from '../context.js';
import { PXDEPLOY_TAG } from '../backends/lxc/spec-to-options.js';
import { createContainer, specHash } from '../containers/create.js';
import { DEFAULT_ROOTFS_STORAGE } from '../containers/preflight.js';
import { readContainerState } from '../containers/state.js';
import { freeVmidInRange } from '../containers/vmid-range.js';
import { waitForCtUp } from '../containers/wait.js';
import { CtNotFoundError, PxError, ExitCode, UsageError } from '../errors.js';
import { parsePctConfig, parsePctStatus, pctConfig, pctDestroy, pctStart, pctStatus, pctStop, pctTemplate } from '../host/pct.js';
import { runPve } from '../host/pve-run.js';
import { parseClusterLxc, pveshClusterResourcesVm } from '../host/pvesh.js';
import { parsePvesmStatus, pvesmStatus } from '../host/pvesm.js';
import { assertSafeId } from '../state/paths.js';
import { placeHereOnly } from '../cluster/place.js';
import { cleanForCloning } from './identity.js';
import { linkedClonesOf } from './linked-clones.js';
import { readTemplates, saveTemplate, type TemplateRecord } from './state.js';
import { checkTags } from './tags.js';

export interface BuildTemplateOptions {
  name: string;
  specFile: string;
  vmid?: number;
  storage?: string;
  rebuild?: boolean;
  /** `--node` (or a stack's `node:`): only this node, since building needs pct exec. */
  node?: string;
  /** Extra tags on the template CT (e.g. a stack's); not part of the spec hash, and not copied to clones when `pxstack-*`. */
  tags?: string[];
}

/** Bulk storage a home lab names this way; used for templates when the config names none. */
export const BULK_STORAGE = 'local-hdd';
const UP_DEADLINE_MS = 120_000;

/** What the template is made of: `post_clone` only runs in clones, so editing it needs no rebuild. */
export function templateSpecHash(spec: ContainerSpec): string {
  const { post_clone: _p, ...built } = spec;
  return specHash(built as ContainerSpec);
}

async function templateStorage(ctx: Context, opts: BuildTemplateOptions, config: NodeConfig, spec: ContainerSpec): Promise<string> {
  if (opts.storage !== undefined) return opts.storage;
  if (config.storage.templates !== undefined) return config.storage.templates;
  const rootdir = parsePvesmStatus((await runPve(ctx.effects, pvesmStatus({ content: ['rootdir'] }))).stdout);
  if (rootdir.some((s) => s.name === BULK_STORAGE && s.status === 'active')) return BULK_STORAGE;
  return spec.container.storage_pool ?? DEFAULT_ROOTFS_STORAGE;
}

/** `true`: a template; `false`: a CT that is not (yet) one; undefined: no such CT. */
async function isTemplate(ctx: Context, vmid: number): Promise<boolean | undefined> {
  try {
    return parsePctConfig((await runPve(ctx.effects, pctConfig(vmid))).stdout).template === true;
  } catch (err) {
    if (err instanceof CtNotFoundError) return undefined;
    throw err;
  }
}

/** An unchanged template needs nothing; a changed one only with --rebuild, and never under linked clones. */
async function checkRebuild(ctx: Context, existing: TemplateRecord, hash: string, rebuild: boolean): Promise<'up-to-date' | 'build'> {
  const present = await isTemplate(ctx, existing.vmid);
  if (present !== true) return 'build';
  if (existing.specHash === hash && !rebuild) return 'up-to-date';
  if (!rebuild) {
    throw new UsageError(`template '${existing.name}' (CT ${existing.vmid}) was built from a different spec`, 'rebuild it with --rebuild (refused while linked clones depend on it)');
  }
  const linked = await linkedClonesOf(ctx, existing.vmid, existing.storage);
  if (linked.length > 0) {
    throw new UsageError(
      `template '${existing.name}' (CT ${existing.vmid}) has linked clones (${linked.join(', ')}); rebuilding would remove the base volume they use`,
      'destroy those clones, or replace them with full clones, then rebuild',
    );
  }
  return 'build';
}

/**
 * The vmid for a new build: --vmid, else a CT a crashed build left behind (same hostname, pxdeploy's
 * tag, not a template, in the range: resumed, not duplicated), else the lowest free one in the
 * template range. The spec's own vmid is not used: it is where `ct create` puts the spec's CT.
 */
async function buildVmid(ctx: Context, opts: BuildTemplateOptions, spec: ContainerSpec, config: NodeConfig): Promise<number> {
  if (opts.vmid !== undefined) return opts.vmid;
  const range = config.id_ranges.templates;
  const cluster = parseClusterLxc((await runPve(ctx.effects, pveshClusterResourcesVm())).stdout);
  const leftover = cluster.find((g) => !g.template && g.name === spec.container.hostname && g.tags.includes(PXDEPLOY_TAG) && g.vmid >= range.from && g.vmid <= range.to);
  return leftover?.vmid ?? freeVmidInRange(ctx, 'templates', range);
}

export async function buildTemplate(ctx: Context, opts: BuildTemplateOptions): Promise<{ record: TemplateRecord; changed: boolean; placement?: string }> {
  assertSafeId(opts.name);
  checkTags(opts.tags);
  const { spec: loaded, lineOf } = await loadContainerSpecSource(opts.specFile);
  // Provisioning, cleaning for cloning and `pct template` all need pct exec: this node only, refused up front otherwise.
  const placed = await placeHereOnly(ctx, opts.node ?? loaded.container.node, `template ${opts.name}`, 'provisioning, cleaning for cloning and `pct template` need pct exec');
  const config = await readNodeConfig(ctx.effects, ctx.paths);
  const hash = templateSpecHash(loaded);

  return ctx.effects.withLock(`template-${opts.name}`, 'template-build', async () => {
    const existing = (await readTemplates(ctx)).find((t) => t.name === opts.name);
    if (existing && (await checkRebuild(ctx, existing, hash, !!opts.rebuild)) === 'up-to-date') return { record: existing, changed: false };

    const storage = await templateStorage(ctx, opts, config, loaded);
    const tags = [...new Set([...loaded.container.tags, ...(opts.tags ?? []).map((t) => t.toLowerCase())])];
    const spec = attachEnvSecrets({ ...loaded, container: { ...loaded.container, storage_pool: storage, tags } }, secretValues(loaded));
    const vmid = await buildVmid(ctx, opts, spec, config);
    // Rebuilding into the old template's own vmid: it has to go first (else it goes after the new one works).
    if (existing && existing.vmid === vmid && (await isTemplate(ctx, vmid)) === true) await destroyTemplate(ctx, vmid);

    ctx.report.info(`building template ${opts.name} as CT ${vmid} on ${storage}`);
    const made = await createContainer(ctx, { spec, lineOf, file: opts.specFile, specFile: opts.specFile, vmid, yes: ctx.flags.yes, ...(placed.node ? { node: placed.node } : {}) });
    if (made.outcome === 'unchanged') await resumeLeftover(ctx, vmid, config.id_ranges.templates);

    const target = { vmid, ostype: await ctx.effects.afterApply(`read the ostype of CT ${vmid}`, async () => parsePctConfig((await runPve(ctx.effects, pctConfig(vmid))).stdout).ostype ?? 'debian', 'debian') };
    ctx.report.info(`cleaning CT ${vmid} for cloning (machine-id, SSH host keys, apt lists)`);
    await cleanForCloning(ctx, target, secretValues(spec));
    await runPve(ctx.effects, pctStop(vmid));
    await runPve(ctx.effects, pctTemplate(vmid));

    const record: TemplateRecord = {
      name: opts.name,
      vmid,
      node: made.node,
      storage,
      specHash: hash,
      builtAt: ctx.clock.now().toISOString(),
      specFile: path.resolve(opts.specFile),
    };
    await saveTemplate(ctx.effects, ctx.paths, record);
    if (existing && existing.vmid !== vmid && (await isTemplate(ctx, existing.vmid)) === true) await destroyTemplate(ctx, existing.vmid);
    return { record, changed: true, ...(placed.reason ? { placement: placed.reason } : {}) };
  });
}

/**
 * A CT an interrupted build left: only inside the template range (a CT elsewhere that matches the spec
 * is the one `ct create` made, never to be turned into a template), only once its provisioning
 * finished; started again if stopped.
 */
async function resumeLeftover(ctx: Context, vmid: number, range: IdRange): Promise<void> {
  if (vmid < range.from || vmid > range.to) {
    throw new UsageError(`CT ${vmid} already exists (made from this spec); template build makes a CT of its own`, `leave out --vmid, or pick a free one in ${range.from}-${range.to}`);
  }
  if ((await isTemplate(ctx, vmid)) === true) {
    throw new UsageError(`CT ${vmid} is already a template, but not one pxdeploy recorded under this name`, 'pick another --vmid, or destroy it first');
  }
  const state = await readContainerState(ctx.paths, vmid);
  if (state?.status !== 'ready') {
    throw new PxError(`CT ${vmid} is left from an earlier build whose provisioning did not finish`, ExitCode.other, `finish it with \`pxdeploy ct provision ${vmid}\`, then build again (or destroy it)`);
  }
  if (parsePctStatus((await runPve(ctx.effects, pctStatus(vmid))).stdout) !== 'running') {
    await runPve(ctx.effects, pctStart(vmid));
    await ctx.effects.afterApply(`wait for CT ${vmid}'s network and systemd`, () => waitForCtUp(ctx, vmid, UP_DEADLINE_MS), undefined);
  }
}

async function destroyTemplate(ctx: Context, vmid: number): Promise<void> {
  await runPve(ctx.effects, pctDestroy(vmid, { purge: true }));
  await ctx.effects.remove(ctx.paths.containerState(vmid));
}
