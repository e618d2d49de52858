// The plan: the stack file against the node, per resource `+` create, `~` change field by field, `-` destroy (--prune, own tag only), `=` unchanged.
import { FAILED_TAG } from '../containers/create.js';
import { templateSpecHash } from '../templates/build.js';
import { diffConfig } from '../containers/compare.js';
import { specToCreateOptions } from '../backends/lxc/spec-to-options.js';
import type { Context } from '../context.js';
import type { PctConfig } from '../host/pct.js';
import type { ClusterLxc } from '../host/pvesh.js';
import type { Stack } from './load.js';
import { hostnameOf, observeNode, wantedVmid, type NodeView } from './observe.js';
import type { AppDecl, CloneDecl, ResourceKind } from './schema.js';

export type Action = '+' | '~' | '-' | '=';

/** How apply makes a change: resources through `ct set`'s logic, the rest with `pct set`, or by resuming provisioning. */
export type ChangeVia = 'resources' | 'pct-set' | 'provision' | 'rebuild';

export interface FieldChange {
  field: string;
  have: string;
  want: string;
  via?: ChangeVia;
}

export interface PlannedResource {
  name: string;
  kind: ResourceKind | 'ct';
  action: Action;
  vmid?: number;
  /** One line saying what it is (`clone of base, 10.203.0.110/24`). */
  what: string;
  changes: FieldChange[];
  /** Why apply cannot do this one (a field that cannot change in place, a vmid another CT holds). */
  blocked?: string;
}

export interface StackPlan {
  stack: string;
  tag: string;
  resources: PlannedResource[];
  summary: { add: number; change: number; destroy: number; unchanged: number };
}

/** Keys `pct set` changes on an existing CT; anything else in a difference needs the CT made again. */
const SETTABLE: Record<string, ChangeVia> = { memory: 'resources', cores: 'resources', swap: 'resources', tags: 'pct-set', net0: 'pct-set', onboot: 'pct-set', description: 'pct-set' };

const tagsText = (t: readonly string[]) => [...t].sort().join(';') || '(none)';

/** `net0`'s sub-keys one by one (`net0.ip: a → b`), so a changed address reads as one. */
function netChanges(want: Record<string, unknown>, have: Record<string, unknown> | undefined): FieldChange[] {
  return Object.entries(want)
    .filter(([k, v]) => v !== undefined && have?.[k] !== v)
    .map(([k, v]) => ({ field: `net0.${k}`, have: have?.[k] === undefined ? '(unset)' : String(have[k]), want: String(v), via: 'pct-set' as const }));
}

function containerChanges(stack: Stack, name: string, have: PctConfig): { changes: FieldChange[]; blocked?: string } {
  const { spec } = stack.specs[name]!;
  const storage = spec.container.storage_pool ?? have.rootfs?.volume?.split(':')[0] ?? 'local-lvm';
  const want = specToCreateOptions(spec, { storage });
  const changes: FieldChange[] = [];
  const fixed: string[] = [];
  for (const d of diffConfig(want, have)) {
    if (d.key === 'net0') changes.push(...netChanges(want.net![0]! as Record<string, unknown>, have.net[0] as Record<string, unknown> | undefined));
    else if (SETTABLE[d.key]) changes.push({ field: d.key, have: d.have, want: d.want, via: SETTABLE[d.key] });
    else {
      fixed.push(d.key);
      changes.push({ field: d.key, have: d.have, want: d.want });
    }
  }
  if (have.tags?.includes(FAILED_TAG)) changes.push({ field: 'provisioning', have: 'failed', want: 'done', via: 'provision' });
  return { changes, ...(fixed.length ? { blocked: `${fixed.join(', ')} cannot change in place: destroy CT and apply again` } : {}) };
}

function cloneChanges(stack: Stack, decl: CloneDecl, have: PctConfig): FieldChange[] {
  const out: FieldChange[] = [];
  for (const key of ['memory', 'cores', 'swap'] as const) {
    const want = decl[key];
    if (want !== undefined && have[key] !== want) out.push({ field: key, have: have[key] === undefined ? '(unset)' : String(have[key]), want: String(want), via: 'resources' });
  }
  const net: Record<string, unknown> = {};
  if (decl.ip !== undefined) net['ip'] = decl.ip;
  if (decl.gateway !== undefined) net['gw'] = decl.gateway;
  out.push(...netChanges(net, have.net[0] as Record<string, unknown> | undefined));
  out.push(...missingTags([stack.tag, ...decl.tags], have.tags ?? []));
  return out;
}

/** Tags are only added: PVE or people may have put others on the CT. */
function missingTags(want: readonly string[], have: readonly string[]): FieldChange[] {
  const missing = want.filter((t) => !have.includes(t));
  return missing.length ? [{ field: 'tags', have: tagsText(have), want: tagsText([...new Set([...have, ...missing])]), via: 'pct-set' }] : [];
}

function appChanges(stack: Stack, name: string, decl: AppDecl, view: NodeView, have: PctConfig | undefined): { changes: FieldChange[]; blocked?: string } {
  const state = view.apps.get(name)!;
  const fixed: FieldChange[] = [];
  if (state.package !== decl.package) fixed.push({ field: 'package', have: state.package, want: decl.package });
  if (decl.ip !== undefined && state.network.ip !== decl.ip) fixed.push({ field: 'net0.ip', have: state.network.ip, want: decl.ip });
  for (const [k, v] of Object.entries(decl.set)) {
    const cur = state.env[k];
    if (state.secret_keys.includes(k)) continue; // masked in the record: the CT config holds the value
    if (cur !== v) fixed.push({ field: `env.${k}`, have: cur ?? '(unset)', want: v });
  }
  const changes = [...fixed, ...(have ? missingTags([stack.tag], have.tags ?? []) : [])];
  return { changes, ...(fixed.length ? { blocked: `${fixed.map((f) => f.field).join(', ')} cannot change in place: remove the app (\`pxdeploy app remove ${state.hostname}\`) and apply again` } : {}) };
}

/** A vmid the file names that a CT outside this stack already holds. */
function taken(stack: Stack, name: string, ct: ClusterLxc | undefined): string | undefined {
  if (!ct) return undefined;
  if (ct.tags.includes(stack.tag) || ct.name === hostnameOf(stack, name)) return undefined;
  return `vmid ${ct.vmid} is CT ${ct.name ?? '?'}, which this stack did not make`;
}

function describe(stack: Stack, name: string): string {
  const r = stack.resources[name]!;
  const vmid = wantedVmid(stack, name);
  const node = r.kind === 'container' ? stack.specs[name]?.spec.container.node : r.node;
  const at = `${vmid === undefined ? '' : `, vmid ${vmid}`}${node === undefined ? '' : `, on node ${node}`}`;
  switch (r.kind) {
    case 'container': return `container ${hostnameOf(stack, name)}${at}`;
    case 'template': return `template ${r.name ?? name} from ${r.file}${at}`;
    case 'clone': return `clone of ${r.template}${at}${r.ip ? `, ${r.ip}` : ''}`;
    case 'app': return `app ${r.package}${at}${r.ip ? `, ${r.ip}` : ''}`;
    case 'instance': return `instance ${r.id ?? name} from ${r.file}${node === undefined ? '' : `, on node ${node}`}`;
  }
}

/** The template name a clone resource clones: a template resource's name, else what the file says. */
export function templateNameOf(stack: Stack, decl: CloneDecl): string {
  const r = stack.resources[decl.template];
  if (r?.kind === 'template') return r.name ?? decl.template;
  return decl.template;
}

function planOne(stack: Stack, name: string, view: NodeView): PlannedResource {
  const r = stack.resources[name]!;
  const base = { name, kind: r.kind, what: describe(stack, name), changes: [] as FieldChange[] };
  const ct = view.located.get(name);
  const have = ct ? view.configs.get(ct.vmid) : undefined;
  switch (r.kind) {
    case 'container':
    case 'clone': {
      const blockedBy = taken(stack, name, ct);
      if (blockedBy) return { ...base, action: '+', vmid: ct!.vmid, blocked: blockedBy };
      if (!ct || !have) {
        const tpl = r.kind === 'clone' ? templateNameOf(stack, r) : undefined;
        const inStack = (t: string) => Object.entries(stack.resources).some(([n, x]) => x.kind === 'template' && (x.name ?? n) === t);
        const known = tpl === undefined || inStack(tpl) || view.templates.some((t) => t.name === tpl || String(t.vmid) === tpl);
        return { ...base, action: '+', ...(known ? {} : { blocked: `no template "${tpl}": build it first (\`pxdeploy template build\`) or add it to the stack` }) };
      }
      const d = r.kind === 'container' ? containerChanges(stack, name, have) : { changes: cloneChanges(stack, r, have) };
      return { ...base, vmid: ct.vmid, action: d.changes.length ? '~' : '=', changes: d.changes, ...(d.blocked ? { blocked: d.blocked } : {}) };
    }
    case 'template': {
      const tname = r.name ?? name;
      const rec = view.templates.find((t) => t.name === tname);
      if (!rec || !view.cluster.some((g) => g.vmid === rec.vmid)) return { ...base, action: '+' };
      const hash = templateSpecHash(stack.specs[name]!.spec);
      if (rec.specHash === hash) return { ...base, vmid: rec.vmid, action: '=' };
      return { ...base, vmid: rec.vmid, action: '~', changes: [{ field: 'spec', have: rec.specHash.slice(0, 12), want: hash.slice(0, 12), via: 'rebuild' }] };
    }
    case 'app': {
      const state = view.apps.get(name);
      if (!state) {
        const blockedBy = taken(stack, name, r.vmid === undefined ? undefined : view.cluster.find((g) => g.vmid === r.vmid));
        return { ...base, action: '+', ...(blockedBy ? { blocked: blockedBy } : {}) };
      }
      const d = appChanges(stack, name, r, view, have);
      return { ...base, vmid: state.vmid, action: d.changes.length ? '~' : '=', changes: d.changes, ...(d.blocked ? { blocked: d.blocked } : {}) };
    }
    case 'instance': {
      const state = view.instances.get(name);
      return state ? { ...base, vmid: state.container_id, action: '=' } : { ...base, action: '+' };
    }
  }
}

/** CTs with the stack's tag that no resource of the file is: destroyed only with --prune. */
function orphans(stack: Stack, view: NodeView, plannedVmids: ReadonlySet<number>): PlannedResource[] {
  return view.cluster
    .filter((g) => g.tags.includes(stack.tag) && !plannedVmids.has(g.vmid))
    .map((g) => ({ name: g.name ?? `ct-${g.vmid}`, kind: 'ct' as const, action: '-' as const, vmid: g.vmid, what: `${g.template ? 'template' : 'CT'} ${g.vmid} (tagged ${stack.tag}, not in the file)`, changes: [] }));
}

export function planFromView(stack: Stack, view: NodeView, opts: { prune: boolean }): StackPlan {
  const resources = stack.graph.order.map((n) => planOne(stack, n, view));
  const vmids = new Set(resources.map((r) => r.vmid).filter((v): v is number => v !== undefined));
  if (opts.prune) resources.push(...orphans(stack, view, vmids));
  const count = (a: Action) => resources.filter((r) => r.action === a).length;
  return { stack: stack.name, tag: stack.tag, resources, summary: { add: count('+'), change: count('~'), destroy: count('-'), unchanged: count('=') } };
}

export async function planStack(ctx: Context, stack: Stack, opts: { prune: boolean }): Promise<StackPlan> {
  return planFromView(stack, await observeNode(ctx, stack), opts);
}

export function hasChanges(plan: StackPlan): boolean {
  return plan.summary.add + plan.summary.change + plan.summary.destroy > 0;
}
