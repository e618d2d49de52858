// `clone`: a CT from a template (pct clone, full by default), static IP, start, wait for network, post_clone scripts; nothing half-made.
import { existsSync } from 'node:fs';
import { loadContainerSpec } from '../config/load.js';
import { readNodeConfig } from '../config/node-config.js';
import { DNS_LABEL } from '../config/schema/primitives.js';
import { isIPv4, parseCidr4 } from '../config/schema/net.js';
import { secretValues } from '../config/secrets.js';
import type { ContainerSpec } from '../config/schema/spec.js';
import type { Context } from '../context.js';
import { FAILED_TAG } from '../containers/create.js';
import { readContainerState, writeContainerState } from '../containers/state.js';
import { withVmidInRange } from '../containers/vmid-range.js';
import { waitForCtUp } from '../containers/wait.js';
import { HostCommandError, NotFoundError, UsageError } from '../errors.js';
import { pctClone, pctDestroy, pctSet, pctStart, type NetSpec, type PctConfig, type PctSetOptions } from '../host/pct.js';
import { localNodeName } from '../cluster/pmxcfs.js';
import { pveshCloneCt, pveshCtStatus, pveshDestroyCt, pveshSetCt, readCtConfig, remoteNodeOf, waitRemoteUp } from '../cluster/remote-ct.js';
import { placeClone } from './place.js';
import { runPve } from '../host/pve-run.js';
import { parseClusterLxc, pveshClusterResourcesVm } from '../host/pvesh.js';
import { runProvisioning, type ProvisionResult } from '../provision/run.js';
import { scriptStep } from '../provision/steps/script.js';
import type { ProvisionStep } from '../provision/types.js';
import { findTemplate, type TemplateRecord } from '../templates/state.js';
import { newIdentityStep } from '../templates/identity.js';
import { checkTags, cloneTag } from '../templates/tags.js';

export interface CloneOptions {
  template: string;
  hostname: string;
  vmid?: number;
  ip?: string;
  gateway?: string;
  storage?: string;
  linked?: boolean;
  tags?: string[];
  memory?: number;
  cores?: number;
  /** `--node` (or a stack's `node:`); on a cluster without it, the placement choice. */
  node?: string;
}

export interface CloneResult {
  vmid: number;
  ip?: string;
  hostname: string;
  template: string;
  /** `unchanged`: a clone of this template with this hostname exists already (it is not touched). */
  outcome: 'created' | 'unchanged';
  linked: boolean;
  postClone?: ProvisionResult;
  node?: string;
  /** Why this node (a cluster's placement, or --node). */
  placement?: string;
}

const UP_DEADLINE_MS = 120_000;

/** Bad input is refused before any host command, naming the field. */
export function checkCloneOptions(opts: CloneOptions): void {
  if (!DNS_LABEL.test(opts.hostname)) throw new UsageError(`invalid hostname '${opts.hostname}': use a-z, 0-9 and "-" (not first or last), at most 63 characters`);
  if (opts.ip !== undefined && opts.ip !== 'dhcp') {
    const c = parseCidr4(opts.ip);
    if ('error' in c) throw new UsageError(`invalid --ip '${opts.ip}': ${c.error}`);
  }
  if (opts.gateway !== undefined && (!isIPv4(opts.gateway) || opts.ip === undefined || opts.ip === 'dhcp')) {
    throw new UsageError(`invalid --gateway '${opts.gateway}': an IPv4 address, and only with a static --ip`);
  }
  if (opts.linked && opts.storage !== undefined) throw new UsageError('--storage cannot be used with --linked: a linked clone stays on the template\'s storage');
  if (opts.memory !== undefined && !(Number.isInteger(opts.memory) && opts.memory >= 16)) throw new UsageError(`invalid memory ${opts.memory}: whole MB, at least 16`);
  if (opts.cores !== undefined && !(Number.isInteger(opts.cores) && opts.cores >= 1 && opts.cores <= 8192)) throw new UsageError(`invalid cores ${opts.cores}: 1 to 8192`);
  checkTags(opts.tags);
}

/** The clone's net0: the template's (bridge, firewall, ...) with the given address and a MAC PVE makes anew. */
function cloneNet(tplNet: NetSpec | undefined, opts: CloneOptions, template: string): NetSpec | undefined {
  if (opts.ip === undefined) {
    if (tplNet?.ip !== undefined && tplNet.ip !== 'dhcp' && tplNet.ip !== 'manual') {
      throw new UsageError(`template '${template}' has the static address ${tplNet.ip}; every clone needs its own: pass --ip`);
    }
    return undefined;
  }
  const { hwaddr: _mac, ...net } = tplNet ?? { name: 'eth0', bridge: 'vmbr0' };
  return opts.ip === 'dhcp' ? { ...net, ip: 'dhcp', gw: undefined } : { ...net, ip: opts.ip, gw: opts.gateway ?? net.gw };
}

/** The template's spec for `post_clone`; a template recorded without one (or whose file is gone) has none. */
async function templateSpec(ctx: Context, tpl: TemplateRecord): Promise<ContainerSpec | undefined> {
  if (tpl.specFile === undefined) return undefined;
  if (!existsSync(tpl.specFile)) {
    ctx.report.warn(`the spec of template '${tpl.name}' (${tpl.specFile}) is gone: no post_clone scripts run`);
    return undefined;
  }
  return loadContainerSpec(tpl.specFile);
}

function postCloneSteps(spec: ContainerSpec | undefined): ProvisionStep[] {
  const secrets = spec ? secretValues(spec) : [];
  // Ids of their own, so a template's provisioning script of the same name (copied as done) is not skipped.
  const scripts = (spec?.post_clone ?? []).map((s) => ({ ...scriptStep(s, secrets), id: `post_clone:${s.name}` }));
  return [newIdentityStep(secrets), ...scripts];
}

/** PVE's refusal of a linked clone (dir storage cannot snapshot) as one line with its reason. */
function linkedRefusal(err: unknown, tpl: TemplateRecord): unknown {
  if (!(err instanceof HostCommandError)) return err;
  const reason = err.stderrTail.split('\n').map((l) => l.trim()).find((l) => /linked clone|not available|not allowed/i.test(l));
  if (!reason) return err;
  return new UsageError(`linked clone of template '${tpl.name}' refused by PVE: ${reason}`, `storage '${tpl.storage}' cannot snapshot; make a full clone (drop --linked), or build the template on lvmthin/zfs storage`);
}

export async function cloneTemplate(ctx: Context, opts: CloneOptions): Promise<CloneResult> {
  checkCloneOptions(opts);
  const tpl = await findTemplate(ctx, opts.template);
  if (!tpl) throw new NotFoundError(`no template '${opts.template}'`, 'see `pxdeploy template list`, or build it with `pxdeploy template build`');
  const config = await readNodeConfig(ctx.effects, ctx.paths);
  const spec = await templateSpec(ctx, tpl);
  const tag = cloneTag(tpl.name);
  const linked = !!opts.linked;

  return ctx.effects.withLock(`ct-${opts.hostname}`, 'clone', async () => {
    const cluster = parseClusterLxc((await runPve(ctx.effects, pveshClusterResourcesVm())).stdout);
    const mine = cluster.find((g) => g.name === opts.hostname && g.tags.includes(tag) && (opts.vmid === undefined || g.vmid === opts.vmid));
    if (mine) return { vmid: mine.vmid, hostname: opts.hostname, template: tpl.name, outcome: 'unchanged', linked };

    const tplRemote = remoteNodeOf(ctx, tpl.node);
    const tplCfg = await readCtConfig(ctx, tpl.vmid, tplRemote);
    const net0 = cloneNet(tplCfg.net[0], opts, tpl.name);
    const storage = linked ? undefined : (opts.storage ?? config.storage.services);
    const placed = await placeClone(ctx, tpl, { storage: storage ?? tpl.storage, bridge: net0?.bridge ?? tplCfg.net[0]?.bridge ?? 'vmbr0' }, opts.node);
    // Another node is reached through the API only: what needs pct exec there is refused before anything runs.
    const remote = placed.remote ? placed.node : undefined;
    if (remote !== undefined && (spec?.post_clone ?? []).length > 0) {
      throw new UsageError(`clone ${opts.hostname} on node ${remote}: post_clone scripts need pct exec on the CT's own node, which pxdeploy here cannot reach`, `run pxdeploy on ${remote} itself, or clone it on this node`);
    }
    // Through the API when the template or the clone is on another node; `target` when they differ.
    const target = remote ?? localNodeName(ctx.paths.pveDir);
    ctx.report.info(`cloning template ${tpl.name} (CT ${tpl.vmid}) as ${opts.hostname}${linked ? ' (linked)' : ''}${remote ? ` on ${remote}` : ''}`);
    const vmid = await withVmidInRange(ctx, 'services', config.id_ranges.services, opts.vmid, async (id) => {
      const cloneOpts = { hostname: opts.hostname, ...(linked ? {} : { full: true }), ...(storage ? { storage } : {}) };
      try {
        await runPve(
          ctx.effects,
          tplRemote === undefined && remote === undefined
            ? pctClone(tpl.vmid, id, cloneOpts)
            : pveshCloneCt(placed.source, tpl.vmid, id, { ...cloneOpts, ...(target !== placed.source ? { target } : {}) }),
        );
      } catch (err) {
        throw linked ? linkedRefusal(err, tpl) : err;
      }
      return id;
    });
    try {
      const made = await finishClone(ctx, vmid, { opts, tpl, tplCfg, net0, tag, spec, linked, ...(remote ? { remote } : {}), node: placed.node ?? tpl.node });
      return { ...made, ...(placed.node ? { node: placed.node } : {}), ...(placed.reason ? { placement: placed.reason } : {}) };
    } catch (err) {
      // Nothing half-made: a clone that did not come up or whose post_clone failed is removed, with its record.
      ctx.log.error(`clone ${vmid} failed; destroying it: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      const destroy = { force: true, purge: true };
      await runPve(ctx.effects, remote ? pveshDestroyCt(remote, vmid, destroy) : pctDestroy(vmid, destroy), { allowFailure: true }).catch(() => undefined);
      await ctx.effects.remove(ctx.paths.containerState(vmid));
      throw err;
    }
  });
}

interface FinishInput {
  opts: CloneOptions;
  tpl: TemplateRecord;
  tplCfg: PctConfig;
  net0: NetSpec | undefined;
  tag: string;
  spec: ContainerSpec | undefined;
  linked: boolean;
  /** Another node: set, start and wait go through the API; no pct exec (so no new identity step). */
  remote?: string;
  node: string;
}

async function finishClone(ctx: Context, vmid: number, f: FinishInput): Promise<CloneResult> {
  const { opts, tpl } = f;
  // The template's provisioning is done in the clone too: recorded as done, so `ct provision` skips it.
  const tplState = await readContainerState(ctx.paths, tpl.vmid);
  await writeContainerState(ctx.effects, ctx.paths, {
    schemaVersion: 1,
    vmid,
    hostname: opts.hostname,
    node: f.node,
    spec_hash: tplState?.spec_hash ?? tpl.specHash,
    ...(tpl.specFile ? { spec_file: tpl.specFile } : {}),
    created_at: ctx.clock.now().toISOString(),
    status: 'creating',
    steps_done: tplState?.steps_done ?? [],
  });
  // The template's own tags carry over, except a stack's ownership tag: a clone belongs to whoever made it.
  const inherited = (f.tplCfg.tags ?? []).filter((t) => t !== FAILED_TAG && !t.startsWith('pxstack-'));
  const tags = [...new Set([...inherited, f.tag, ...(opts.tags ?? []).map((t) => t.toLowerCase())])].sort();
  const set: PctSetOptions = { tags, ...(f.net0 ? { net: { 0: f.net0 } } : {}), ...(opts.memory !== undefined ? { memory: opts.memory } : {}), ...(opts.cores !== undefined ? { cores: opts.cores } : {}) };
  const remote = f.remote;
  await runPve(ctx.effects, remote ? pveshSetCt(remote, vmid, set) : pctSet(vmid, set));
  await runPve(ctx.effects, remote ? pveshCtStatus(remote, vmid, 'start') : pctStart(vmid));
  if (remote) {
    const up = await ctx.effects.afterApply(`wait until CT ${vmid} runs on ${remote} (status through the API)`, () => waitRemoteUp(ctx, remote, vmid, UP_DEADLINE_MS), { ip: opts.ip?.replace(/\/\d+$/, '') ?? '(known after start)', state: '' });
    // machine-id is made at first boot (it was emptied); SSH host keys need pct exec on that node.
    ctx.report.warn(`CT ${vmid} on ${remote} has no SSH host keys yet: run \`ssh-keygen -A\` in it on ${remote} (pct exec works only there)`);
    // No steps to run: this records the clone as done.
    const postClone = await runProvisioning(ctx, { vmid, ostype: 'none' }, [], { all: false });
    return { vmid, ip: up.ip, hostname: opts.hostname, template: tpl.name, outcome: 'created', linked: f.linked, postClone };
  }
  ctx.report.info(`waiting for CT ${vmid}'s network`);
  const up = await ctx.effects.afterApply(`wait for an IPv4 address on eth0 of CT ${vmid} and for systemd (running or degraded)`, () => waitForCtUp(ctx, vmid, UP_DEADLINE_MS), {
    ip: opts.ip && opts.ip !== 'dhcp' ? opts.ip.replace(/\/\d+$/, '') : '(known after start)',
    systemd: '(known after start)',
  });
  const postClone = await runProvisioning(ctx, { vmid, ostype: f.tplCfg.ostype ?? 'debian' }, postCloneSteps(f.spec), { all: false });
  return { vmid, ip: up.ip, hostname: opts.hostname, template: tpl.name, outcome: 'created', linked: f.linked, postClone };
}
