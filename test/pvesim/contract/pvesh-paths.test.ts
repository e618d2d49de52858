// Contract: the pvesh/pvesm/pveam answers `pxdeploy ct create` relies on (§8, §6, §7): layouts, nextid, storages, pveam download.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX, createBusybox, DEBIAN, NODE, removeCt, ROOT, sim } from './sim.js';

const CT = 7110;
const AVAIL_ONLY = 'debian-12-standard_12.7-1_amd64.tar.zst';
const json = (args: string[]): unknown => {
  const res = sim('pvesh', ['get', ...args, '--output-format', 'json']);
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  expect(res.stdout.endsWith('\n') && !res.stdout.slice(0, -1).includes('\n')).toBe(true); // one line, as to_json
  return JSON.parse(res.stdout);
};

beforeAll(() => {
  removeCt(CT);
  sim('pveam', ['remove', `local:vztmpl/${AVAIL_ONLY}`]);
});
afterAll(() => {
  removeCt(CT);
  sim('pveam', ['remove', `local:vztmpl/${AVAIL_ONLY}`]);
});

describe('pvesh paths', () => {
  it('/cluster/nextid: a free id; --vmid N returns N, or the 400 error when N is taken', () => {
    createBusybox(CT, undefined, ['--tags', 'web;prod']);
    expect(sim('pvesh', ['get', '/cluster/nextid', '--vmid', '7111'])).toEqual({ code: 0, stdout: '7111\n', stderr: '' });
    const taken = sim('pvesh', ['get', '/cluster/nextid', '--vmid', String(CT)]);
    expect(taken.code).toBe(255);
    expect(taken.stdout).toBe('');
    expect(taken.stderr).toBe(`400 Parameter verification failed.\nvmid: VM ${CT} already exists\npvesh get <api_path> [OPTIONS] [FORMAT_OPTIONS]\n`);
    expect(sim('pvesh', ['get', '/cluster/nextid']).stdout).toMatch(/^\d+\n$/);
  });

  it('/cluster/resources --type vm: one object per guest with id, vmid, node, type, status, tags', () => {
    const list = json(['/cluster/resources', '--type', 'vm']) as Record<string, unknown>[];
    const ct = list.find((r) => r.vmid === CT);
    expect(ct).toMatchObject({ id: `lxc/${CT}`, vmid: CT, node: NODE, type: 'lxc', status: 'stopped', name: `CT${CT}`, template: 0, tags: 'prod;web' });
    for (const key of ['maxcpu', 'maxmem', 'maxdisk', 'mem', 'disk', 'cpu', 'uptime']) expect(typeof ct![key]).toBe('number');
    expect(list.every((r) => r.type === 'lxc' || r.type === 'qemu')).toBe(true);
  });

  it('/nodes/{node}/status: cpuinfo.cpus and memory.total/free are numbers', () => {
    const st = json([`/nodes/${NODE}/status`]) as { cpuinfo: { cpus: number }; memory: Record<string, number>; loadavg: unknown[] };
    expect(st.cpuinfo.cpus).toBeGreaterThan(0);
    expect(st.memory.total).toBeGreaterThan(st.memory.free!);
    expect(st.memory.free).toBeGreaterThan(0);
    expect(st.loadavg.every((l) => typeof l === 'string')).toBe(true);
  });

  it('/nodes/{node}/network: vmbr0 is an active bridge with 10.203.0.1/24', () => {
    const list = json([`/nodes/${NODE}/network`]) as Record<string, unknown>[];
    expect(list.find((i) => i.iface === 'vmbr0')).toMatchObject({
      iface: 'vmbr0', type: 'bridge', active: 1, autostart: 1, method: 'static', address: '10.203.0.1', netmask: '24', cidr: '10.203.0.1/24', families: ['inet'],
    });
    expect(list.some((i) => String(i.iface).startsWith('veth') || i.iface === 'lo')).toBe(false);
    const bridges = json(['/nodes/localhost/network', '--type', 'bridge']) as Record<string, unknown>[];
    expect(bridges.length).toBeGreaterThan(0);
    expect(bridges.every((i) => i.type === 'bridge')).toBe(true);
  });

  it('/nodes/{node}/storage and pvesm status --content rootdir: local-iso has no rootdir', () => {
    const list = json([`/nodes/${NODE}/storage`]) as Record<string, unknown>[];
    expect(list.map((s) => s.storage)).toEqual(['local', 'local-hdd', 'local-iso', 'local-lvm', 'shared']);
    expect(list.find((s) => s.storage === 'shared')).toMatchObject({ type: 'dir', content: 'images,rootdir', shared: 1 });
    expect(list.find((s) => s.storage === 'local-iso')).toMatchObject({ type: 'dir', content: 'backup,iso,vztmpl', active: 1, enabled: 1, shared: 0 });
    for (const s of list) for (const k of ['total', 'used', 'avail']) expect(typeof s[k]).toBe('number');
    const rootdir = json([`/nodes/${NODE}/storage`, '--content', 'rootdir']) as Record<string, unknown>[];
    expect(rootdir.map((s) => s.storage)).toEqual(['local', 'local-hdd', 'local-lvm', 'shared']);
    const pvesm = sim('pvesm', ['status', '--content', 'rootdir']);
    expect(pvesm.code).toBe(0);
    expect(pvesm.stdout.split('\n')[0]).toBe('Name             Type     Status     Total (KiB)      Used (KiB) Available (KiB)        %');
    expect(pvesm.stdout.split('\n').slice(1).filter(Boolean).map((l) => l.split(/\s+/)[0])).toEqual(['local', 'local-hdd', 'local-lvm', 'shared']);
  });

  it('pct create on a storage without rootdir fails before the worker, naming the storage', () => {
    const res = sim('pct', ['create', '7112', `local:vztmpl/${BUSYBOX}`, '--storage', 'local-iso']);
    expect(res).toEqual({
      code: 255,
      stdout: '',
      stderr: "400 Parameter verification failed.\nstorage: storage 'local-iso' does not support container directories\npct create <vmid> <ostemplate> [OPTIONS]\n",
    });
  });

  it('pveam: an available-but-not-downloaded template downloads into local', () => {
    const avail = sim('pveam', ['available', '--section', 'system']).stdout;
    expect(avail).toContain(`system          ${AVAIL_ONLY}\n`);
    expect(sim('pveam', ['list', 'local']).stdout).not.toContain(AVAIL_ONLY);
    const dl = sim('pveam', ['download', 'local', AVAIL_ONLY]);
    expect(dl.code).toBe(0);
    expect(dl.stderr).toBe('');
    const dest = `${ROOT}/storage/local/template/cache/${AVAIL_ONLY}`;
    expect(dl.stdout).toBe(
      `downloading file://${ROOT}/mirror/${AVAIL_ONLY} to ${dest}\ncalculating checksum...OK, checksum verified\ndownload of 'file://${ROOT}/mirror/${AVAIL_ONLY}' to '${dest}' finished\n`,
    );
    expect(sim('pveam', ['list', 'local']).stdout).toContain(`local:vztmpl/${AVAIL_ONLY}`);
    expect(sim('pveam', ['list', 'local']).stdout).toContain(`local:vztmpl/${DEBIAN}`);
  });

  it('/nodes/{node}/tasks: the task index newest first, decoded as API2/Tasks.pm does, with its filters; /cluster/status marks the local node', () => {
    // A private root (config files only): the shared host's task index is left alone.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pvesim-tasks-'));
    try {
      fs.mkdirSync(path.join(root, 'etc/pve/nodes/pve/lxc'), { recursive: true });
      fs.mkdirSync(path.join(root, 'var/log/pve/tasks'), { recursive: true });
      fs.writeFileSync(
        path.join(root, 'var/log/pve/tasks/index'),
        'UPID:pve:00001F40:0001E240:674D8A00:vzcreate:580:root@pam: 674D8A05 OK\nUPID:pve:00001F42:0001E260:674D8A20:vzstop:581:root@pam: 674D8A25 command failed\n',
      );
      const env = { PVESIM_ROOT: root, PVESIM_NODE: 'pve' };
      const get = (extra: string[] = []) => {
        const res = sim('pvesh', ['get', '/nodes/pve/tasks', ...extra, '--output-format', 'json'], { env });
        expect(res.stderr).toBe('');
        return JSON.parse(res.stdout) as Record<string, unknown>[];
      };
      expect(get()).toEqual([
        { upid: 'UPID:pve:00001F42:0001E260:674D8A20:vzstop:581:root@pam:', node: 'pve', pid: 8002, pstart: 123488, starttime: 1733134880, type: 'vzstop', id: '581', user: 'root@pam', endtime: 1733134885, status: 'command failed' },
        { upid: 'UPID:pve:00001F40:0001E240:674D8A00:vzcreate:580:root@pam:', node: 'pve', pid: 8000, pstart: 123456, starttime: 1733134848, type: 'vzcreate', id: '580', user: 'root@pam', endtime: 1733134853, status: 'OK' },
      ]);
      expect(get(['--errors', '1']).map((t) => t.id)).toEqual(['581']);
      expect(get(['--vmid', '580']).map((t) => t.type)).toEqual(['vzcreate']);
      expect(get(['--start', '1', '--limit', '1']).map((t) => t.id)).toEqual(['580']);
      fs.rmSync(path.join(root, 'var/log/pve/tasks/index'));
      expect(get()).toEqual([]);

      // /cluster/status: a lone node has no cluster entry; with two, the answering node is `local`.
      const status = (node: string) => JSON.parse(sim('pvesh', ['get', '/cluster/status', '--output-format', 'json'], { env: { ...env, PVESIM_NODE: node } }).stdout) as Record<string, unknown>[];
      expect(status('pve')).toEqual([{ id: 'node/pve', name: 'pve', type: 'node', ip: '127.0.0.1', level: '', local: 1, nodeid: 1, online: 1 }]);
      fs.mkdirSync(path.join(root, 'etc/pve/nodes/pve2/lxc'), { recursive: true });
      expect(status('pve2').map((e) => [e.type, e.name, e.local])).toEqual([['cluster', 'pvesim', undefined], ['node', 'pve', 0], ['node', 'pve2', 1]]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
