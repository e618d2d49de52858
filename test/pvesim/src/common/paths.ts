// Where pvesim keeps its state: every path derives from PVESIM_ROOT, PVESIM_NODE and PVESIM_CACHE.
import path from 'node:path';

export interface SimPaths {
  root: string;
  node: string;
  cache: string;
  etcPve: string;
  storageCfg: string;
  datacenterCfg: string;
  nodesDir: string;
  lxcpath: string;
  runDir: string;
  lockDir: string;
  pveamIndex: string;
  mirrorDir: string;
}

let cached: SimPaths | undefined;

export function simPaths(): SimPaths {
  if (cached) return cached;
  const root = path.resolve(process.env.PVESIM_ROOT || '/var/lib/pvesim');
  const etcPve = path.join(root, 'etc', 'pve');
  const runDir = path.join(root, 'run');
  cached = {
    root,
    node: process.env.PVESIM_NODE || 'pve',
    cache: path.resolve(process.env.PVESIM_CACHE || '/var/cache/pvesim'),
    etcPve,
    storageCfg: path.join(etcPve, 'storage.cfg'),
    datacenterCfg: path.join(etcPve, 'datacenter.cfg'),
    nodesDir: path.join(etcPve, 'nodes'),
    lxcpath: path.join(root, 'lxc'),
    runDir,
    lockDir: path.join(runDir, 'lock', 'lxc'),
    pveamIndex: path.join(root, 'etc', 'pveam', 'available.tsv'),
    mirrorDir: path.join(root, 'mirror'),
  };
  return cached;
}

/** `nodes/<node>/lxc/<vmid>.conf` relative to /etc/pve, as PVE names it in messages. */
export function cfsConfigPath(vmid: number, node: string): string {
  return `nodes/${node}/lxc/${vmid}.conf`;
}

export function ctConfigFile(vmid: number, node = simPaths().node): string {
  return path.join(simPaths().etcPve, cfsConfigPath(vmid, node));
}

export function ctLxcDir(vmid: number): string {
  return path.join(simPaths().lxcpath, String(vmid));
}
