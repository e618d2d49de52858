// E2E on pvesim's several-nodes mode: placement by free memory (and why), --node, create through pvesh on another node (ct create, app install), clone --node from shared storage (and refused from local storage), cluster-wide locks in /etc/pve/priv/lock.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX_TEMPLATE, makeRoot, pvesimBin, pxdeployAsync, repoRoot } from '../helpers/cli.js';

const SIM = process.env.PVESIM_ROOT || '/var/lib/pvesim';
const PVE = path.join(SIM, 'etc/pve');
const NODES = path.join(PVE, 'nodes');
const BIG = 'pvex2';
const SMALL = 'pvex3';
const PLACED = 590; // no --node: lands on BIG
const FORCED = 591; // --node SMALL
const REFUSED = 592; // never created (unknown node, provisioning on another node, lock held)
const APP = 593; // app install demo without --node: lands on BIG, 10.203.0.138
const TPL = 594; // a template on this node (pve), on local-lvm
const CLONE = 595; // never created: clone --node of TPL to another node is refused (local storage)
const APP_IP = '10.203.0.138';
const TPL_SHARED = 596; // a template on this node, on pvesim's shared storage
const CLONE_SHARED = 597; // clone --node SMALL of TPL_SHARED: made through pvesh, its config moved to SMALL
const CLONE_SHARED_IP = '10.203.0.140';

/** A pxdeploy root whose /etc/pve is pvesim's: two roots stand for two nodes sharing pmxcfs. */
function nodeRoot(): string {
  const root = makeRoot('pxdeploy-nodes-');
  mkdirSync(path.join(root, 'etc'), { recursive: true });
  symlinkSync(PVE, path.join(root, 'etc/pve'));
  return root;
}
const rootA = nodeRoot();
// App volumes live under the root: the unprivileged CT's uid 100000 must be able to traverse it.
chmodSync(rootA, 0o755);
const rootB = nodeRoot();
const specs = makeRoot('pxdeploy-nodes-specs-');

function spec(name: string, vmid: number, ip: string, extra = ''): string {
  const file = path.join(specs, `${name}.yaml`);
  writeFileSync(
    file,
    `version: "1.0"
container:
  vmid: ${vmid}
  hostname: e2e-nodes-${name}
  template: ${BUSYBOX_TEMPLATE}
  resources: { cores: 1, memory: 128, disk: 1 }
  storage_pool: local-lvm
  network: { bridge: vmbr0, ip: ${ip}/24, gateway: 10.203.0.1 }
${extra}`,
  );
  return file;
}

function onNode(node: string, tool: 'pct' | 'pvesh', args: string[]) {
  const r = spawnSync(path.join(pvesimBin, tool), args, { encoding: 'utf8', env: { ...process.env, PVESIM_NODE: node } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const confOf = (node: string, vmid: number) => path.join(NODES, node, 'lxc', `${vmid}.conf`);

function removeCt(vmid: number): void {
  for (const node of ['pve', BIG, SMALL]) {
    if (!existsSync(confOf(node, vmid))) continue;
    onNode(node, 'pct', ['unlock', String(vmid)]);
    onNode(node, 'pct', ['destroy', String(vmid), '--force', '--purge']);
  }
}

function cleanup(): void {
  for (const vmid of [PLACED, FORCED, REFUSED, APP, TPL, CLONE, CLONE_SHARED, TPL_SHARED]) removeCt(vmid);
  for (const node of [BIG, SMALL]) {
    rmSync(path.join(NODES, node, 'sim-memory'), { force: true });
    for (const dir of [path.join(NODES, node, 'lxc'), path.join(NODES, node)]) {
      try {
        rmdirSync(dir);
      } catch {
        /* absent, or not empty: leave it */
      }
    }
  }
  for (const dir of [path.join(PVE, 'priv/lock'), path.join(PVE, 'priv')]) {
    try {
      rmdirSync(dir);
    } catch {
      /* absent, or someone else's lock is in it */
    }
  }
}

beforeAll(() => {
  cleanup();
  for (const [node, mem] of [
    [BIG, 'total=64G\navailable=60G\n'],
    [SMALL, 'total=8G\navailable=4G\n'],
  ] as const) {
    mkdirSync(path.join(NODES, node, 'lxc'), { recursive: true });
    writeFileSync(path.join(NODES, node, 'sim-memory'), mem);
  }
});
afterAll(cleanup);

describe('placement on two extra nodes', () => {
  it('without --node: the node with the most free memory, and the reason', async () => {
    const r = await pxdeployAsync(['ct', 'create', '-f', spec('placed', PLACED, '10.203.0.136'), '--yes'], { root: rootA });
    expect(r.stderr + r.stdout).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`placed on ${BIG}: 60.0 GiB free, has local-lvm, local and vmbr0;`);
    expect(r.stdout).toContain(`${SMALL}: 4.0 GiB free`);
    expect(r.stdout).toContain(`created CT ${PLACED} (e2e-nodes-placed) on ${BIG}`);
    expect(r.stdout).toContain('address: 10.203.0.136');
    expect(existsSync(confOf(BIG, PLACED))).toBe(true);
    const cur = JSON.parse(onNode('pve', 'pvesh', ['get', `/nodes/${BIG}/lxc/${PLACED}/status/current`, '--output-format', 'json']).stdout) as { status: string };
    expect(cur.status).toBe('running');
    const state = JSON.parse(readFileSync(path.join(rootA, `var/lib/pxdeploy/containers/${PLACED}.json`), 'utf8')) as { node: string };
    expect(state.node).toBe(BIG);
  });

  it('a re-run compares the remote CT through the API: no changes', async () => {
    const r = await pxdeployAsync(['ct', 'create', '-f', path.join(specs, 'placed.yaml'), '--yes'], { root: rootA });
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout).toContain(`CT ${PLACED} (e2e-nodes-placed): no changes`);
  });

  it('--node forces the other node', async () => {
    const r = await pxdeployAsync(['ct', 'create', '-f', spec('forced', FORCED, '10.203.0.137'), '--node', SMALL, '--yes'], { root: rootB });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`on ${SMALL} (--node)`);
    expect(r.stdout).toContain(`created CT ${FORCED} (e2e-nodes-forced) on ${SMALL}`);
    expect(existsSync(confOf(SMALL, FORCED))).toBe(true);
    expect(existsSync(confOf(BIG, FORCED))).toBe(false);
  });

  it('an unknown node is one line, exit 2, nothing made', async () => {
    const r = await pxdeployAsync(['ct', 'create', '-f', spec('refused', REFUSED, '10.203.0.138'), '--node', 'nosuch', '--yes'], { root: rootB });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`error: unknown node 'nosuch' (--node): the cluster has ${['pve', BIG, SMALL].sort().join(', ')}`);
    expect([BIG, SMALL, 'pve'].some((n) => existsSync(confOf(n, REFUSED)))).toBe(false);
  });

  it('provisioning on another node is refused before anything runs', async () => {
    const file = spec('provisioned', REFUSED, '10.203.0.138', 'provisioning:\n  packages: [jq]\n');
    const r = await pxdeployAsync(['ct', 'create', '-f', file, '--node', SMALL, '--yes'], { root: rootB });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`on node ${SMALL}: provisioning, devices and host bind mounts need pct exec and host paths on the CT's own node`);
    expect(existsSync(confOf(SMALL, REFUSED))).toBe(false);
  });
});

describe('app install and clone on a cluster', () => {
  it('app install demo without --node: placed on the node with more free memory, made there through pvesh, healthy over HTTP; updated and removed through pvesh', async () => {
    const r = await pxdeployAsync(['app', 'install', 'demo', '--hostname', 'e2e-nodes-app', '--vmid', String(APP), '--ip', `${APP_IP}/24`, '--gateway', '10.203.0.1', '--yes'], { root: rootA });
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`placed on ${BIG}: 60.0 GiB free, has local-lvm, local and vmbr0;`);
    expect(r.stdout).toContain(`installed e2e-nodes-app (CT ${APP} on ${BIG}, sha256:`);
    expect(existsSync(confOf(BIG, APP))).toBe(true);
    expect(existsSync(confOf('pve', APP))).toBe(false);
    expect((await fetch(`http://${APP_IP}:3456/health`)).status).toBe(200);
    const state = JSON.parse(readFileSync(path.join(rootA, 'var/lib/pxdeploy/apps/e2e-nodes-app.json'), 'utf8')) as { node: string; vmid: number };
    expect(state).toMatchObject({ node: BIG, vmid: APP });
    // The derived archive (env baked in) went into the template cache for the other node, and is gone again.
    expect(existsSync(path.join(SIM, 'storage/local/template/cache/pxdeploy-app-e2e-nodes-app.tar'))).toBe(false);

    // update recreates it there through pvesh (config read, delete, create, start), same vmid and address.
    const up = await pxdeployAsync(['app', 'update', 'e2e-nodes-app', '--tag', '2.0'], { root: rootA });
    expect(up.stderr).not.toMatch(/^error/m);
    expect(up.code).toBe(0);
    expect(up.stdout).toContain(`updated e2e-nodes-app (CT ${APP}) 1.0 → 2.0`);
    expect(existsSync(confOf(BIG, APP))).toBe(true);
    expect(await (await fetch(`http://${APP_IP}:3456/version`)).text()).toContain('2.0');

    const rm = await pxdeployAsync(['app', 'remove', 'e2e-nodes-app', '--yes'], { root: rootA });
    expect(rm.code).toBe(0);
    expect(existsSync(confOf(BIG, APP))).toBe(false);
  });

  it('clone --node of a template on local storage to another node: refused in one line, nothing cloned', async () => {
    expect(onNode('pve', 'pct', ['create', String(TPL), BUSYBOX_TEMPLATE, '--storage', 'local-lvm', '--hostname', 'e2e-nodes-tpl']).code).toBe(0);
    expect(onNode('pve', 'pct', ['template', String(TPL)]).code).toBe(0);
    const file = path.join(rootA, 'var/lib/pxdeploy/templates.json');
    mkdirSync(path.dirname(file), { recursive: true });
    const record = { name: 'e2e-nodes-tpl', vmid: TPL, node: 'pve', storage: 'local-lvm', specHash: 'a'.repeat(64), builtAt: '2026-12-02T10:00:00.000Z' };
    writeFileSync(file, JSON.stringify({ schemaVersion: 1, templates: [record] }));

    const r = await pxdeployAsync(['clone', 'e2e-nodes-tpl', '--hostname', 'e2e-nodes-clone', '--vmid', String(CLONE), '--ip', '10.203.0.139/24', '--node', SMALL], { root: rootA });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`error: clone of template 'e2e-nodes-tpl' to node ${SMALL}: its disk is on local-lvm, local to pve, and PVE clones to another node only from shared storage`);
    expect([BIG, SMALL, 'pve'].some((n) => existsSync(confOf(n, CLONE)))).toBe(false);
  });

  it('clone --node of a template on shared storage: cloned through pvesh with --target, its config on that node, started there', async () => {
    expect(onNode('pve', 'pct', ['create', String(TPL_SHARED), BUSYBOX_TEMPLATE, '--storage', 'shared', '--hostname', 'e2e-nodes-stpl', '--net0', 'name=eth0,bridge=vmbr0']).code).toBe(0);
    expect(onNode('pve', 'pct', ['template', String(TPL_SHARED)]).code).toBe(0);
    const file = path.join(rootA, 'var/lib/pxdeploy/templates.json');
    mkdirSync(path.dirname(file), { recursive: true });
    const have = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { templates: unknown[] }).templates : [];
    const record = { name: 'e2e-nodes-stpl', vmid: TPL_SHARED, node: 'pve', storage: 'shared', specHash: 'b'.repeat(64), builtAt: '2026-12-02T10:00:00.000Z' };
    writeFileSync(file, JSON.stringify({ schemaVersion: 1, templates: [...have, record] }));

    const r = await pxdeployAsync(['--json', 'clone', 'e2e-nodes-stpl', '--hostname', 'e2e-nodes-sclone', '--vmid', String(CLONE_SHARED), '--ip', `${CLONE_SHARED_IP}/24`, '--gateway', '10.203.0.1', '--node', SMALL], { root: rootA });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ vmid: CLONE_SHARED, node: SMALL });
    // pvesim ran PVE's clone on pve with --target: the config now lives in SMALL's directory, the disk on shared storage.
    expect(existsSync(confOf('pve', CLONE_SHARED))).toBe(false);
    const conf = readFileSync(confOf(SMALL, CLONE_SHARED), 'utf8');
    expect(conf).toMatch(/^rootfs: shared:/m);
    expect(conf).toContain(`ip=${CLONE_SHARED_IP}/24`);
    expect(conf).toContain('hostname: e2e-nodes-sclone');
    expect(onNode(SMALL, 'pct', ['status', String(CLONE_SHARED)]).stdout).toBe('status: running\n');
    expect(onNode(SMALL, 'pct', ['exec', String(CLONE_SHARED), '--', 'ip', '-4', 'addr', 'show', 'eth0']).stdout).toContain(`inet ${CLONE_SHARED_IP}/24`);
    // the template is untouched, and a clone from local storage is still refused (the test above)
    expect(readFileSync(confOf('pve', TPL_SHARED), 'utf8')).toMatch(/^template: 1$/m);
  });

  it('template build --node <another> is refused: building needs pct exec there', async () => {
    const tpl = await pxdeployAsync(['template', 'build', 'e2e-nodes-x', '-f', spec('tplx', REFUSED, '10.203.0.139'), '--node', SMALL, '--yes'], { root: rootB });
    expect(tpl.code).toBe(2);
    expect(tpl.stderr.split('\n')[0]).toBe(`error: template e2e-nodes-x on node ${SMALL}: provisioning, cleaning for cloning and \`pct template\` need pct exec on the CT's own node, which pxdeploy here cannot reach`);
    expect([BIG, SMALL, 'pve'].some((n) => existsSync(confOf(n, REFUSED)))).toBe(false);
  });
});

describe('cluster-wide locks in /etc/pve/priv/lock', () => {
  let holder: ChildProcess | undefined;
  afterAll(() => {
    holder?.kill('SIGTERM');
  });

  it('a lock taken on one node is seen from the other: exit 5 naming the holder', async () => {
    const dir = makeRoot('pxdeploy-nodes-holder-');
    // The holder runs "on" pvex2 (its pvesim commands would act there) with its own root.
    holder = spawn(process.execPath, [path.join(repoRoot, 'test/helpers/lock-racer.mjs'), JSON.stringify({ mode: 'hold', root: rootA, id: 'ct-e2e-nodes-locked', op: 'ct-create', dir })], {
      env: { ...process.env, PVESIM_NODE: BIG },
    });
    const pid = holder.pid!;
    await new Promise<void>((resolve, reject) => {
      holder!.stdout!.on('data', (d: Buffer) => d.toString().includes('HOLDING') && resolve());
      holder!.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
    });
    expect(existsSync(path.join(PVE, 'priv/lock/pxdeploy-ct-e2e-nodes-locked/pid'))).toBe(true);
    expect(existsSync(path.join(rootA, 'var/lock/pxdeploy'))).toBe(false);

    const env = { PVESIM_NODE: SMALL };
    const create = await pxdeployAsync(['ct', 'create', '-f', spec('locked', REFUSED, '10.203.0.139'), '--node', SMALL, '--yes'], { root: rootB, env });
    expect(create.code).toBe(5);
    expect(create.stderr).toMatch(new RegExp(`ct-e2e-nodes-locked is locked: held by \\S+ \\(pid ${pid}\\) for 'ct-create'`));
    expect(existsSync(confOf(SMALL, REFUSED))).toBe(false);

    const status = await pxdeployAsync(['lock', 'status', '--json'], { root: rootB, env });
    expect((JSON.parse(status.stdout) as { locks: unknown[] }).locks).toEqual(expect.arrayContaining([expect.objectContaining({ resourceId: 'ct-e2e-nodes-locked' })]));
    const release = await pxdeployAsync(['lock', 'release', 'ct-e2e-nodes-locked'], { root: rootB, env });
    expect(release.code).toBe(5);
    expect(release.stderr).toContain(`(pid ${pid})`);

    holder.kill('SIGTERM');
    await new Promise((r) => holder!.once('exit', r));
    holder = undefined;
    expect(existsSync(path.join(PVE, 'priv/lock/pxdeploy-ct-e2e-nodes-locked'))).toBe(false);
  });
});
