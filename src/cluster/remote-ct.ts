// A CT on another node: pct acts only locally, so create/start/destroy/read go through `pvesh … /nodes/<node>/lxc`, as PVE's own tools do.
import type { Context } from '../context.js';
import { TimeoutError } from '../errors.js';
import type { HostCommand } from '../host/command.js';
import { parsePctConfig, pctClone, pctConfig, pctCreate, pctSet, type PctConfig, type PctSetOptions } from '../host/pct.js';
import { runPve } from '../host/pve-run.js';
import { pveshGet } from '../host/pvesh.js';
import { vmidArg } from '../host/vmid.js';
import { poll } from '../containers/wait.js';
import { isCluster, isLocalNode } from './pmxcfs.js';

/** The node a recorded CT lives on when pct cannot reach it (another node of a cluster), else undefined. */
export function remoteNodeOf(ctx: Pick<Context, 'paths'>, node: string | undefined): string | undefined {
  return !isCluster(ctx.paths.pveDir) || isLocalNode(ctx.paths.pveDir, node) ? undefined : node;
}

type PctCreateOptions = NonNullable<Parameters<typeof pctCreate>[2]>;
type PctCloneOptions = NonNullable<Parameters<typeof pctClone>[2]>;

const ctPath = (node: string, vmid: number) => `/nodes/${encodeURIComponent(node)}/lxc/${vmidArg(vmid)}`;

/**
 * `POST /nodes/<node>/lxc` with pct create's options (same names in the API). The API takes
 * `ssh-public-keys` as the keys themselves where pct takes a file. pvesh prints the task's log and
 * the UPID and exits 0 even when the task failed (no upid_exit), so runPve reads its stderr.
 */
export function pveshCreateCt(node: string, vmid: number, ostemplate: string, opts: PctCreateOptions, sshPublicKeys?: string): HostCommand {
  const pct = pctCreate(vmid, ostemplate, { ...opts, 'ssh-public-keys': undefined } as PctCreateOptions);
  const args = ['create', `/nodes/${encodeURIComponent(node)}/lxc`, '--vmid', vmidArg(vmid), '--ostemplate', ostemplate, ...pct.args.slice(3)];
  if (sshPublicKeys !== undefined) args.push('--ssh-public-keys', sshPublicKeys);
  return { file: 'pvesh', args, ...(pct.secrets ? { secrets: pct.secrets } : {}) };
}

/**
 * `POST /nodes/<node>/lxc/<vmid>/clone` on the template's node: pct clone's options (pct clone is
 * this method), newid in the body; `target` puts the clone on another node (shared storage only).
 */
export function pveshCloneCt(node: string, vmid: number, newid: number, opts: PctCloneOptions): HostCommand {
  return { file: 'pvesh', args: ['create', `${ctPath(node, vmid)}/clone`, '--newid', vmidArg(newid), ...pctClone(vmid, newid, opts).args.slice(3)] };
}

/** `PUT /nodes/<node>/lxc/<vmid>/config`: pct set's options (pct set is this method); synchronous, prints nothing. */
export function pveshSetCt(node: string, vmid: number, opts: PctSetOptions): HostCommand {
  return { file: 'pvesh', args: ['set', `${ctPath(node, vmid)}/config`, ...pctSet(vmid, opts).args.slice(2)] };
}

export function pveshCtStatus(node: string, vmid: number, action: 'start' | 'stop' | 'shutdown'): HostCommand {
  return { file: 'pvesh', args: ['create', `${ctPath(node, vmid)}/status/${action}`] };
}

export function pveshDestroyCt(node: string, vmid: number, opts: { force?: boolean; purge?: boolean } = {}): HostCommand {
  const args = ['delete', ctPath(node, vmid)];
  if (opts.force) args.push('--force', '1');
  if (opts.purge) args.push('--purge', '1');
  return { file: 'pvesh', args };
}

export function pveshCtCurrent(node: string, vmid: number): HostCommand {
  return pveshGet(`${ctPath(node, vmid)}/status/current`);
}

export function pveshCtConfig(node: string, vmid: number): HostCommand {
  return pveshGet(`${ctPath(node, vmid)}/config`);
}

/** The API's config object as `pct config` prints it, so the one parser (and the spec compare) serves both. */
export function apiConfigToPctText(json: string): string {
  const obj = JSON.parse(json) as Record<string, unknown>;
  const lines: string[] = [];
  for (const [k, v] of Object.entries(obj).sort(([a], [b]) => a.localeCompare(b))) {
    if (k === 'digest') continue;
    if (k === 'lxc' && Array.isArray(v)) for (const [lk, lv] of v as Array<[string, string]>) lines.push(`${lk}: ${lv}`);
    else if (k === 'description') lines.push(`description: ${String(v).replace(/%/g, '%25').replace(/\n/g, '%0A').replace(/:/g, '%3A')}`);
    else lines.push(`${k}: ${String(v)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A CT's config wherever it lives: `pct config` here, the API for another node. */
export async function readCtConfig(ctx: Context, vmid: number, remoteNode?: string): Promise<PctConfig> {
  if (remoteNode === undefined) return parsePctConfig((await runPve(ctx.effects, pctConfig(vmid))).stdout);
  return parsePctConfig(apiConfigToPctText((await runPve(ctx.effects, pveshCtConfig(remoteNode, vmid))).stdout));
}

/**
 * Up on another node, as far as the API can tell: status `running`, and the static address from
 * its config. What only `pct exec` sees (a DHCP lease, systemd's state) is not known from here.
 */
export async function waitRemoteUp(ctx: Context, node: string, vmid: number, deadlineMs = 60_000): Promise<{ ip: string; state: string }> {
  const running = await poll(async () => {
    const cur = JSON.parse((await runPve(ctx.effects, pveshCtCurrent(node, vmid))).stdout) as { status?: string };
    return cur.status === 'running' ? true : undefined;
  }, { deadlineMs });
  if (!running) throw new TimeoutError(`CT ${vmid} on node ${node} is not running after ${Math.round(deadlineMs / 1000)}s`, `see \`pvesh get ${ctPath(node, vmid)}/status/current\``);
  const cfg = await readCtConfig(ctx, vmid, node);
  const ip = cfg.net[0]?.ip;
  return {
    ip: ip && ip !== 'dhcp' ? ip.replace(/\/\d+$/, '') : `${ip ?? 'none'} (the lease is only seen on ${node})`,
    state: `running (systemd is only seen on ${node})`,
  };
}
