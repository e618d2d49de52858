// A node's capacity as placement and preflight need it: `pvesh get /nodes`, `/nodes/<n>/status`, `/storage`, `/network` (read once per command).
import { z } from 'zod';
import type { Context } from '../context.js';
import type { HostCommand } from '../host/command.js';
import { checkJsonOutput } from '../host/json-output.js';
import { parseNodeNetwork, parseNodes, parseNodeStatus, pveshGet, pveshNodeNetwork, pveshNodes, pveshNodeStatus, type PveNode } from '../host/pvesh.js';
import type { PvesmStatusEntry } from '../host/pvesm.js';
import { cachedRead } from './cache.js';

/** Every storage the node sees, enabled or not: one question serves placement and preflight. */
export function pveshNodeStorage(node: string): HostCommand {
  return pveshGet(`/nodes/${encodeURIComponent(node)}/storage`);
}

const storageSchema = z
  .object({
    storage: z.string(),
    type: z.string(),
    content: z.string().default(''),
    active: z.number().optional(),
    enabled: z.number().optional(),
    shared: z.number().optional(),
    total: z.number().optional(),
    used: z.number().optional(),
    avail: z.number().optional(),
  })
  .passthrough();

export interface NodeStorage extends PvesmStatusEntry {
  content: string[];
  /** Seen by every node (PVE clones and migrates to another node only from shared storage). */
  shared: boolean;
}

/** The API's storage objects in `pvesm status`'s shape (KiB), with the content types kept. */
export function parseNodeStorage(stdout: string): NodeStorage[] {
  return checkJsonOutput('pvesh get /nodes/<node>/storage', z.array(storageSchema), stdout).map((s) => {
    const kib = (n: number | undefined) => Math.floor((n ?? 0) / 1024);
    const status = s.enabled === 0 ? 'disabled' : s.active === 1 ? 'active' : 'inactive';
    return {
      name: s.storage,
      type: s.type,
      status,
      totalKiB: kib(s.total),
      usedKiB: kib(s.used),
      availableKiB: kib(s.avail),
      usedPercent: status === 'disabled' || !s.total ? undefined : ((s.used ?? 0) / s.total) * 100,
      content: s.content.split(',').filter(Boolean),
      shared: s.shared === 1,
    };
  });
}

export interface NodeCapacity {
  node: string;
  online: boolean;
  cpus?: number;
  memTotal: number;
  /** What a new CT can get: `available` (page cache counts as free), else `free`. */
  memFree: number;
  storages: NodeStorage[];
  bridges: string[];
}

/** One node's storages (cached for the command). */
export async function nodeStorages(ctx: Context, node: string): Promise<NodeStorage[]> {
  return parseNodeStorage((await cachedRead(ctx, pveshNodeStorage(node))).stdout);
}

export async function clusterNodes(ctx: Context): Promise<PveNode[]> {
  return parseNodes((await cachedRead(ctx, pveshNodes())).stdout);
}

/** Status, storage and network of one node, asked together (one round of pvesh start-ups). */
export async function nodeCapacity(ctx: Context, node: string): Promise<NodeCapacity> {
  const [statusOut, storageOut, networkOut] = await Promise.all([
    cachedRead(ctx, pveshNodeStatus(node)),
    cachedRead(ctx, pveshNodeStorage(node)),
    cachedRead(ctx, pveshNodeNetwork(node)),
  ]);
  const status = parseNodeStatus(statusOut.stdout);
  return {
    node,
    online: true,
    cpus: status.cpuinfo?.cpus,
    memTotal: status.memory.total,
    memFree: status.memory.available ?? status.memory.free,
    storages: parseNodeStorage(storageOut.stdout),
    bridges: parseNodeNetwork(networkOut.stdout)
      .filter((i) => i.type === 'bridge' || i.type === 'OVSBridge')
      .map((i) => i.iface),
  };
}
