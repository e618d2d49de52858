// pvesh: `get ... --output-format json` argv and typed parsing of the API paths pxdeploy reads.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { UnexpectedOutputError } from '../../../src/errors.js';
import {
  parseClusterLxc,
  parseNextId,
  parseNodes,
  parseNodeStatus,
  pveshClusterResourcesVm,
  pveshGet,
  pveshNextId,
  pveshNodes,
  pveshNodeStatus,
  pveVersionOf,
} from '../../../src/host/pvesh.js';
import { fixture } from './fixture.js';

describe('pvesh argv', () => {
  it('puts params before --output-format json, read-only', () => {
    expect(pveshClusterResourcesVm()).toEqual({ file: 'pvesh', args: ['get', '/cluster/resources', '--type', 'vm', '--output-format', 'json'], readOnly: true });
    expect(pveshNextId().args).toEqual(['get', '/cluster/nextid', '--output-format', 'json']);
    expect(pveshNextId(250).args).toEqual(['get', '/cluster/nextid', '--vmid', '250', '--output-format', 'json']);
    expect(pveshNodes().args).toEqual(['get', '/nodes', '--output-format', 'json']);
    expect(pveshNodeStatus().args).toEqual(['get', '/nodes/localhost/status', '--output-format', 'json']);
    expect(pveshGet('/x', { flag: true, n: 2 }).args).toEqual(['get', '/x', '--flag', '1', '--n', '2', '--output-format', 'json']);
  });

  it('refuses a bad vmid and a relative path', () => {
    expect(() => pveshNextId(42)).toThrow(UsageError);
    expect(() => pveshGet('cluster/nextid')).toThrow(/must start with/);
  });
});

describe('parseClusterLxc', () => {
  it('keeps only lxc guests, typed; status unknown before RRD data', () => {
    expect(parseClusterLxc(fixture('pvesh-cluster-resources-vm.json'))).toEqual([
      {
        vmid: 200, node: 'pve', status: 'running', template: false, tags: ['prod', 'web'], name: 'web', uptime: 3600, cpu: 0.0123,
        maxcpu: 2, mem: 52428800, maxmem: 1073741824, disk: 1234567890, maxdisk: 8589934592,
      },
      {
        vmid: 201, node: 'pve', status: 'stopped', template: true, tags: [], name: 'CT201', lock: 'backup', uptime: 0, cpu: 0,
        maxcpu: 1, mem: 0, maxmem: 536870912, disk: 0, maxdisk: 4294967296,
      },
      { vmid: 202, node: 'pve', status: 'unknown', template: false, tags: [] },
    ]);
  });

  it('empty cluster → []', () => {
    expect(parseClusterLxc(fixture('pvesh-cluster-resources-empty.json'))).toEqual([]);
  });

  it('rejects text output and wrong shapes', () => {
    expect(() => parseClusterLxc('┌──────┐\n')).toThrow(/not valid JSON/);
    expect(() => parseClusterLxc('[{"id":"lxc/1"}]')).toThrow(UnexpectedOutputError);
  });
});

describe('parseNextId', () => {
  it('accepts a number or a numeric string', () => {
    expect(parseNextId(fixture('pvesh-nextid-number.json'))).toBe(100);
    expect(parseNextId(fixture('pvesh-nextid-string.json'))).toBe(203);
  });
  it('rejects anything else', () => {
    for (const bad of ['"abc"\n', '99\n', '{"vmid":100}\n', 'null\n', '']) expect(() => parseNextId(bad), bad).toThrow(UnexpectedOutputError);
  });
});

describe('parseNodes / parseNodeStatus', () => {
  it('reads /nodes', () => {
    const nodes = parseNodes(fixture('pvesh-nodes.json'));
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({ node: 'pve', status: 'online', maxcpu: 8, maxmem: 33325146112 });
  });

  it('reads /nodes/localhost/status with loadavg strings as numbers', () => {
    const s = parseNodeStatus(fixture('pvesh-node-status.json'));
    expect(s.loadavg).toEqual([0.15, 0.2, 0.18]);
    expect(s.memory).toMatchObject({ total: 33325146112, used: 4790054912, free: 20000000000, available: 28535091200 });
    expect(s.rootfs.avail).toBe(84918374400);
    expect(s.cpuinfo?.cpus).toBe(8);
    expect(s['current-kernel']?.release).toBe('6.14.8-2-pve');
    expect(s['boot-info']?.mode).toBe('efi');
    expect(pveVersionOf(s)).toBe('9.1.1');
  });

  it('rejects a status without memory', () => {
    expect(() => parseNodeStatus('{"uptime":1,"pveversion":"pve-manager/9.1.1/x","rootfs":{"total":1,"used":1,"avail":0}}')).toThrow(/memory/);
  });
});
