// Lists the containers of this node as Proxmox reports them (`pct list`): Proxmox is the source of truth.
import type { Context } from '../context.js';
import { pctList, parsePctList, runPve, type PctListEntry } from '../host/pct.js';

export async function listContainers(ctx: Pick<Context, 'effects'>): Promise<PctListEntry[]> {
  const result = await runPve(ctx.effects, pctList());
  return parsePctList(result.stdout);
}
