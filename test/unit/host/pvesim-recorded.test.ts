// The product's parsers and error mapping on output recorded from pvesim (test/fixtures/pve, re-recorded by record.sh).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPctConfig, parsePctConfig, parsePctList, parsePctStatus, parsePctStatusVerbose } from '../../../src/host/pct.js';
import { parsePveamAvailable, parsePveamList } from '../../../src/host/pveam.js';
import { parsePvesmStatus } from '../../../src/host/pvesm.js';
import { parseClusterLxc, parseNextId, parseNodes } from '../../../src/host/pvesh.js';
import { AlreadyExistsError, AlreadyRunningError, CtLockedError, CtNotFoundError, NotRunningError, ParameterError } from '../../../src/errors.js';
import { classifyPveFailure } from '../../../src/host/pve-errors.js';
import type { HostCommand } from '../../../src/host/command.js';

const dir = path.resolve(import.meta.dirname, '../../fixtures/pve');
const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
/** Recorded error files hold stderr followed by an `exit: N` line. */
const stderrOf = (f: string) => read(f).replace(/exit: \d+\n?$/, '');
const pct = (...args: string[]): HostCommand => ({ file: 'pct', args });

describe('product parsers on pvesim output', () => {
  it('pct list', () => {
    expect(parsePctList(read('pct-list-empty.txt'))).toEqual([]);
    expect(parsePctList(read('pct-list.txt'))).toEqual([
      { vmid: 9180, status: 'running', name: 'web' },
      { vmid: 9181, status: 'stopped', lock: 'backup', name: 'CT9181' },
    ]);
  });

  it('pct status, plain and verbose', () => {
    expect(parsePctStatus(read('pct-status-running.txt'))).toBe('running');
    expect(parsePctStatus(read('pct-status-stopped.txt'))).toBe('stopped');
    const v = parsePctStatusVerbose(read('pct-status-verbose-running.txt'));
    expect(v.status).toBe('running');
    expect(v.vmid).toBe(9180);
    expect(v.maxmem).toBe(256 * 1024 * 1024); // created with --memory 256
    const s = parsePctStatusVerbose(read('pct-status-verbose-stopped.txt'));
    expect(s.status).toBe('stopped');
    expect(s.uptime).toBe(0);
  });

  it('pct config: escaped description, net0, rootfs, tags', () => {
    const c = parsePctConfig(read('pct-config-current.txt'));
    expect(c.description).toBe('fixture CT\nsecond line: 100%'); // the file's trailing newline is not part of the text
    expect(c.hostname).toBe('web');
    expect(c.net[0]).toMatchObject({ name: 'eth0', bridge: 'vmbr0', ip: '10.203.0.28/24', gw: '10.203.0.1' });
    expect(c.rootfs).toMatchObject({ volume: 'local-lvm:vm-9180-disk-0' });
    expect(c.tags).toEqual(['demo', 'pvesim']);
    expect(c.unprivileged).toBe(true);
  });

  it('pct config --snapshot carries the snapshot bookkeeping', () => {
    const c = parsePctConfig(read('pct-config-snapshot.txt'));
    expect(typeof c.snaptime).toBe('number');
    expect(c.unknown).toEqual({});
  });

  it.each(['pct-config-current.txt', 'pct-config-pending-merged.txt', 'pct-config-snapshot.txt', 'pct-config-stopped.txt'])(
    '%s round-trips through the key table line for line',
    (file) => {
      const text = read(file);
      expect(formatPctConfig(parsePctConfig(text))).toEqual(text.split('\n').filter((l) => l.trim() !== ''));
    },
  );

  it('pvesm status, pveam available/list, pvesh', () => {
    expect(parsePvesmStatus(read('pvesm-status.txt')).map((s) => [s.name, s.type, s.status])).toEqual([
      ['local', 'dir', 'active'],
      ['local-hdd', 'dir', 'active'],
      ['local-lvm', 'lvmthin', 'active'],
    ]);
    expect(parsePveamAvailable(read('pveam-available.txt')).map((t) => t.template)).toContain('debian-12-standard_12.12-1_amd64.tar.zst');
    expect(parsePveamList(read('pveam-list.txt')).map((t) => t.volid)).toContain('local:vztmpl/debian-12-standard_12.12-1_amd64.tar.zst');
    expect(parseNextId(read('pvesh-nextid.json'))).toBe(100);
    expect(parseClusterLxc(read('pvesh-cluster-resources-vm.json')).map((r) => r.vmid)).toEqual(expect.arrayContaining([9180, 9181]));
    expect(parseNodes(read('pvesh-nodes.json')).map((n) => n.node)).toContain('pve');
  });
});

describe('product error mapping on pvesim error texts', () => {
  const cases: [string, HostCommand, new (...a: never[]) => Error][] = [
    ['err-missing-config.txt', pct('config', '9189'), CtNotFoundError],
    ['err-exists.txt', pct('create', '9180', 'local:vztmpl/x.tar.xz'), AlreadyExistsError],
    ['err-locked.txt', pct('start', '9181'), CtLockedError],
    ['err-not-running.txt', pct('stop', '9181'), NotRunningError],
    ['err-already-running.txt', pct('start', '9180'), AlreadyRunningError],
    ['err-bad-vmid.txt', pct('status', '99'), ParameterError],
  ];
  for (const [file, cmd, type] of cases) {
    it(`${file} → ${type.name}`, () => {
      expect(classifyPveFailure(cmd, stderrOf(file))).toBeInstanceOf(type);
    });
  }
});
