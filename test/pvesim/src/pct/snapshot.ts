// `pct snapshot | delsnapshot | rollback | listsnapshot`: worker tasks around the snapshot logic, and the tree printout.
import type { Handler } from '../common/cli.js';
import { runWorkerUpidExit } from '../common/task.js';
import { checkSnapshotName, snapshotCreate, snapshotDelete, snapshotRollback } from '../ct/snapshots.js';
import { loadConfig } from '../ct/store.js';
import { startContainer } from '../lxc/runtime.js';

export const snapshot: Handler = async ({ params }) => {
  const vmid = Number(params.vmid);
  checkSnapshotName(params.snapname!);
  return runWorkerUpidExit(() => snapshotCreate(vmid, params.snapname!, params.description));
};

export const delsnapshot: Handler = async ({ params }) => {
  const vmid = Number(params.vmid);
  return runWorkerUpidExit(() => snapshotDelete(vmid, params.snapname!, params.force === '1'));
};

export const rollback: Handler = async ({ params }) => {
  const vmid = Number(params.vmid);
  checkSnapshotName(params.snapname!);
  return runWorkerUpidExit(async (task) => {
    await snapshotRollback(vmid, params.snapname!);
    if (params.start === '1') startContainer(vmid, loadConfig(vmid), task);
  });
};

interface TreeNode {
  name: string;
  snaptime?: number;
  description: string;
  parent?: string;
  children: string[];
}

function localTime(epoch: number): string {
  const d = new Date(epoch * 1000);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** GuestHelpers::print_snapshot_tree: `<prefix> <name> <time> <first description line>`, current last. */
export const listsnapshot: Handler = ({ params }) => {
  const conf = loadConfig(Number(params.vmid));
  const nodes = new Map<string, TreeNode>();
  for (const [name, snap] of Object.entries(conf.snapshots)) {
    const node: TreeNode = { name, description: snap.description ?? '', children: [] };
    if (snap.props.snaptime) node.snaptime = Number(snap.props.snaptime);
    if (snap.props.parent) node.parent = snap.props.parent;
    nodes.set(name, node);
  }
  const current: TreeNode = { name: 'current', description: 'You are here!', children: [] };
  if (conf.props.parent) current.parent = conf.props.parent;
  nodes.set('current', current);
  const roots: string[] = [];
  for (const node of nodes.values()) {
    const parent = node.parent ? nodes.get(node.parent) : undefined;
    if (parent) parent.children.push(node.name);
    else roots.push(node.name);
  }
  const byTime = (a: string, b: string): number => {
    const ta = nodes.get(a)!.snaptime;
    const tb = nodes.get(b)!.snaptime;
    if (ta === undefined) return 1;
    if (tb === undefined) return -1;
    return ta - tb;
  };
  let out = '';
  const walk = (prefix: string, name: string): void => {
    const node = nodes.get(name)!;
    const description = (node.description || 'no-description').split('\n')[0]!;
    const time = node.snaptime === undefined ? '' : localTime(node.snaptime);
    const len = Math.max(0, 30 - prefix.length);
    out += `${prefix} ${name.padEnd(len)} ${time.padEnd(23)} ${description}\n`;
    for (const child of [...node.children].sort(byTime)) walk(` ${prefix}`, child);
  };
  for (const root of roots.sort(byTime)) walk('`->', root);
  process.stdout.write(out);
};
