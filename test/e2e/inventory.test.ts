// E2E on pvesim: inventory sync of this file's own node (pvei2) → a new CT is `created` → `pct set --memory` is one `updated` snapshot, a config-only `pct set --onboot` (read from /etc/pve) too → an unchanged sync writes nothing; drift after a change behind pxdeploy's back exits 2.
import { mkdirSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX_TEMPLATE, hostTool, makeRoot, pxdeploy, pxdeployAsync } from '../helpers/cli.js';

// Only vmids 580–589, IPs 10.203.0.130–135 and the node pvei2 belong to this file.
const RAW = 580; // on NODE: the synced CT
const MADE = 581; // on pve: the drift test's CT
/**
 * The syncs read this node only (`--node`): the other lanes create and destroy CTs on pve all the time,
 * so "a sync of an unchanged cluster" can only be asserted on a node nobody else touches.
 */
const NODE = 'pvei2';
const PVE = path.join(process.env.PVESIM_ROOT || '/var/lib/pvesim', 'etc/pve');
const root = makeRoot('pxdeploy-e2e-inventory-');
// As on a node with pmxcfs mounted: pxdeploy's /etc/pve is pvesim's, so CT configs are read from the files.
mkdirSync(path.join(root, 'etc'), { recursive: true });
symlinkSync(PVE, path.join(root, 'etc/pve'));

interface Change {
  kind: string;
  id: string;
  change: string;
  diff: Record<string, [unknown, unknown]>;
}
interface SyncJson {
  changes: Change[];
  written: boolean;
  tasksWritten: number;
  configsRead: number;
  configsFromPmxcfs: number;
}
interface HistoryJson {
  snapshots: { change: string; diff: Record<string, [unknown, unknown]> }[];
}

const destroy = (vmid: number, node?: string) => {
  hostTool('pct', ['stop', String(vmid)], node);
  hostTool('pct', ['destroy', String(vmid), '--force', '1', '--purge', '1'], node);
};

function removeNode(): void {
  destroy(RAW, NODE);
  rmSync(path.join(PVE, 'nodes', NODE, 'sim-memory'), { force: true });
  for (const dir of [path.join(PVE, 'nodes', NODE, 'lxc'), path.join(PVE, 'nodes', NODE)]) {
    try {
      rmdirSync(dir);
    } catch {
      /* absent */
    }
  }
}

function sync(): SyncJson {
  const r = pxdeploy(['inventory', 'sync', '--node', NODE, '--json'], { root });
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return JSON.parse(r.stdout) as SyncJson;
}

const history = (vmid: number): HistoryJson => JSON.parse(pxdeploy(['history', String(vmid), '--json'], { root }).stdout) as HistoryJson;
const mine = (s: SyncJson, vmid: number) => s.changes.filter((c) => c.kind === 'container' && c.id === String(vmid));

// File-level hooks: the drift block's CT must go too, after every block has run.
beforeAll(() => {
  removeNode();
  destroy(MADE);
  // Less free memory than pve, so the drift test's `ct create` (no --node) is placed on pve.
  mkdirSync(path.join(PVE, 'nodes', NODE, 'lxc'), { recursive: true });
  writeFileSync(path.join(PVE, 'nodes', NODE, 'sim-memory'), 'total=2G\navailable=1G\n');
});
afterAll(() => {
  removeNode();
  destroy(MADE);
});

describe('inventory sync, history', () => {
  it('the first sync discovers the node; a CT made afterwards is `created`', () => {
    const first = sync();
    expect(first.written).toBe(true);
    expect(first.changes).toContainEqual(expect.objectContaining({ kind: 'node', id: NODE, change: 'discovered' }));
    expect(first.changes.filter((c) => c.kind === 'node').map((c) => c.id)).toEqual([NODE]);
    expect(mine(first, RAW)).toEqual([]);

    const made = hostTool('pct', ['create', String(RAW), BUSYBOX_TEMPLATE, '--hostname', 'e2e-inv', '--storage', 'local-lvm', '--memory', '128', '--net0', 'name=eth0,bridge=vmbr0,ip=10.203.0.130/24,gw=10.203.0.1'], NODE);
    expect(made.code, made.stderr).toBe(0);
    const second = sync();
    expect(mine(second, RAW)).toEqual([expect.objectContaining({ change: 'created', diff: expect.objectContaining({ memory: [null, 128], hostname: [null, 'e2e-inv'] }) })]);
    expect(second.tasksWritten).toBeGreaterThan(0); // the vzcreate task from pvesim's task index
    expect(history(RAW).snapshots.map((s) => s.change)).toEqual(['created']);
  });

  it('pct set --memory is exactly one `updated` snapshot with that field; history shows old → new', () => {
    expect(hostTool('pct', ['set', String(RAW), '--memory', '256'], NODE).code).toBe(0);
    const s = sync();
    expect(mine(s, RAW)).toEqual([{ kind: 'container', id: String(RAW), change: 'updated', diff: { memory: [128, 256] } }]);
    expect(history(RAW).snapshots.map((x) => x.change)).toEqual(['created', 'updated']);
    const text = pxdeploy(['history', String(RAW)], { root });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/updated +container 580\n {2}memory: 128 → 256\n?$/);
  });

  it('a config-only change (pct set --onboot: /cluster/resources does not move) is one `updated` snapshot, seen through the config digest in /etc/pve', () => {
    expect(hostTool('pct', ['set', String(RAW), '--onboot', '1'], NODE).code).toBe(0);
    const s = sync();
    expect(s.configsFromPmxcfs).toBe(s.configsRead);
    expect(mine(s, RAW)).toEqual([{ kind: 'container', id: String(RAW), change: 'updated', diff: { onboot: [null, 1] } }]);
    expect(history(RAW).snapshots.map((x) => x.change)).toEqual(['created', 'updated', 'updated']);
  });

  it('a second sync of an unchanged cluster writes no snapshot', () => {
    const before = history(RAW).snapshots.length;
    const s = sync();
    expect(s).toMatchObject({ changes: [], written: false });
    expect(history(RAW).snapshots).toHaveLength(before);
    const show = JSON.parse(pxdeploy(['inventory', 'show', '--type', 'ct', '--json'], { root }).stdout) as { containers: { id: number; memory: number }[] };
    expect(show.containers.find((c) => c.id === RAW)?.memory).toBe(256);
  });
});

describe('drift', () => {
  it('a CT made with `ct create` drifts (exit 2) after pct set --memory behind pxdeploy\'s back', async () => {
    const spec = path.join(makeRoot('pxdeploy-e2e-inventory-spec-'), 'inv.yaml');
    writeFileSync(spec, `version: "1.0"\ncontainer:\n  vmid: ${MADE}\n  hostname: e2e-inv-made\n  template: busybox\n  resources: { cores: 1, memory: 64, disk: 1 }\n  storage_pool: local-lvm\n  network: { ip: 10.203.0.131/24, gateway: 10.203.0.1 }\n`);
    const created = await pxdeployAsync(['ct', 'create', '-f', spec, '--json'], { root });
    expect(created.code, created.stderr + created.stdout).toBe(0);

    const clean = pxdeploy(['drift', '--json'], { root });
    expect(clean.code, clean.stderr + clean.stdout).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ drifted: false, items: [] });

    expect(hostTool('pct', ['set', String(MADE), '--memory', '96']).code).toBe(0);
    const drifted = pxdeploy(['drift', '--json'], { root });
    expect(drifted.code).toBe(2);
    expect(JSON.parse(drifted.stdout).items).toEqual([{ resource: `ct ${MADE}`, vmid: MADE, field: 'memory', recorded: '64', actual: '96' }]);
    const text = pxdeploy(['drift'], { root });
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(new RegExp(`^ct ${MADE} +memory +64 +96$`, 'm'));
  });
});
