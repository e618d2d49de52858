// `drift`: where the node differs from pxdeploy's own records (CTs it made, OCI apps, blue/green instances), field by field.
import type { Context } from '../context.js';
import { specToCreateOptions } from '../backends/lxc/spec-to-options.js';
import { parsePctConfig, pctConfig, type PctConfig } from '../host/pct.js';
import { runPve } from '../host/pve-run.js';
import { parseClusterLxc, pveshClusterResourcesVm, type ClusterLxc } from '../host/pvesh.js';
import { diffConfig } from '../containers/compare.js';

export interface DriftItem {
  /** `ct 203`, `app web`, `instance notes`. */
  resource: string;
  /** Absent for a stack resource the node does not have. */
  vmid?: number;
  field: string;
  /** What pxdeploy recorded (or the spec it created the CT from). */
  recorded: string;
  actual: string;
}

export interface DriftResult {
  drifted: boolean;
  items: DriftItem[];
  /** Resources that could not be compared fully, and why (e.g. the spec file is gone). */
  notes: string[];
  checked: number;
}

/** What one kind of record expects of the node: pxdeploy's own records, or a stack file (`src/stacks/drift.ts`). */
export interface DriftSource {
  check(ctx: Context, cluster: ReadonlyMap<number, ClusterLxc>, notes: string[]): Promise<{ checked: number; items: DriftItem[] }>;
}

async function configOf(ctx: Context, vmid: number): Promise<PctConfig> {
  return parsePctConfig((await runPve(ctx.effects, pctConfig(vmid))).stdout);
}

const gone = (resource: string, vmid: number): DriftItem => ({ resource, vmid, field: 'exists', recorded: 'yes', actual: 'no' });

/** A service's CT must exist and run: the one item saying how it does not (gone, or its status), or undefined. */
function notServing(resource: string, vmid: number, cluster: ReadonlyMap<number, { status: string }>): DriftItem | undefined {
  const g = cluster.get(vmid);
  if (!g) return gone(resource, vmid);
  return g.status === 'running' ? undefined : { resource, vmid, field: 'status', recorded: 'running', actual: g.status };
}

/** CTs made by `ct create`: the spec they were made from against `pct config`, as `ct create` compares on a re-run. */
export const containersSource: DriftSource = {
  async check(ctx, cluster, notes) {
    const { readdir } = await import('node:fs/promises');
    const { readContainerState } = await import('../containers/state.js');
    const files = (await readdir(ctx.paths.containersDir).catch(() => [] as string[])).filter((f) => /^\d+\.json$/.test(f)).sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
    const items: DriftItem[] = [];
    for (const f of files) {
      const state = await readContainerState(ctx.paths, parseInt(f, 10));
      if (!state) continue;
      const resource = `ct ${state.vmid}`;
      if (!cluster.has(state.vmid)) {
        items.push(gone(resource, state.vmid));
        continue;
      }
      if (!state.spec_file) {
        notes.push(`${resource}: no spec file recorded; only its existence was checked`);
        continue;
      }
      let spec;
      try {
        const { loadContainerSpecSource } = await import('../config/index.js');
        ({ spec } = await loadContainerSpecSource(state.spec_file, process.env));
      } catch (err) {
        notes.push(`${resource}: spec ${state.spec_file} cannot be read (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); only its existence was checked`);
        continue;
      }
      const have = await configOf(ctx, state.vmid);
      const storage = have.rootfs?.volume?.split(':')[0] ?? '';
      for (const d of diffConfig(specToCreateOptions(spec, { storage }), have)) items.push({ resource, vmid: state.vmid, field: d.key, recorded: d.want, actual: d.have });
    }
    return { checked: files.length, items };
  },
};

/** OCI apps: the CT exists and runs (an app is a service) with the network recorded at install. */
export const appsSource: DriftSource = {
  async check(ctx, cluster) {
    const { listApps } = await import('../apps/state.js');
    const apps = await listApps(ctx.paths);
    const items: DriftItem[] = [];
    for (const a of apps) {
      const resource = `app ${a.hostname}`;
      const off = notServing(resource, a.vmid, cluster);
      if (off) items.push(off);
      if (off?.field === 'exists') continue;
      const net = (await configOf(ctx, a.vmid)).net[0];
      if (net?.bridge !== a.network.bridge) items.push({ resource, vmid: a.vmid, field: 'net0.bridge', recorded: a.network.bridge, actual: net?.bridge ?? '(unset)' });
      if (net?.ip !== a.network.ip) items.push({ resource, vmid: a.vmid, field: 'net0.ip', recorded: a.network.ip, actual: net?.ip ?? '(unset)' });
    }
    return { checked: apps.length, items };
  },
};

/** Blue/green instances: the CT of each registered instance exists and runs. */
export const instancesSource: DriftSource = {
  async check(ctx, cluster) {
    const { listRegisteredInstances } = await import('../state/registry.js');
    const list = await listRegisteredInstances(ctx.paths);
    const items: DriftItem[] = [];
    for (const i of list) {
      const off = notServing(`instance ${i.id}`, i.container_id, cluster);
      if (off) items.push(off);
    }
    return { checked: list.length, items };
  },
};

export const STATE_SOURCES: readonly DriftSource[] = [containersSource, appsSource, instancesSource];

export async function detectDrift(ctx: Context, sources: readonly DriftSource[] = STATE_SOURCES): Promise<DriftResult> {
  const cluster = new Map(parseClusterLxc((await runPve(ctx.effects, pveshClusterResourcesVm())).stdout).map((g) => [g.vmid, g]));
  const notes: string[] = [];
  const items: DriftItem[] = [];
  let checked = 0;
  for (const s of sources) {
    const r = await s.check(ctx, cluster, notes);
    checked += r.checked;
    items.push(...r.items);
  }
  return { drifted: items.length > 0, items, notes, checked };
}
