// Placement: the node with the most free memory among those that have what the spec needs, and a sentence saying why.
import type { NodeCapacity } from './node-info.js';

/** What a CT needs from its node: root disk storage, the template's storage (none for a clone), the bridge. */
export interface PlacementNeeds {
  storage: string;
  templateStorage?: string;
  bridge: string;
}

export interface Placement {
  node: string;
  /** e.g. `placed on pve2: 12.1 GiB free, has local-lvm, local and vmbr0; pve: 3.2 GiB free`. */
  reason: string;
}

export interface Rejection {
  node: string;
  why: string;
}

export const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

function hasContent(n: NodeCapacity, storage: string, content: string): boolean {
  return n.storages.some((s) => s.name === storage && s.status === 'active' && s.content.includes(content));
}

/** Why a node cannot take the CT, or undefined when it can. */
export function lacking(n: NodeCapacity, needs: PlacementNeeds): string | undefined {
  const missing: string[] = [];
  if (!n.online) return 'offline';
  if (!hasContent(n, needs.storage, 'rootdir')) missing.push(`storage ${needs.storage} for containers`);
  if (needs.templateStorage !== undefined && !hasContent(n, needs.templateStorage, 'vztmpl')) missing.push(`template storage ${needs.templateStorage}`);
  if (!n.bridges.includes(needs.bridge)) missing.push(`bridge ${needs.bridge}`);
  return missing.length ? `no ${missing.join(', no ')}` : undefined;
}

/**
 * The eligible node with the most free memory (ties: the name first in order, so the choice is
 * stable). Undefined with the rejections when no node qualifies.
 */
export function choosePlacement(nodes: readonly NodeCapacity[], needs: PlacementNeeds): { placement?: Placement; rejected: Rejection[] } {
  const rejected: Rejection[] = [];
  const eligible: NodeCapacity[] = [];
  for (const n of nodes) {
    const why = lacking(n, needs);
    if (why) rejected.push({ node: n.node, why });
    else eligible.push(n);
  }
  eligible.sort((a, b) => b.memFree - a.memFree || a.node.localeCompare(b.node));
  const best = eligible[0];
  if (!best) return { rejected };
  const has = [...new Set([needs.storage, ...(needs.templateStorage === undefined ? [] : [needs.templateStorage])])].join(', ');
  const others = [...eligible.slice(1).map((n) => `${n.node}: ${gib(n.memFree)} free`), ...rejected.map((r) => `${r.node}: ${r.why}`)];
  const reason = `placed on ${best.node}: ${gib(best.memFree)} free, has ${has} and ${needs.bridge}${others.length ? `; ${others.join('; ')}` : ''}`;
  return { placement: { node: best.node, reason }, rejected };
}
