// GET /nodes/{node}/tasks (the node's task index, newest first, as pve-manager's API2/Tasks.pm reads it) and GET /cluster/status.
import fs from 'node:fs';
import path from 'node:path';
import { taskIndexFile } from '../common/task.js';

/** `UPID:node:PID:PSTART:STARTTIME:type:id:user:` with the numbers in hex (PVE::Tools::upid_decode). */
const UPID_RE = /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s]+):([^:\s]*):([^:\s]+):$/;
/** An index line: the UPID, then (finished tasks) the end time in hex and the status text. */
const LINE_RE = /^(\S+)(\s([0-9A-Za-z]{8})(\s(\S.*))?)?$/;

export { taskIndexFile } from '../common/task.js';

interface TaskEntry {
  upid: string;
  node: string;
  pid: number;
  pstart: number;
  starttime: number;
  type: string;
  id: string;
  user: string;
  endtime?: number;
  status?: string;
}

function decode(line: string): TaskEntry | undefined {
  const l = LINE_RE.exec(line);
  const u = l ? UPID_RE.exec(l[1]!) : null;
  if (!l || !u) return undefined;
  const t: TaskEntry = {
    upid: l[1]!,
    node: u[1]!,
    pid: parseInt(u[3]!, 16),
    pstart: parseInt(u[4]!, 16),
    starttime: parseInt(u[5]!, 16),
    type: u[6]!,
    id: u[7]!,
    user: u[8]!,
  };
  if (l[3]) t.endtime = parseInt(l[3], 16);
  if (l[5]) t.status = l[5];
  return t;
}

function linesNewestFirst(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).reverse();
  } catch {
    return [];
  }
}

/** Filters and paging as the API: `start`, `limit` (default 50), `vmid`, `typefilter`, `userfilter`, `errors`. */
export function nodeTasks(node: string, p: Record<string, string>): unknown[] {
  const start = Number(p.start ?? 0);
  let limit = Number(p.limit ?? 50) || 50;
  const out: TaskEntry[] = [];
  let count = 0;
  for (const line of [...linesNewestFirst(taskIndexFile()), ...linesNewestFirst(`${taskIndexFile()}.1`)]) {
    const t = decode(line);
    if (!t || t.node !== node) continue;
    if (p.userfilter && !t.user.toLowerCase().includes(p.userfilter.toLowerCase())) continue;
    if (p.typefilter && t.type !== p.typefilter) continue;
    if (p.vmid && t.id !== p.vmid) continue;
    if (p.errors === '1' && t.status === 'OK') continue;
    if (count++ < start || limit <= 0) continue;
    out.push(t);
    limit--;
  }
  return out;
}

/**
 * GET /cluster/status: one entry per node (`local` marks the node answering), plus the cluster entry when
 * there is more than one node (a lone node is not a cluster). pxdeploy asks it which node is this one.
 */
export function clusterStatus(nodes: readonly string[], local: string): unknown[] {
  const entries: unknown[] = nodes.map((n, i) => ({ id: `node/${n}`, name: n, type: 'node', ip: '127.0.0.1', level: '', local: n === local ? 1 : 0, nodeid: i + 1, online: 1 }));
  if (nodes.length > 1) entries.unshift({ id: 'cluster', name: 'pvesim', type: 'cluster', nodes: nodes.length, quorate: 1, version: nodes.length });
  return entries;
}
