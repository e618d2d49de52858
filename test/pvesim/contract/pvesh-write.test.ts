// Contract: pvesh create/set/delete on CTs (POST /nodes/{node}/lxc, …/clone, status/start|stop|shutdown, PUT …/config, DELETE) locally and proxied to another node; sim-memory.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX, configPath, NODE, removeCt, removeNodeDir, ROOT, sim } from './sim.js';

const LOCAL = 7180; // on the local node
const REMOTE = 7181; // on pvec2
const TEMPLATE_CT = 7182; // a template: starting it fails inside the worker
const CLONED = 7183; // a clone of TEMPLATE_CT through the API
const SHARED_TPL = 7185; // a template on the shared storage
const SHARED_CLONE = 7186; // its clone to OTHER (--target): the config moves there
const OTHER = 'pvec2';
const IP = '10.203.0.72'; // within the contract tests' own range (docs/architecture.md, Test ranges)
const TEMPLATE = `local:vztmpl/${BUSYBOX}`;
const simMemory = path.join(ROOT, 'etc/pve/nodes', OTHER, 'sim-memory');
const UPID = (node: string, type: string, id: string) => new RegExp(`UPID:${node}:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:${type}:${id}:root@pam:`);
const pvesh = (args: string[], node?: string) => sim('pvesh', args, node ? { node } : {});

const cleanup = (): void => {
  removeCt(LOCAL);
  removeCt(CLONED);
  removeCt(TEMPLATE_CT);
  removeCt(REMOTE, OTHER);
  removeCt(SHARED_CLONE, OTHER);
  removeCt(SHARED_CLONE);
  removeCt(SHARED_TPL);
  fs.rmSync(simMemory, { force: true });
  removeNodeDir(OTHER);
};

beforeAll(cleanup);
afterAll(cleanup);

describe('pvesh create/delete on the local node', () => {
  it('create prints the task log, then the UPID; the CT exists as pct made it', () => {
    const r = pvesh(['create', `/nodes/${NODE}/lxc`, '--vmid', String(LOCAL), '--ostemplate', TEMPLATE, '--storage', 'local-lvm', '--hostname', 'pw1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^  Logical volume "vm-${LOCAL}-disk-0" created\\.\\n[\\s\\S]*Detected container architecture: amd64\\n[\\s\\S]*\\n${UPID(NODE, 'vzcreate', String(LOCAL)).source}\\n$`));
    expect(fs.readFileSync(configPath(LOCAL), 'utf8')).toMatch(/^arch: amd64\nhostname: pw1\n/);
  });

  it('an error before the worker exits 255 with the message; json prints the UPID quoted', () => {
    const again = pvesh(['create', `/nodes/${NODE}/lxc`, '--vmid', String(LOCAL), '--ostemplate', TEMPLATE]);
    expect(again.code).toBe(255);
    expect(again.stderr).toContain(`CT ${LOCAL} already exists on node '${NODE}'`);
    const start = pvesh(['create', `/nodes/localhost/lxc/${LOCAL}/status/start`, '--output-format', 'json']);
    expect(start.code).toBe(0);
    expect(start.stdout).toMatch(new RegExp(`^"${UPID(NODE, 'vzstart', String(LOCAL)).source}"\\n$`));
  });

  it('delete of a running CT is refused before the worker (255); stop, then delete --purge', () => {
    const r = pvesh(['delete', `/nodes/${NODE}/lxc/${LOCAL}`]);
    expect(r.code).toBe(255); // the running check is before the worker
    expect(r.stderr).toBe(`unable to destroy CT ${LOCAL} - container is running\n`);
    const stop = pvesh(['create', `/nodes/${NODE}/lxc/${LOCAL}/status/stop`]);
    expect(stop).toMatchObject({ code: 0, stderr: '' });
    const del = pvesh(['delete', `/nodes/${NODE}/lxc/${LOCAL}`, '--purge']);
    expect(del.code).toBe(0);
    expect(del.stdout).toMatch(UPID(NODE, 'vzdestroy', String(LOCAL)));
    expect(fs.existsSync(configPath(LOCAL))).toBe(false);
  });

  it('a task failing inside the worker: its error on stderr, the UPID on stdout, exit 0 (pvesh has no upid_exit)', () => {
    sim('pct', ['create', String(TEMPLATE_CT), TEMPLATE, '--storage', 'local-lvm']);
    expect(sim('pct', ['template', String(TEMPLATE_CT)]).code).toBe(0);
    const r = pvesh(['create', `/nodes/${NODE}/lxc/${TEMPLATE_CT}/status/start`]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("you can't start a CT if it's a template\n");
    expect(r.stdout).toMatch(new RegExp(`^${UPID(NODE, 'vzstart', String(TEMPLATE_CT)).source}\\n$`));
  });

  it('unknown paths and nodes are refused', () => {
    expect(pvesh(['create', '/nodes/pve/qemu'])).toMatchObject({ code: 255, stderr: "No 'create' handler defined for '/nodes/pve/qemu'\n" });
    const r = pvesh(['create', '/nodes/nosuch/lxc', '--vmid', '7189', '--ostemplate', TEMPLATE]);
    expect(r.code).toBe(255);
    expect(r.stderr).toContain("node: no such cluster node 'nosuch'");
  });
});

describe('pvesh create/delete proxied to another node', () => {
  beforeAll(() => {
    fs.mkdirSync(path.dirname(simMemory), { recursive: true });
    fs.writeFileSync(simMemory, 'total=8G\navailable=6G\n');
  });

  it('sim-memory sets the node memory in /nodes and /nodes/<n>/status', () => {
    const nodes = JSON.parse(pvesh(['get', '/nodes', '--output-format', 'json']).stdout) as Array<{ node: string; maxmem: number; mem: number }>;
    expect(nodes.find((n) => n.node === OTHER)).toMatchObject({ maxmem: 8 * 2 ** 30, mem: 2 * 2 ** 30 });
    const status = JSON.parse(pvesh(['get', `/nodes/${OTHER}/status`, '--output-format', 'json']).stdout) as { memory: Record<string, number> };
    expect(status.memory).toMatchObject({ total: 8 * 2 ** 30, available: 6 * 2 ** 30, used: 2 * 2 ** 30 });
  });

  it('create on the other node: the remote stdout comes back glued together, ending in the quoted UPID', () => {
    const net = `name=eth0,bridge=vmbr0,ip=${IP}/24,gw=10.203.0.1`;
    const r = pvesh(['create', `/nodes/${OTHER}/lxc`, '--vmid', String(REMOTE), '--ostemplate', TEMPLATE, '--storage', 'local-lvm', '--hostname', 'pw2', '--net0', net]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^  Logical volume "vm-${REMOTE}-disk-0" created\\.extracting archive .*"${UPID(OTHER, 'vzcreate', String(REMOTE)).source}"\\n$`));
    expect(fs.existsSync(configPath(REMOTE, OTHER))).toBe(true);
    expect(sim('pct', ['list']).stdout).not.toContain(String(REMOTE));
  });

  it('start/stop through the status API; a task without output comes back as the plain UPID', () => {
    const start = pvesh(['create', `/nodes/${OTHER}/lxc/${REMOTE}/status/start`]);
    expect(start.stdout).toMatch(new RegExp(`^${UPID(OTHER, 'vzstart', String(REMOTE)).source}\\n$`));
    const cur = JSON.parse(pvesh(['get', `/nodes/${OTHER}/lxc/${REMOTE}/status/current`, '--output-format', 'json']).stdout) as { status: string };
    expect(cur.status).toBe('running');
    const shut = pvesh(['create', `/nodes/${OTHER}/lxc/${REMOTE}/status/shutdown`, '--timeout', '5', '--forceStop', '1']);
    expect(shut.code).toBe(0);
    expect(sim('pct', ['status', String(REMOTE)], { node: OTHER }).stdout).toBe('status: stopped\n');
  });

  it('a remote error before the worker: its message, then proxy handler failed, exit 255', () => {
    const r = pvesh(['create', `/nodes/${OTHER}/lxc/${REMOTE}/status/stop`]);
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(new RegExp(`^CT ${REMOTE} not running\\nproxy handler failed: command 'pvesh --noproxy create /nodes/${OTHER}/lxc/${REMOTE}/status/stop .*' failed: exit code 255\\n$`));
  });

  it('set config on the other node: proxied, nothing printed (the method returns null), the change made there', () => {
    const r = pvesh(['set', `/nodes/${OTHER}/lxc/${REMOTE}/config`, '--memory', '200', '--tags', 'pw;proxied']);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(fs.readFileSync(configPath(REMOTE, OTHER), 'utf8')).toMatch(/^memory: 200$/m);
    expect(fs.readFileSync(configPath(REMOTE, OTHER), 'utf8')).toMatch(/^tags: proxied;pw$/m);
  });

  it('delete --purge on the other node removes the CT', () => {
    const r = pvesh(['delete', `/nodes/${OTHER}/lxc/${REMOTE}`, '--purge', '--force']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(UPID(OTHER, 'vzdestroy', String(REMOTE)));
    expect(fs.existsSync(configPath(REMOTE, OTHER))).toBe(false);
  });
});

describe('pvesh clone (POST …/lxc/{vmid}/clone) and set (PUT …/config)', () => {
  it('clone of a template: pct clone\'s parameters with newid in the body, a vzclone task, the clone on the node', () => {
    const r = pvesh(['create', `/nodes/${NODE}/lxc/${TEMPLATE_CT}/clone`, '--newid', String(CLONED), '--hostname', 'pw3', '--full', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`create full clone of mountpoint rootfs \\(local-lvm:base-${TEMPLATE_CT}-disk-0\\)\\n[\\s\\S]*${UPID(NODE, 'vzclone', String(TEMPLATE_CT)).source}\\n$`));
    expect(fs.readFileSync(configPath(CLONED), 'utf8')).toMatch(/^hostname: pw3$/m);
  });

  it('set config: exit 0, nothing printed, the config changed; a bad value is a parameter error (400 → 255)', () => {
    const r = pvesh(['set', `/nodes/localhost/lxc/${CLONED}/config`, '--memory', '256', '--net0', `name=eth0,bridge=vmbr0,ip=${IP}/24`]);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const conf = fs.readFileSync(configPath(CLONED), 'utf8');
    expect(conf).toMatch(/^memory: 256$/m);
    expect(conf).toMatch(new RegExp(`^net0: name=eth0,bridge=vmbr0,.*ip=${IP.replace(/\./g, '\\.')}/24`, 'm'));
    const bad = pvesh(['set', `/nodes/${NODE}/lxc/${CLONED}/config`, '--memory', 'lots']);
    expect(bad.code).toBe(255);
    expect(bad.stderr).toContain('memory');
  });

  it('--target another node with the template on local storage is refused before the worker, as PVE does', () => {
    fs.mkdirSync(path.join(ROOT, 'etc/pve/nodes', OTHER, 'lxc'), { recursive: true });
    const r = pvesh(['create', `/nodes/${NODE}/lxc/${TEMPLATE_CT}/clone`, '--newid', '7184', '--full', '1', '--target', OTHER]);
    expect(r.code).toBe(255);
    expect(r.stderr).toBe(`can't clone CT to node '${OTHER}' (CT uses local storage)\n`);
    expect(fs.existsSync(configPath(7184, OTHER))).toBe(false);
  });

  it('--target a node that is not in the cluster: refused before the worker', () => {
    const r = pvesh(['create', `/nodes/${NODE}/lxc/${TEMPLATE_CT}/clone`, '--newid', '7184', '--full', '1', '--target', 'nosuch']);
    expect(r.code).toBe(255);
    expect(r.stderr).toBe("no such cluster node 'nosuch'\n");
  });

  it('--target another node from shared storage: cloned here, the config moved to the target (move_config_to_node), runnable there', () => {
    fs.mkdirSync(path.join(ROOT, 'etc/pve/nodes', OTHER, 'lxc'), { recursive: true });
    expect(sim('pct', ['create', String(SHARED_TPL), TEMPLATE, '--storage', 'shared', '--hostname', 'pw-shared']).code).toBe(0);
    expect(sim('pct', ['template', String(SHARED_TPL)]).code).toBe(0);
    const r = pvesh(['create', `/nodes/${NODE}/lxc/${SHARED_TPL}/clone`, '--newid', String(SHARED_CLONE), '--hostname', 'pw4', '--full', '1', '--target', OTHER]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`create full clone of mountpoint rootfs \\(shared:${SHARED_TPL}/base-${SHARED_TPL}-disk-0\\.raw\\)[\\s\\S]*${UPID(NODE, 'vzclone', String(SHARED_TPL)).source}\\n$`));
    expect(fs.existsSync(configPath(SHARED_CLONE))).toBe(false);
    expect(fs.readFileSync(configPath(SHARED_CLONE, OTHER), 'utf8')).toMatch(/^hostname: pw4$/m);
    expect(fs.readFileSync(configPath(SHARED_CLONE, OTHER), 'utf8')).toMatch(new RegExp(`^rootfs: shared:${SHARED_CLONE}/vm-${SHARED_CLONE}-disk-0\\.raw`, 'm'));
    const start = pvesh(['create', `/nodes/${OTHER}/lxc/${SHARED_CLONE}/status/start`]);
    expect(start.code, start.stderr).toBe(0);
    expect(sim('pct', ['status', String(SHARED_CLONE)], { node: OTHER }).stdout).toBe('status: running\n');
  });
});
