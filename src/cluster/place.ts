// Where a new CT goes: `--node` (checked against the cluster), the spec's node, or the placement choice on a cluster; single nodes ask nothing.
import { parseTemplateRef } from '../config/schema/names.js';
import type { ContainerSpec } from '../config/schema/spec.js';
import { DEFAULT_ROOTFS_STORAGE, DEFAULT_TEMPLATE_STORAGE } from '../containers/preflight.js';
import type { Context } from '../context.js';
import { PreflightError, UsageError } from '../errors.js';
import { clusterNodes, nodeCapacity, type NodeCapacity } from './node-info.js';
import { choosePlacement, type PlacementNeeds } from './placement.js';
import { isCluster, isLocalNode, localNodeName } from './pmxcfs.js';

export interface PlacedNode {
  /** Undefined: this node, as before clusters (`localhost` for pvesh). */
  node?: string;
  /** pct cannot act there: the work goes through `pvesh … /nodes/<node>/lxc`. */
  remote: boolean;
  /** Why this node, for the person running the command. */
  reason?: string;
}

export function placementNeeds(spec: ContainerSpec): PlacementNeeds {
  const c = spec.container;
  const t = parseTemplateRef(c.template);
  return { storage: c.storage_pool ?? DEFAULT_ROOTFS_STORAGE, templateStorage: t.kind === 'volid' ? t.storage : DEFAULT_TEMPLATE_STORAGE, bridge: c.network.bridge };
}

async function knownNode(ctx: Context, node: string, source: string): Promise<PlacedNode> {
  const names = (await clusterNodes(ctx)).map((n) => n.node);
  if (!names.includes(node)) throw new UsageError(`unknown node '${node}' (${source}): the cluster has ${names.join(', ')}`);
  const remote = !isLocalNode(ctx.paths.pveDir, node);
  return { node, remote, reason: `on ${node} (${source})` };
}

/**
 * Where something new goes, for every command that creates one: `wanted` (named by `source`, checked
 * against `/nodes`), else on a cluster the placement choice for `needs`; a single node asks nothing.
 */
export async function placeOn(ctx: Context, needs: PlacementNeeds, wanted: string | undefined, source: string): Promise<PlacedNode> {
  const pveDir = ctx.paths.pveDir;
  if (!isCluster(pveDir)) {
    // One node: nothing to choose, and no question asked unless another node is named.
    if (wanted === undefined || isLocalNode(pveDir, wanted)) return { node: wanted, remote: false };
    return knownNode(ctx, wanted, source);
  }
  if (wanted !== undefined) return knownNode(ctx, wanted, source);

  const nodes = await clusterNodes(ctx);
  const capacities = await Promise.all(
    nodes.map((n): Promise<NodeCapacity> =>
      n.status === 'online' ? nodeCapacity(ctx, n.node) : Promise.resolve({ node: n.node, online: false, memTotal: 0, memFree: 0, storages: [], bridges: [] }),
    ),
  );
  const { placement, rejected } = choosePlacement(capacities, needs);
  if (!placement) {
    throw new PreflightError(
      [{ path: 'container.node', message: `no node can take the CT: ${rejected.map((r) => `${r.node}: ${r.why}`).join('; ')}` }],
      true,
      'name a node with --node after fixing it, or change the spec',
    );
  }
  return { node: placement.node, remote: !isLocalNode(pveDir, placement.node), reason: placement.reason };
}

export function placeContainer(ctx: Context, spec: ContainerSpec, requested?: string): Promise<PlacedNode> {
  return placeOn(ctx, placementNeeds(spec), requested ?? spec.container.node, requested !== undefined ? '--node' : 'container.node in the spec');
}

/**
 * Work that needs `pct exec` on the CT's node (provisioning, blue/green instances) runs here only:
 * another node is refused in one line naming it and why; on a cluster without a node it says so.
 */
export async function placeHereOnly(ctx: Context, requested: string | undefined, what: string, why: string): Promise<PlacedNode> {
  const pveDir = ctx.paths.pveDir;
  if (requested !== undefined && !isLocalNode(pveDir, requested)) {
    const known = await knownNode(ctx, requested, '--node');
    throw new UsageError(`${what} on node ${known.node}: ${why} on the CT's own node, which pxdeploy here cannot reach`, `run pxdeploy on ${known.node} itself`);
  }
  if (!isCluster(pveDir)) return { node: requested, remote: false };
  const here = localNodeName(pveDir);
  return { node: here, remote: false, reason: requested === undefined ? `on ${here}, this node: ${why} here` : `on ${here} (--node)` };
}
