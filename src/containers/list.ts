// Lists the containers of this node as Proxmox reports them (`pct list`, tags from the cluster view): Proxmox is the source of truth.
import type { Context } from '../context.js';
import { pctList, parsePctList, runPve, type PctListEntry } from '../host/pct.js';
import { parseClusterLxc, pveshClusterResourcesVm } from '../host/pvesh.js';

export async function listContainers(ctx: Pick<Context, 'effects'>, filter: { status?: string; tag?: string } = {}): Promise<PctListEntry[]> {
  let cts = parsePctList((await runPve(ctx.effects, pctList())).stdout);
  if (filter.status) cts = cts.filter((c) => c.status === filter.status);
  if (filter.tag) {
    // `pct list` has no tags column; the cluster view has them for every guest.
    const tag = filter.tag.toLowerCase();
    const tagged = new Set(parseClusterLxc((await runPve(ctx.effects, pveshClusterResourcesVm())).stdout).filter((g) => g.tags.includes(tag)).map((g) => g.vmid));
    cts = cts.filter((c) => tagged.has(c.vmid));
  }
  return cts;
}
