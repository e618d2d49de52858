// `template list`: the recorded templates with their clones (CTs tagged pxclone-<name>) and whether the template CT still exists.
import type { Context } from '../context.js';
import { runPve } from '../host/pve-run.js';
import { parseClusterLxc, pveshClusterResourcesVm } from '../host/pvesh.js';
import { readTemplates, type TemplateRecord } from './state.js';
import { cloneTag } from './tags.js';

export interface TemplateListing extends TemplateRecord {
  /** The template CT is on the node and is a template (`missing` when someone destroyed it). */
  present: boolean;
  clones: number[];
}

export async function listTemplates(ctx: Context): Promise<TemplateListing[]> {
  const records = await readTemplates(ctx);
  if (records.length === 0) return [];
  const cluster = parseClusterLxc((await runPve(ctx.effects, pveshClusterResourcesVm())).stdout);
  return records.map((t) => ({
    ...t,
    present: cluster.some((g) => g.vmid === t.vmid && g.template),
    clones: cluster.filter((g) => !g.template && g.tags.includes(cloneTag(t.name))).map((g) => g.vmid).sort((a, b) => a - b),
  }));
}
