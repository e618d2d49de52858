// The pvesh reads a sync needs beyond src/host/pvesh.ts (all guests incl. QEMU, node storage and tasks, a CT's config with digest, the local node), parsed into rows.
import { z } from 'zod';
import type { HostCommand } from '../host/command.js';
import { checkJsonOutput as check } from '../host/json-output.js';
import { parseClusterGuests, pveshGet } from '../host/pvesh.js';
import type { Fields } from './model.js';
import type { TaskRow } from './store.js';

const node = (n: string) => `/nodes/${encodeURIComponent(n)}`;
const num = z.number();
const flag = z.union([z.number(), z.boolean()]).optional();
const asInt = (v: number | boolean | undefined): number | null => (v === undefined ? null : v === true ? 1 : v === false ? 0 : v);

export const pveshNodeStorage = (n: string): HostCommand => pveshGet(`${node(n)}/storage`);
export const pveshNodeTasks = (n: string): HostCommand => pveshGet(`${node(n)}/tasks`);
export const pveshLxcConfig = (n: string, vmid: number): HostCommand => pveshGet(`${node(n)}/lxc/${vmid}/config`);

export interface Guest {
  vmid: number;
  /** The row fields `/cluster/resources` gives; a change in any of them is why a CT's config is read again. */
  summary: Fields;
}

/** `/cluster/resources --type vm` → every guest, LXC and QEMU (VMs are kept as read-only rows). */
export function parseGuests(stdout: string): Guest[] {
  return parseClusterGuests(stdout).map((g) => ({
    vmid: g.vmid,
    summary: {
      type: g.type,
      node_id: g.node,
      name: g.name ?? null,
      status: g.status,
      template: asInt(g.template) ?? 0,
      cpus: g.maxcpu ?? null,
      memory: g.maxmem === undefined ? null : Math.round(g.maxmem / 1048576),
      disk_size: g.maxdisk ?? null,
      tags: g.tags ? g.tags.split(/[;,\s]+/).filter(Boolean).sort().join(';') : null,
      lock_status: g.lock ?? null,
    },
  }));
}

const storageSchema = z
  .object({ storage: z.string(), type: z.string(), content: z.string().optional(), enabled: flag, active: flag, shared: flag, total: num.optional() })
  .passthrough();

/** `/nodes/<n>/storage`: one row per storage on that node, keyed `<node>/<storage>`; usage figures are not history. */
export function parseNodeStorage(n: string, stdout: string): Map<string, Fields> {
  const rows = check(`pvesh get /nodes/${n}/storage`, z.array(storageSchema), stdout);
  return new Map(
    rows.map((s) => [
      `${n}/${s.storage}`,
      {
        node_id: n,
        storage: s.storage,
        type: s.type,
        content: s.content ? s.content.split(',').sort().join(',') : null,
        enabled: asInt(s.enabled),
        active: asInt(s.active),
        shared: asInt(s.shared),
        total_bytes: s.total ?? null,
      },
    ]),
  );
}

const taskSchema = z
  .object({
    upid: z.string(),
    node: z.string(),
    type: z.string(),
    id: z.string().optional(),
    user: z.string().optional(),
    status: z.string().optional(),
    pid: num.optional(),
    starttime: num.optional(),
    endtime: num.optional(),
  })
  .passthrough();

/** `/nodes/<n>/tasks` (PVE's task index: finished tasks newest first, plus running ones without status). */
export function parseNodeTasks(n: string, stdout: string): TaskRow[] {
  return check(`pvesh get /nodes/${n}/tasks`, z.array(taskSchema), stdout).map((t) => ({
    upid: t.upid,
    node_id: t.node,
    type: t.type,
    resource_id: t.id || null,
    user: t.user ?? null,
    status: t.status ?? null,
    pid: t.pid ?? null,
    start_time: t.starttime ?? null,
    end_time: t.endtime ?? null,
  }));
}

/** The config keys kept per CT (as PVE stores them); the rest stays in Proxmox. */
export const CT_CONFIG_KEYS = ['hostname', 'cores', 'swap', 'ostype', 'unprivileged', 'onboot', 'net0', 'rootfs'] as const;

const configSchema = z.object({ digest: z.string() }).catchall(z.unknown());

/** `/nodes/<n>/lxc/<vmid>/config`: its digest (sha1 of the file, as PVE computes it) and the kept keys. */
export function parseLxcConfig(vmid: number, stdout: string): Fields {
  const cfg = check(`pvesh get /nodes/<node>/lxc/${vmid}/config`, configSchema, stdout);
  const out: Fields = { config_digest: cfg.digest };
  for (const k of CT_CONFIG_KEYS) {
    const v = cfg[k];
    out[k] = typeof v === 'number' || typeof v === 'string' ? v : typeof v === 'boolean' ? Number(v) : null;
  }
  return out;
}

const clusterStatusSchema = z.array(z.object({ type: z.string(), name: z.string().optional(), local: flag }).passthrough());

/** `/cluster/status`: the name of the node entry marked `local` (the node answering), if any. */
export function localNodeOf(stdout: string): string | undefined {
  return check('pvesh get /cluster/status', clusterStatusSchema, stdout).find((e) => e.type === 'node' && asInt(e.local) === 1)?.name;
}
