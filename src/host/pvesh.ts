// pvesh: read the PVE API through its CLI as JSON — argv builder and typed parsers for the paths we use.
import { z } from 'zod';
import { checkJsonOutput as check, parseJsonOutput as parseJson } from './json-output.js';
import type { HostCommand } from './command.js';
import { UnexpectedOutputError } from '../errors.js';
import { vmidArg } from './vmid.js';

const PVESH = 'pvesh';

/** `pvesh get <path> [--param value...] --output-format json`; booleans as 1/0. */
export function pveshGet(apiPath: string, params: Readonly<Record<string, string | number | boolean>> = {}): HostCommand {
  if (!apiPath.startsWith('/')) throw new Error(`pvesh path must start with '/': ${apiPath}`);
  const args = ['get', apiPath];
  for (const [k, v] of Object.entries(params)) args.push(`--${k}`, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  args.push('--output-format', 'json');
  return { file: PVESH, args, readOnly: true };
}

/** All guests of the cluster (QEMU and LXC; parseClusterLxc keeps the containers). */
export function pveshClusterResourcesVm(): HostCommand {
  return pveshGet('/cluster/resources', { type: 'vm' });
}

/** Lowest free vmid, or (with `vmid`) a check that this one is free (400 `vmid: VM N already exists` if not). */
export function pveshNextId(vmid?: number): HostCommand {
  return pveshGet('/cluster/nextid', vmid === undefined ? {} : { vmid: vmidArg(vmid) });
}

export function pveshNodes(): HostCommand {
  return pveshGet('/nodes');
}

/** `localhost` means the local node and is never proxied. */
export function pveshNodeStatus(node: string = 'localhost'): HostCommand {
  return pveshGet(`/nodes/${encodeURIComponent(node)}/status`);
}



// PVE adds fields over time; passthrough keeps them instead of failing or silently dropping them.
const num = z.number();

const guestSchema = z
  .object({
    id: z.string(),
    vmid: z.coerce.number().int(),
    node: z.string(),
    type: z.string(),
    status: z.string(),
    name: z.string().optional(),
    uptime: num.optional(),
    template: z.union([z.number(), z.boolean()]).optional(),
    maxcpu: num.optional(),
    cpu: num.optional(),
    maxmem: num.optional(),
    mem: num.optional(),
    maxdisk: num.optional(),
    disk: num.optional(),
    netin: num.optional(),
    netout: num.optional(),
    diskread: num.optional(),
    diskwrite: num.optional(),
    tags: z.string().optional(),
    lock: z.string().optional(),
    pool: z.string().optional(),
    hastate: z.string().optional(),
  })
  .passthrough();

export interface ClusterLxc {
  vmid: number;
  node: string;
  /** `unknown` until pvestatd has RRD data for the guest (about 10 s after it appears). */
  status: 'running' | 'stopped' | 'unknown';
  name?: string;
  template: boolean;
  tags: string[];
  lock?: string;
  uptime?: number;
  cpu?: number;
  maxcpu?: number;
  mem?: number;
  maxmem?: number;
  disk?: number;
  maxdisk?: number;
}

export type ClusterGuest = z.infer<typeof guestSchema>;

/** `/cluster/resources --type vm` → every guest as PVE reports it, LXC and QEMU, checked once here. */
export function parseClusterGuests(stdout: string): ClusterGuest[] {
  return check('pvesh get /cluster/resources', z.array(guestSchema), stdout).filter((g) => g.type === 'lxc' || g.type === 'qemu');
}

/** `/cluster/resources --type vm` → the LXC guests only (the list includes QEMU VMs). */
export function parseClusterLxc(stdout: string): ClusterLxc[] {
  return parseClusterGuests(stdout)
    .filter((g) => g.type === 'lxc')
    .map((g) => {
      const out: ClusterLxc = {
        vmid: g.vmid,
        node: g.node,
        status: g.status === 'running' || g.status === 'stopped' ? g.status : 'unknown',
        template: g.template === 1 || g.template === true,
        tags: (g.tags ?? '').split(/[;,\s]+/).filter((t) => t !== ''),
      };
      for (const k of ['name', 'lock', 'uptime', 'cpu', 'maxcpu', 'mem', 'maxmem', 'disk', 'maxdisk'] as const) {
        if (g[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = g[k];
      }
      return out;
    });
}

/** `/cluster/nextid`: the JSON value may be `100` or `"100"` (unconfirmed which), so accept both. */
export function parseNextId(stdout: string): number {
  const v = parseJson('pvesh get /cluster/nextid', stdout);
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 100) throw new UnexpectedOutputError('pvesh get /cluster/nextid', 'expected a vmid', stdout);
  return n;
}

const nodeSchema = z
  .object({
    node: z.string(),
    status: z.string(),
    type: z.string().optional(),
    id: z.string().optional(),
    cpu: num.optional(),
    maxcpu: num.optional(),
    mem: num.optional(),
    maxmem: num.optional(),
    disk: num.optional(),
    maxdisk: num.optional(),
    uptime: num.optional(),
    level: z.string().optional(),
    ssl_fingerprint: z.string().optional(),
  })
  .passthrough();

export type PveNode = z.infer<typeof nodeSchema>;

export function parseNodes(stdout: string): PveNode[] {
  return check('pvesh get /nodes', z.array(nodeSchema), stdout);
}

const memSchema = z.object({ total: num, used: num, free: num, available: num.optional() }).passthrough();

const nodeStatusSchema = z
  .object({
    uptime: num,
    idle: num.optional(),
    cpu: num.optional(),
    wait: num.optional(),
    loadavg: z.array(z.coerce.number()).optional(),
    kversion: z.string().optional(),
    pveversion: z.string(),
    'current-kernel': z.object({ sysname: z.string(), release: z.string(), version: z.string(), machine: z.string() }).passthrough().optional(),
    'boot-info': z.object({ mode: z.string(), secureboot: z.union([z.number(), z.boolean()]).optional() }).passthrough().optional(),
    cpuinfo: z
      .object({ cpus: num, sockets: num.optional(), cores: num.optional(), model: z.string().optional(), mhz: z.union([z.string(), num]).optional() })
      .passthrough()
      .optional(),
    memory: memSchema,
    swap: memSchema.optional(),
    ksm: z.object({ shared: num }).passthrough().optional(),
    rootfs: z.object({ total: num, used: num, avail: num, free: num.optional() }).passthrough(),
  })
  .passthrough();

export type PveNodeStatus = z.infer<typeof nodeStatusSchema>;

/** `/nodes/{node}/status`; `loadavg` arrives as strings and is returned as numbers. */
export function parseNodeStatus(stdout: string): PveNodeStatus {
  return check('pvesh get /nodes/<node>/status', nodeStatusSchema, stdout);
}

/** `pve-manager/9.1.1/abc` → `9.1.1`. */
export function pveVersionOf(status: Pick<PveNodeStatus, 'pveversion'>): string | undefined {
  return /^pve-manager\/([^/]+)/.exec(status.pveversion)?.[1];
}

/** The node's network interfaces (`/nodes/<node>/network`), optionally of one type (`bridge`). */
export function pveshNodeNetwork(node: string = 'localhost', type?: string): HostCommand {
  return pveshGet(`/nodes/${encodeURIComponent(node)}/network`, type ? { type } : {});
}

const ifaceSchema = z
  .object({ iface: z.string(), type: z.string(), active: num.optional(), cidr: z.string().optional(), address: z.string().optional() })
  .passthrough();
export type PveIface = z.infer<typeof ifaceSchema>;

export function parseNodeNetwork(stdout: string): PveIface[] {
  return check('pvesh get /nodes/<node>/network', z.array(ifaceSchema), stdout);
}
