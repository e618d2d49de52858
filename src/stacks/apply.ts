// `apply -f stack.yaml`: the plan's changes in dependency order, in parallel up to --parallel, each under its own lock; a success/failure table at the end.
import type { Context } from '../context.js';
import { ExitCode, PxError } from '../errors.js';
import { parsePctConfig, pctConfig, pctSet, runPve, type PctSetOptions } from '../host/pct.js';
import { runJobs, type Job } from './execute.js';
import type { Stack } from './load.js';
import { hostnameOf } from './observe.js';
import { hasChanges, planStack, templateNameOf, type FieldChange, type PlannedResource, type StackPlan } from './plan.js';

export type ResourceStatus = 'ok' | 'failed' | 'skipped' | 'unchanged';

export interface ResourceResult {
  name: string;
  kind: PlannedResource['kind'];
  action: PlannedResource['action'];
  status: ResourceStatus;
  /** What was done (`CT 270, 10.203.0.110`), the error's first line, or why it was skipped. */
  detail: string;
  /** A failure's whole message: the lines after the first carry a failing step's output tail. */
  error?: string;
  vmid?: number;
  seconds?: number;
}

export interface ApplyResult {
  stack: string;
  /** Not `plan`: under --dry-run --json that key holds the planned effects. */
  planned: StackPlan;
  results: ResourceResult[];
  counts: Record<ResourceStatus, number>;
}

/** Some resources failed: the result (the table) travels with the error, exit 1. */
export class StackApplyError extends PxError {
  readonly result: ApplyResult;
  constructor(result: ApplyResult) {
    const failed = result.results.filter((r) => r.status === 'failed').map((r) => r.name);
    super(`${failed.length} resource(s) of stack ${result.stack} failed: ${failed.join(', ')}`, ExitCode.other, 'fix the cause and run apply again: what succeeded is left as it is and shows as unchanged');
    this.result = result;
  }
  override details(): Record<string, unknown> {
    return { ...this.result };
  }
}

interface Done {
  detail: string;
  vmid?: number;
}

/** Add tags to a CT (apps and templates are made by code that does not know the stack). */
async function ensureTags(ctx: Context, vmid: number, tags: readonly string[], node?: string): Promise<void> {
  // A CT on another node is read and set through the API there.
  const { readCtConfig, pveshSetCt, remoteNodeOf } = await import('../cluster/remote-ct.js');
  const remote = remoteNodeOf(ctx, node);
  const have = (await readCtConfig(ctx, vmid, remote)).tags ?? [];
  if (tags.every((t) => have.includes(t))) return;
  const set = { tags: [...new Set([...have, ...tags])].sort() };
  await runPve(ctx.effects, remote ? pveshSetCt(remote, vmid, set) : pctSet(vmid, set));
}

/** A `~`: resources through ct set's logic (hot-plug or pending), net0 and tags with pct set, a failed provisioning resumed. */
async function change(ctx: Context, stack: Stack, p: PlannedResource): Promise<Done> {
  const vmid = p.vmid!;
  const by = (via: FieldChange['via']) => p.changes.filter((c) => c.via === via);
  const said: string[] = [];
  const resources = Object.fromEntries(by('resources').map((c) => [c.field, Number(c.want)])) as { memory?: number; cores?: number; swap?: number };
  if (Object.keys(resources).length > 0) {
    const { setContainerResources } = await import('../containers/resources.js');
    for (const c of await setContainerResources(ctx, vmid, resources)) said.push(`${c.key} ${c.from ?? '?'} → ${c.to} (${c.applied})`);
  }
  const set: PctSetOptions = {};
  const net = by('pct-set').filter((c) => c.field.startsWith('net0.'));
  if (net.length > 0) {
    const cfg = parsePctConfig((await runPve(ctx.effects, pctConfig(vmid))).stdout);
    set.net = { 0: { ...cfg.net[0], ...Object.fromEntries(net.map((c) => [c.field.slice(5), c.want])) } };
  }
  for (const c of by('pct-set')) {
    if (c.field === 'tags') set.tags = c.want.split(';');
    else if (c.field === 'onboot') set.onboot = c.want === '1';
    else if (c.field === 'description') set.description = c.want;
  }
  if (Object.keys(set).length > 0) {
    await runPve(ctx.effects, pctSet(vmid, set));
    said.push(...by('pct-set').map((c) => `${c.field} ${c.have} → ${c.want}`));
  }
  if (by('provision').length > 0) {
    const { resumeProvisioning } = await import('../containers/manage.js');
    const r = await resumeProvisioning(ctx, vmid, stack.specs[p.name]!.spec, { all: false });
    said.push(`provisioning resumed (${r.ran.length} step(s))`);
  }
  return { vmid, detail: `CT ${vmid}: ${said.join(', ')}` };
}

async function create(ctx: Context, stack: Stack, p: PlannedResource): Promise<Done> {
  const r = stack.resources[p.name]!;
  switch (r.kind) {
    case 'container': {
      const { createContainer } = await import('../containers/create.js');
      const { placeContainer } = await import('../cluster/place.js');
      const s = stack.specs[p.name]!;
      // container.node, else on a cluster the placement choice (a single node asks nothing).
      const placed = await placeContainer(ctx, s.spec);
      const c = await createContainer(ctx, { spec: s.spec, lineOf: s.lineOf, file: s.file, ...(r.file ? { specFile: s.file } : {}), yes: true, ...(placed.node ? { node: placed.node } : {}) });
      return { vmid: c.vmid, detail: `CT ${c.vmid}${c.ip ? `, ${c.ip}` : ''}` };
    }
    case 'template': {
      const { buildTemplate } = await import('../templates/build.js');
      // A rebuild goes to a new vmid (build.ts makes it, then destroys the old one): the file's vmid is for the first build.
      const first = p.action === '+';
      const { record } = await buildTemplate(ctx, { name: r.name ?? p.name, specFile: stack.specFiles[p.name]!, ...(first && r.vmid !== undefined ? { vmid: r.vmid } : {}), ...(r.storage ? { storage: r.storage } : {}), rebuild: !first, tags: [stack.tag], ...(r.node ? { node: r.node } : {}) });
      return { vmid: record.vmid, detail: `template ${record.vmid} on ${record.storage}` };
    }
    case 'clone': {
      const { cloneTemplate } = await import('../clones/clone.js');
      const c = await cloneTemplate(ctx, {
        template: templateNameOf(stack, r),
        hostname: hostnameOf(stack, p.name),
        ...(r.vmid !== undefined ? { vmid: r.vmid } : {}),
        ...(r.ip ? { ip: r.ip } : {}),
        ...(r.gateway ? { gateway: r.gateway } : {}),
        ...(r.storage ? { storage: r.storage } : {}),
        linked: r.linked,
        tags: [...new Set([stack.tag, ...r.tags])],
        ...(r.memory !== undefined ? { memory: r.memory } : {}),
        ...(r.cores !== undefined ? { cores: r.cores } : {}),
        ...(r.node ? { node: r.node } : {}),
      });
      if (r.swap !== undefined) {
        const { setContainerResources } = await import('../containers/resources.js');
        await setContainerResources(ctx, c.vmid, { swap: r.swap });
      }
      return { vmid: c.vmid, detail: `CT ${c.vmid}${c.ip ? `, ${c.ip}` : ''}` };
    }
    case 'app': {
      const { installApp } = await import('../apps/install.js');
      const a = await installApp(ctx, {
        pkg: stack.packages[p.name]!,
        hostname: hostnameOf(stack, p.name),
        ...(r.vmid !== undefined ? { vmid: r.vmid } : {}),
        ...(r.ip ? { ip: r.ip } : {}),
        ...(r.gateway ? { gateway: r.gateway } : {}),
        ...(r.storage ? { storage: r.storage } : {}),
        sets: Object.entries(r.set).map(([k, v]) => `${k}=${v}`),
        allowEnv: [],
        gpu: false,
        auth: {},
        ...(r.node ? { node: r.node } : {}),
      });
      await ctx.effects.afterApply(`tag CT of app ${a.hostname} with ${stack.tag}`, () => ensureTags(ctx, a.vmid, [stack.tag], a.node), undefined);
      return { vmid: a.vmid, detail: `CT ${a.vmid}, ${a.url}` };
    }
    case 'instance': {
      const { installInstance } = await import('../instances/install.js');
      const { loadApp } = await import('../instances/load.js');
      const inst = stack.instances[p.name]!;
      const id = r.id ?? p.name;
      const i = await installInstance(ctx, { instance: { id, file: ctx.paths.instanceConfig(id), config: inst.config, spec: inst.spec, lineOf: inst.lineOf, app: await loadApp(inst.config.app) }, writeConfig: inst.text, keepFailed: false, yes: true, ...(r.node ? { node: r.node } : {}) });
      return { vmid: i.vmid, detail: `CT ${i.vmid}, ${i.url}` };
    }
  }
}

/** `-`: the CT goes, with pxdeploy's records of it (container, app or template). */
async function destroy(ctx: Context, p: PlannedResource): Promise<Done> {
  const vmid = p.vmid!;
  const [{ destroyContainer }, { listApps }, { readTemplates, forgetTemplate }] = await Promise.all([import('../containers/manage.js'), import('../apps/state.js'), import('../templates/state.js')]);
  const app = (await listApps(ctx.paths, ctx.effects)).find((a) => a.vmid === vmid);
  const template = (await readTemplates(ctx)).find((t) => t.vmid === vmid);
  await destroyContainer(ctx, vmid, { force: true });
  if (app) await ctx.effects.remove(ctx.paths.appState(app.hostname));
  if (template) await forgetTemplate(ctx.effects, ctx.paths, template.name);
  return { vmid, detail: `destroyed CT ${vmid}` };
}

function perform(ctx: Context, stack: Stack, p: PlannedResource): Promise<Done> {
  if (p.blocked) return Promise.reject(new PxError(p.blocked, ExitCode.badInput));
  if (p.action === '-') return destroy(ctx, p);
  if (p.action === '+' || stack.resources[p.name]?.kind === 'template') return create(ctx, stack, p);
  return change(ctx, stack, p);
}

const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;

/** Execute a plan: only its `+`, `~` and `-` resources run; unchanged ones count as done for their dependents. */
export async function executePlan(ctx: Context, stack: Stack, plan: StackPlan, opts: { parallel: number }): Promise<ApplyResult> {
  const todo = plan.resources.filter((p) => p.action !== '=');
  const jobs: Job<Done>[] = todo.map((p) => ({
    name: p.name,
    deps: p.action === '-' ? [] : (stack.graph.deps.get(p.name) ?? []),
    run: () =>
      ctx.effects.withLock(`stack-${stack.name}.${p.name}`, 'stack-apply', async () => {
        ctx.log.info(`${p.action} ${p.name} (${p.what})`);
        ctx.report.info(`${p.action} ${p.name}: ${p.what}`);
        return perform(ctx, stack, p);
      }),
  }));
  const outcomes = new Map((await runJobs(jobs, { parallel: opts.parallel })).map((o) => [o.name, o]));
  const results = plan.resources.map((p): ResourceResult => {
    const base = { name: p.name, kind: p.kind, action: p.action, ...(p.vmid !== undefined ? { vmid: p.vmid } : {}) };
    const o = outcomes.get(p.name);
    if (!o) return { ...base, status: 'unchanged', detail: p.vmid !== undefined ? `CT ${p.vmid}` : '' };
    if (o.status === 'skipped') return { ...base, status: 'skipped', detail: o.reason };
    if (o.status === 'failed') {
      const message = o.error instanceof Error ? o.error.message : String(o.error);
      ctx.log.error(`${p.name} failed: ${message}`);
      return { ...base, status: 'failed', detail: firstLine(o.error), ...(message.includes('\n') ? { error: message } : {}), seconds: o.seconds };
    }
    return { ...base, status: 'ok', detail: o.result.detail, ...(o.result.vmid !== undefined ? { vmid: o.result.vmid } : {}), seconds: o.seconds };
  });
  for (const r of results) if (r.status === 'skipped') ctx.log.warn(`${r.name} skipped: ${r.detail}`);
  const counts = { ok: 0, failed: 0, skipped: 0, unchanged: 0 };
  for (const r of results) counts[r.status]++;
  return { stack: stack.name, planned: plan, results, counts };
}

/** Plan, and when anything changes, execute it under the stack's lock. A plan without changes runs nothing that mutates. */
export async function applyStack(ctx: Context, stack: Stack, opts: { prune: boolean; parallel: number; confirm: (plan: StackPlan) => Promise<void> }): Promise<ApplyResult> {
  const plan = await planStack(ctx, stack, { prune: opts.prune });
  const nothing: ApplyResult = { stack: stack.name, planned: plan, results: plan.resources.map((p) => ({ name: p.name, kind: p.kind, action: p.action, status: 'unchanged', detail: '', ...(p.vmid !== undefined ? { vmid: p.vmid } : {}) })), counts: { ok: 0, failed: 0, skipped: 0, unchanged: plan.resources.length } };
  if (!hasChanges(plan)) return nothing;
  // Throws when the answer is no, or nobody can answer: nothing changed yet.
  await opts.confirm(plan);
  const result = await ctx.effects.withLock(`stack-${stack.name}`, 'stack-apply', () => executePlan(ctx, stack, plan, opts));
  if (result.counts.failed > 0) throw new StackApplyError(result);
  return result;
}
