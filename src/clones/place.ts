// Where a clone goes: PVE clones on the template's node, and to another node (`--target`) only from shared storage.
import { placeOn, type PlacedNode } from '../cluster/place.js';
import { nodeStorages } from '../cluster/node-info.js';
import { remoteNodeOf } from '../cluster/remote-ct.js';
import { isCluster, isLocalNode, localNodeName } from '../cluster/pmxcfs.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import type { TemplateRecord } from '../templates/state.js';

export interface ClonePlacement extends PlacedNode {
  /** The template's node: where `…/lxc/<tpl>/clone` is asked. */
  source: string;
}

/**
 * `--node` (checked), else on a cluster the placement choice among the nodes PVE can clone to: any
 * with the storage and bridge when the template's storage is shared, else the template's own node.
 * A single node asks nothing.
 */
export async function placeClone(ctx: Context, tpl: TemplateRecord, need: { storage: string; bridge: string }, wanted: string | undefined): Promise<ClonePlacement> {
  const pveDir = ctx.paths.pveDir;
  const source = remoteNodeOf(ctx, tpl.node) ?? localNodeName(pveDir);
  if (!isCluster(pveDir) && (wanted === undefined || isLocalNode(pveDir, wanted))) return { node: wanted, remote: false, source };
  const sharedSource = async () => (await nodeStorages(ctx, source)).find((s) => s.name === tpl.storage)?.shared === true;
  const needs = { storage: need.storage, bridge: need.bridge };
  if (wanted === undefined) {
    if (await sharedSource()) return { ...(await placeOn(ctx, needs, undefined, '--node')), source };
    return { node: source, remote: !isLocalNode(pveDir, source), source, reason: `on ${source}, the template's node: its storage ${tpl.storage} is not shared, and PVE clones to another node only from shared storage` };
  }
  const placed = await placeOn(ctx, needs, wanted, '--node');
  const target = isLocalNode(pveDir, placed.node) ? localNodeName(pveDir) : placed.node!;
  if (target !== source && !(await sharedSource())) {
    throw new UsageError(
      `clone of template '${tpl.name}' to node ${target}: its disk is on ${tpl.storage}, local to ${source}, and PVE clones to another node only from shared storage`,
      `clone it on ${source} (drop --node) and move it with \`pct migrate\`, or build the template on shared storage`,
    );
  }
  return { ...placed, source };
}
