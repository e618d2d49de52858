// Race-free vmids: the next free id is taken under a host-wide lock held until `pct create` has returned.
import path from 'node:path';
import type { Context } from '../context.js';
import { parseNextId, pveshNextId } from '../host/pvesh.js';
import { runPve } from '../host/pve-run.js';

/** Creates queue behind each other here; a real `pct create` of a big template can take minutes. */
const ALLOCATION_WAIT_MS = 15 * 60 * 1000;

/**
 * Run `create(vmid)` holding the allocation lock: `pvesh get /cluster/nextid` only proposes an id, so
 * two creates asking at the same moment would get the same one unless the id is taken (the CT
 * config exists) before the next caller asks.
 */
export async function withAllocatedVmid<T>(ctx: Context, fixed: number | undefined, create: (vmid: number) => Promise<T>): Promise<T> {
  const guardFile = path.join(ctx.paths.lockDir, 'vmid-allocation');
  return ctx.effects.guard(
    guardFile,
    async () => {
      const vmid = fixed ?? parseNextId((await runPve(ctx.effects, pveshNextId())).stdout);
      return create(vmid);
    },
    { waitMs: ALLOCATION_WAIT_MS },
  );
}
