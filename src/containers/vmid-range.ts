// vmids from a configured range (templates 900–999, services 200–299), taken under the same allocation lock as `ct create`.
import path from 'node:path';
import type { IdRange } from '../config/node-config.js';
import type { Context } from '../context.js';
import { AlreadyExistsError, PxError, ExitCode } from '../errors.js';
import { parseClusterLxc, pveshClusterResourcesVm, pveshNextId } from '../host/pvesh.js';
import { runPve } from '../host/pve-run.js';

/** Cloning a big template copies its whole disk: later allocations queue behind it. */
const ALLOCATION_WAIT_MS = 15 * 60 * 1000;

/**
 * The lowest vmid of `range` no guest has. The cluster list shows containers only, so each candidate
 * is confirmed with `pvesh get /cluster/nextid --vmid N`, which also knows QEMU guests.
 */
export async function freeVmidInRange(ctx: Context, what: string, range: IdRange): Promise<number> {
  const taken = new Set(parseClusterLxc((await runPve(ctx.effects, pveshClusterResourcesVm())).stdout).map((g) => g.vmid));
  for (let id = range.from; id <= range.to; id++) {
    if (taken.has(id)) continue;
    try {
      await runPve(ctx.effects, pveshNextId(id));
      return id;
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
    }
  }
  throw new PxError(`no free vmid left in the ${what} range ${range.from}-${range.to}`, ExitCode.other, `free one, pass --vmid, or widen id_ranges.${what} in /etc/pxdeploy/config.yaml`);
}

/**
 * Run `make(vmid)` holding the host-wide allocation lock (the one `ct create` takes), so the id is
 * in use (its config exists) before anyone else looks for a free one. A fixed vmid skips the search.
 */
export async function withVmidInRange<T>(ctx: Context, what: string, range: IdRange, fixed: number | undefined, make: (vmid: number) => Promise<T>): Promise<T> {
  return ctx.effects.guard(
    path.join(ctx.paths.lockDir, 'vmid-allocation'),
    async () => make(fixed ?? (await freeVmidInRange(ctx, what, range))),
    { waitMs: ALLOCATION_WAIT_MS },
  );
}
