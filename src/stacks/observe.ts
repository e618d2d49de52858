// What the node holds for a stack, read once: CTs with their tags, the configs of those the stack names, template, app and instance records.
import type { AppState } from '../apps/state.js';
import { readAppState } from '../apps/state.js';
import type { Context } from '../context.js';
import { parsePctConfig, pctConfig, runPve, type PctConfig } from '../host/pct.js';
import { parseClusterLxc, pveshClusterResourcesVm, type ClusterLxc } from '../host/pvesh.js';
import { readInstanceState, type InstanceState } from '../state/instance-state.js';
import { readTemplates, type TemplateRecord } from '../templates/state.js';
import type { Stack } from './load.js';

export interface NodeView {
  cluster: ClusterLxc[];
  templates: TemplateRecord[];
  /** By resource name. */
  apps: ReadonlyMap<string, AppState>;
  instances: ReadonlyMap<string, InstanceState>;
  /** `pct config` of the CTs the stack's containers and clones are (by vmid). */
  configs: ReadonlyMap<number, PctConfig>;
  /** Resource name → the CT it is on the node, when it exists. */
  located: ReadonlyMap<string, ClusterLxc>;
}

/** The hostname a container, clone or app resource gives its CT. */
export function hostnameOf(stack: Stack, name: string): string {
  const r = stack.resources[name]!;
  if (r.kind === 'container') return stack.specs[name]!.spec.container.hostname;
  if (r.kind === 'instance') return stack.instances[name]!.spec.container.hostname;
  return ('hostname' in r ? r.hostname : undefined) ?? name;
}

/** The vmid the file asks for, if it names one. */
export function wantedVmid(stack: Stack, name: string): number | undefined {
  const r = stack.resources[name]!;
  if (r.kind === 'container') return stack.specs[name]!.spec.container.vmid;
  if (r.kind === 'clone' || r.kind === 'template' || r.kind === 'app') return r.vmid;
  return undefined;
}

/** The CT a container or clone resource is: its vmid when the file gives one, else its hostname among the stack's CTs. */
function locate(stack: Stack, name: string, cluster: readonly ClusterLxc[]): ClusterLxc | undefined {
  const vmid = wantedVmid(stack, name);
  if (vmid !== undefined) return cluster.find((g) => g.vmid === vmid);
  const host = hostnameOf(stack, name);
  return cluster.find((g) => g.name === host && g.tags.includes(stack.tag) && !g.template);
}

export async function observeNode(ctx: Context, stack: Stack): Promise<NodeView> {
  const entries = Object.entries(stack.resources);
  // Independent reads, asked together.
  const [clusterOut, templates, apps, instances] = await Promise.all([
    runPve(ctx.effects, pveshClusterResourcesVm()),
    readTemplates(ctx),
    Promise.all(entries.filter(([, r]) => r.kind === 'app').map(async ([n]) => [n, await readAppState(ctx.paths, hostnameOf(stack, n), ctx.effects)] as const)),
    Promise.all(entries.filter(([, r]) => r.kind === 'instance').map(async ([n, r]) => [n, await readInstanceState(ctx.paths, (r.kind === 'instance' && r.id) || n)] as const)),
  ]);
  const cluster = parseClusterLxc(clusterOut.stdout);
  const located = new Map<string, ClusterLxc>();
  for (const [n, r] of entries) {
    if (r.kind !== 'container' && r.kind !== 'clone') continue;
    const ct = locate(stack, n, cluster);
    if (ct) located.set(n, ct);
  }
  for (const [n, a] of apps) {
    const ct = a && cluster.find((g) => g.vmid === a.vmid);
    if (ct) located.set(n, ct);
  }
  const configs = new Map<number, PctConfig>();
  await Promise.all(
    [...located.values()].map(async (g) => {
      configs.set(g.vmid, parsePctConfig((await runPve(ctx.effects, pctConfig(g.vmid))).stdout));
    }),
  );
  const defined = <T,>(pairs: readonly (readonly [string, T | undefined])[]) => new Map(pairs.filter((p): p is readonly [string, T] => p[1] !== undefined));
  return { cluster, templates, apps: defined(apps), instances: defined(instances), configs, located };
}
