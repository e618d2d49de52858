// What /etc/pve (pmxcfs) says about the cluster: whether this node is in one, its own name, and where cluster-wide locks go.
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A cluster has `corosync.conf` in /etc/pve, or more than one node under `nodes/` (pvesim's
 * several-nodes mode shows only the latter). Read synchronously: it decides paths at start-up.
 */
export function isCluster(pveDir: string): boolean {
  if (existsSync(path.join(pveDir, 'corosync.conf'))) return true;
  try {
    return readdirSync(path.join(pveDir, 'nodes')).length > 1;
  } catch {
    return false;
  }
}

/** PVE's cfs_lock directory: replicated by pmxcfs, so a lock made there is seen by every node. */
export function clusterLockDir(pveDir: string): string | undefined {
  return isCluster(pveDir) ? path.join(pveDir, 'priv', 'lock') : undefined;
}

/** `nodes/<name>` (the `local` link) or `nodes/<name>/lxc` (the `lxc` link) → `<name>`. */
function nodeFromLink(pveDir: string, link: string, re: RegExp): string | undefined {
  try {
    return re.exec(readlinkSync(path.join(pveDir, link)))?.[1];
  } catch {
    return undefined;
  }
}

/**
 * This node's name as PVE knows it: pmxcfs links `/etc/pve/local` to `nodes/<nodename>` and
 * `/etc/pve/lxc` to `nodes/<nodename>/lxc` (pvesim makes only the latter); else the short hostname,
 * which is what PVE::INotify::nodename() reads.
 */
export function localNodeName(pveDir: string): string {
  return (
    nodeFromLink(pveDir, 'local', /(?:^|\/)nodes\/([^/]+)\/?$/) ??
    nodeFromLink(pveDir, 'lxc', /(?:^|\/)nodes\/([^/]+)\/lxc\/?$/) ??
    os.hostname().split('.')[0]!
  );
}

/** `localhost`, no node, or this node's own name: pct can act there directly. */
export function isLocalNode(pveDir: string, node: string | undefined): boolean {
  return node === undefined || node === 'localhost' || node === localNodeName(pveDir);
}
