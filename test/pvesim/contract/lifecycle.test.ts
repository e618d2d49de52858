// Contract: a busybox CT's whole life on real LXC — create, config, start, exec, push/pull, snapshots, clone, template, destroy.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX, configPath, createBusybox, httpStatus, MAC, pct, pctOk, removeCt, removeNodeDir, ROOT, sim } from './sim.js';

const CT = 9101; // main CT, 10.203.0.22
const CLONE = 9102; // full clone, 10.203.0.23 after re-addressing
const TPL = 9103; // template
const LINKED = 9104; // linked clone of the template
const FAILED = 9105; // never created
const OTHER_NODE = 'pvec2';
const IP = '10.203.0.22';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pvesim-contract-'));

const cleanup = (): void => {
  for (const id of [LINKED, TPL, CLONE, CT, FAILED]) removeCt(id);
  removeCt(9106, OTHER_NODE);
  removeNodeDir(OTHER_NODE);
};

beforeAll(cleanup);
afterAll(() => {
  cleanup();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('busybox CT lifecycle', () => {
  it('create prints the task lines and writes a PVE-format config', () => {
    const out = createBusybox(CT, IP, ['--hostname', 'bb', '--description', 'line one\nline: two']);
    expect(out).toMatch(
      new RegExp(
        `^  Logical volume "vm-${CT}-disk-0" created\\.\\n` +
          `extracting archive '${ROOT}/storage/local/template/cache/${BUSYBOX.replace(/\./g, '\\.')}'\\n` +
          'Total bytes read: \\d+ \\(.*\\)\\n' +
          'Detected container architecture: amd64\\n' +
          "/etc/os-release file not found and autodetection failed, falling back to 'unmanaged'\\n$",
      ),
    );
    expect(fs.readFileSync(configPath(CT), 'utf8')).toMatch(
      new RegExp(
        '^#line one\\n#line%3A two\\narch: amd64\\nhostname: bb\\nmemory: 512\\n' +
          `net0: name=eth0,bridge=vmbr0,gw=10\\.203\\.0\\.1,hwaddr=${MAC},ip=${IP}/24,type=veth\\n` +
          `ostype: unmanaged\\nrootfs: local-lvm:vm-${CT}-disk-0,size=4G\\nswap: 512\\nunprivileged: 1\\n$`,
      ),
    );
    const config = pctOk(['config', String(CT)]);
    expect(config).toMatch(new RegExp(`^arch: amd64\\ndescription: line one%0Aline%3A two%0A\\nhostname: bb\\nmemory: 512\\nnet0: name=eth0,`));
    expect(fs.existsSync(path.join(ROOT, 'storage/local-lvm', `vm-${CT}-disk-0`, 'bin/busybox'))).toBe(true);
  });

  it('pct list: padded columns, byte for byte', () => {
    createBusybox(9106, undefined, ['--hostname', 'other'], OTHER_NODE);
    pctOk(['set', '9106', '--lock', 'backup'], { node: OTHER_NODE });
    expect(pct(['list'], { node: OTHER_NODE })).toEqual({
      code: 0,
      stdout: 'VMID       Status     Lock         Name                \n9106       stopped    backup       other               \n',
      stderr: '',
    });
  });

  it('vmids are unique across nodes', () => {
    expect(pct(['create', '9106', `local:vztmpl/${BUSYBOX}`])).toEqual({ code: 255, stdout: '', stderr: `CT 9106 already exists on node '${OTHER_NODE}'\n` });
    expect(pct(['create', String(CT), `local:vztmpl/${BUSYBOX}`]).stderr).toBe(`CT ${CT} already exists on node 'pve'\n`);
    expect(pct(['config', '9106']).stderr).toBe("Configuration file 'nodes/pve/lxc/9106.conf' does not exist\n");
  });

  it('status and status --verbose of a stopped CT', () => {
    expect(pct(['status', String(CT)])).toEqual({ code: 0, stdout: 'status: stopped\n', stderr: '' });
    const verbose = pctOk(['status', String(CT), '--verbose']);
    const keys = verbose.trim().split('\n').map((l) => l.split(':')[0]);
    expect(keys).toEqual(['cpus', 'disk', 'diskread', 'diskwrite', 'maxdisk', 'maxmem', 'maxswap', 'mem', 'name', 'netin', 'netout', 'status', 'swap', 'type', 'uptime', 'vmid']);
    expect(verbose).toContain('maxdisk: 4294967296\nmaxmem: 536870912\nmaxswap: 536870912\n');
    expect(pct(['exec', String(CT), '--', 'true'])).toEqual({ code: 255, stdout: '', stderr: `container '${CT}' not running!\n` });
  });

  it('start, then exec passes stdin/stdout/stderr and the exit code through', async () => {
    expect(pct(['start', String(CT)])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(pct(['start', String(CT)])).toEqual({ code: 255, stdout: '', stderr: `CT ${CT} already running\n` });
    expect(pct(['status', String(CT)]).stdout).toBe('status: running\n');
    expect(pct(['exec', String(CT), '--', 'sh', '-c', 'cat; echo out; echo err >&2; exit 7'], { input: 'in\n' })).toEqual({ code: 7, stdout: 'in\nout\n', stderr: 'err\n' });
    expect(pct(['exec', String(CT), '--', 'hostname']).stdout).toBe('bb\n');
    expect(pct(['exec', String(CT), '--', 'ip', '-4', '-o', 'addr', 'show', 'eth0']).stdout).toContain(`inet ${IP}/24`);
    expect(pct(['exec', String(CT)]).stderr).toMatch(/^missing command at \/usr\/share\/perl5\/PVE\/CLI\/pct\.pm line \d+\.\n$/);
    expect(await httpStatus(`http://${IP}/`)).toBe(200);
    const verbose = pctOk(['status', String(CT), '--verbose']);
    expect(verbose).toMatch(/\npid: \d+\n/);
    expect(verbose).toContain('status: running\n');
  });

  it('push and pull with perms and owners', () => {
    const src = path.join(tmp, 'in.txt');
    fs.writeFileSync(src, 'pushed\n');
    expect(pct(['push', String(CT), src, '/root/in.txt', '--perms', '640', '--user', 'www-data', '--group', 'www-data'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(pct(['exec', String(CT), '--', 'stat', '-c', '%a %u %g', '/root/in.txt']).stdout).toBe('640 33 33\n');
    const dest = path.join(tmp, 'out.txt');
    expect(pct(['pull', String(CT), '/root/in.txt', dest, '--perms', '0600']).code).toBe(0);
    expect(fs.readFileSync(dest, 'utf8')).toBe('pushed\n');
    expect(fs.statSync(dest).mode & 0o777).toBe(0o600);
    expect(pct(['push', String(CT), path.join(tmp, 'nosuch'), '/root/x'])).toEqual({ code: 0, stdout: '', stderr: `failed to open ${path.join(tmp, 'nosuch')} for reading\n` });
  });

  it('snapshot, listsnapshot, rollback --start, delsnapshot', async () => {
    expect(pct(['snapshot', String(CT), 'current'])).toEqual({ code: 255, stdout: '', stderr: "unable to use snapshot name 'current' (reserved name)\n" });
    expect(pct(['snapshot', String(CT), 'before', '--description', 'pre change'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(pct(['snapshot', String(CT), 'before']).stderr).toBe("snapshot name 'before' already used\n");
    pctOk(['exec', String(CT), '--', 'rm', '/root/in.txt']);
    expect(pctOk(['listsnapshot', String(CT)])).toMatch(/^`-> before {22}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {5}pre change\n `-> current {44}You are here!\n$/);
    expect(fs.readFileSync(configPath(CT), 'utf8')).toMatch(/\nparent: before\n[\s\S]*\n\n\[before\]\n#pre change\narch: amd64\n[\s\S]*snaptime: \d+\n/);
    expect(pctOk(['config', String(CT), '--snapshot', 'before'])).toMatch(/\nsnaptime: \d+\n/);
    expect(pct(['rollback', String(CT), 'before', '--start'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(pct(['exec', String(CT), '--', 'cat', '/root/in.txt']).stdout).toBe('pushed\n');
    expect(pct(['delsnapshot', String(CT), 'before']).code).toBe(0);
    expect(fs.readFileSync(configPath(CT), 'utf8')).not.toMatch(/before/);
    expect(pct(['rollback', String(CT), 'before']).stderr).toBe("snapshot 'before' does not exist\n");
  });

  it('snapshots need an lvmthin volume', () => {
    createBusybox(FAILED, undefined, ['--storage', 'local']);
    expect(pct(['config', String(FAILED)]).stdout).toContain(`rootfs: local:${FAILED}/vm-${FAILED}-disk-0.raw,size=4G\n`);
    expect(pct(['snapshot', String(FAILED), 'snap'])).toEqual({ code: 255, stdout: '', stderr: 'snapshot feature is not available\n' });
    removeCt(FAILED);
  });

  it('set on a running CT: hot-plug, direct and pending keys', () => {
    expect(pct(['set', String(CT), '--memory', '256', '--hostname', 'bb2', '--features', 'nesting=1'])).toEqual({ code: 0, stdout: '', stderr: '' });
    const raw = fs.readFileSync(configPath(CT), 'utf8');
    expect(raw).toContain('\nhostname: bb2\n');
    expect(raw).toContain('\nmemory: 256\n');
    expect(raw).toMatch(/\n\[pve:pending\]\nfeatures: nesting=1\n$/);
    expect(pctOk(['config', String(CT)])).toContain('\nfeatures: nesting=1\n');
    expect(pctOk(['config', String(CT), '--current'])).not.toContain('features');
    expect(pctOk(['pending', String(CT)])).toContain('\nnew features: nesting=1\n');
    expect(pct(['set', String(CT), '--delete', 'memory']).stderr).toBe("unable to delete required option 'memory'\n");
    expect(pct(['set', String(CT), '--delete', 'cores'])).toEqual({ code: 0, stdout: '', stderr: "cannot delete 'cores' - not set in current configuration!\n" });
    expect(pct(['set', String(CT), '--revert', 'features']).code).toBe(0);
    expect(fs.readFileSync(configPath(CT), 'utf8')).not.toContain('[pve:pending]');
  });

  it('locks and protection', () => {
    pctOk(['set', String(CT), '--lock', 'backup']);
    expect(pct(['set', String(CT), '--onboot', '1'])).toEqual({ code: 255, stdout: '', stderr: 'CT is locked (backup)\n' });
    expect(pct(['destroy', String(CT), '--force']).stderr).toBe('CT is locked (backup)\n');
    expect(pct(['unlock', String(CT)]).code).toBe(0);
    expect(pct(['unlock', String(CT)]).stderr).toBe('no lock found trying to remove any lock\n');
    pctOk(['set', String(CT), '--protection', '1']);
    expect(pct(['destroy', String(CT), '--force']).stderr).toBe(`can't remove CT ${CT} - protection mode enabled\n`);
    pctOk(['set', String(CT), '--delete', 'protection']);
    expect(pct(['destroy', String(CT)]).stderr).toBe(`unable to destroy CT ${CT} - container is running\n`);
  });

  it('clone: full clone needs a snapshot while running; fresh MAC, new hostname', () => {
    expect(pct(['clone', String(CT), String(CLONE)])).toEqual({ code: 255, stdout: '', stderr: 'Full clone of a running container is only possible from a snapshot\n' });
    pctOk(['stop', String(CT)]);
    expect(pct(['clone', String(CT), String(CLONE), '--hostname', 'bbclone'])).toEqual({
      code: 0,
      stdout: `create full clone of mountpoint rootfs (local-lvm:vm-${CT}-disk-0)\n`,
      stderr: '',
    });
    const src = pctOk(['config', String(CT)]);
    const copy = pctOk(['config', String(CLONE)]);
    expect(copy).toContain('\nhostname: bbclone\n');
    expect(copy).toContain(`\nrootfs: local-lvm:vm-${CLONE}-disk-0,size=4G\n`);
    const mac = (c: string): string => /hwaddr=([^,]+)/.exec(c)![1]!;
    expect(mac(copy)).not.toBe(mac(src));
    expect(pct(['clone', String(CT), String(CLONE)]).stderr).toBe(`CT ${CLONE} already exists on node 'pve'\n`);
  });

  it('template and linked clone', () => {
    pctOk(['clone', String(CLONE), String(TPL), '--hostname', 'tpl']);
    expect(pct(['template', String(TPL)])).toEqual({ code: 0, stdout: '', stderr: '' });
    const tplConf = pctOk(['config', String(TPL)]);
    expect(tplConf).toContain(`\nrootfs: local-lvm:base-${TPL}-disk-0,size=4G\n`);
    expect(tplConf).toContain('\ntemplate: 1\n');
    expect(pct(['template', String(TPL)]).stderr).toBe("you can't convert a template to a template\n");
    expect(pct(['start', String(TPL)]).stderr).toBe("you can't start a CT if it's a template\n");
    expect(pct(['clone', String(TPL), String(LINKED), '--storage', 'local'])).toEqual({
      code: 255,
      stdout: '',
      stderr: "400 Parameter verification failed.\nstorage: parameter 'storage' not allowed for linked clones\npct clone <vmid> <newid> [OPTIONS]\n",
    });
    expect(pct(['clone', String(TPL), String(LINKED)]).stdout).toBe(`create linked clone of mount point rootfs (local-lvm:base-${TPL}-disk-0)\n`);
    expect(pctOk(['config', String(LINKED)])).toContain(`\nrootfs: local-lvm:base-${TPL}-disk-0/vm-${LINKED}-disk-0,size=4G\n`);
    expect(pct(['destroy', String(TPL)]).stderr).toBe(`base volume 'base-${TPL}-disk-0' is still in use by linked cloned\n`);
    pctOk(['unlock', String(TPL)]);
  });

  it('destroy removes config and volumes; a failed create leaves nothing behind', () => {
    for (const id of [LINKED, TPL, CLONE, CT]) expect(pct(['destroy', String(id), '--purge']).code, String(id)).toBe(0);
    for (const id of [LINKED, TPL, CLONE, CT]) expect(fs.existsSync(configPath(id))).toBe(false);
    expect(fs.readdirSync(path.join(ROOT, 'storage/local-lvm')).filter((e) => /-(9101|9102|9103|9104)-disk/.test(e))).toEqual([]);
    const res = pct(['create', String(FAILED), 'local:vztmpl/nosuch_1.0_amd64.tar.gz', '--storage', 'local-lvm']);
    expect(res.code).toBe(255);
    expect(res.stderr).toBe(`unable to create CT ${FAILED} - failed to open '${ROOT}/storage/local/template/cache/nosuch_1.0_amd64.tar.gz': No such file or directory\n`);
    expect(fs.existsSync(configPath(FAILED))).toBe(false);
    expect(fs.existsSync(path.join(ROOT, 'storage/local-lvm', `vm-${FAILED}-disk-0`))).toBe(false);
  });

  it('every worker task is in the node\'s task index: /nodes/{node}/tasks lists them newest first, a failed one with its error', () => {
    const tasks = (vmid: number) =>
      JSON.parse(sim('pvesh', ['get', '/nodes/localhost/tasks', '--vmid', String(vmid), '--limit', '500', '--output-format', 'json']).stdout) as { type: string; status: string; upid: string; endtime: number; starttime: number }[];
    const mine = tasks(CT);
    const types = mine.map((t) => t.type);
    for (const type of ['vzcreate', 'vzstart', 'vzdestroy']) expect(types).toContain(type);
    expect(types[0]).toBe('vzdestroy'); // newest first
    expect(mine.every((t) => t.status === 'OK' && t.endtime >= t.starttime && t.upid.startsWith('UPID:'))).toBe(true);
    const failed = tasks(FAILED); // newest first: the create that failed just above
    expect(failed[0]).toMatchObject({ type: 'vzcreate', status: expect.stringContaining(`unable to create CT ${FAILED}`) });
  });
});
