// pveam and pvesm: argv builders and parsers against output laid out by their printf formats.
import { describe, expect, it } from 'vitest';
import { UnexpectedOutputError } from '../../../src/errors.js';
import { parsePveamAvailable, parsePveamList, pveamAvailable, pveamDownload, pveamList, pveamRemove, pveamUpdate } from '../../../src/host/pveam.js';
import { parsePvesmList, parsePvesmPath, parsePvesmStatus, pvesmList, pvesmPath, pvesmStatus } from '../../../src/host/pvesm.js';
import { fixture } from './fixture.js';

describe('pveam argv', () => {
  it('builds each sub-command', () => {
    expect(pveamUpdate()).toEqual({ file: 'pveam', args: ['update'], timeoutMs: 300_000 });
    expect(pveamAvailable()).toEqual({ file: 'pveam', args: ['available'], readOnly: true });
    expect(pveamAvailable({ section: 'system' }).args).toEqual(['available', '--section', 'system']);
    expect(pveamList('local')).toEqual({ file: 'pveam', args: ['list', 'local'], readOnly: true });
    expect(pveamDownload('local', 'debian-12-standard_12.12-1_amd64.tar.zst')).toEqual({
      file: 'pveam',
      args: ['download', 'local', 'debian-12-standard_12.12-1_amd64.tar.zst'],
      timeoutMs: 1_800_000,
    });
    expect(pveamRemove('local:vztmpl/x.tar.zst')).toEqual({ file: 'pveam', args: ['remove', 'local:vztmpl/x.tar.zst'] });
  });
});

describe('parsePveamAvailable', () => {
  it('reads the PVE 9.1 two-column form', () => {
    const rows = parsePveamAvailable(fixture('pveam-available-2col.txt'));
    expect(rows).toHaveLength(5);
    expect(rows[0]).toEqual({ section: 'mail', template: 'proxmox-mail-gateway-8.1-standard_8.1-1_amd64.tar.zst' });
    expect(rows.map((r) => r.template)).toContain('debian-12-standard_12.12-1_amd64.tar.zst');
    expect(rows[4]).toEqual({ section: 'turnkeylinux', template: 'debian-12-turnkey-nextcloud_18.1-1_amd64.tar.gz' });
  });

  it('reads the newer three-column form, taking column 2 as the template', () => {
    expect(parsePveamAvailable(fixture('pveam-available-3col.txt'))).toEqual([
      { section: 'mail', template: 'proxmox-mail-gateway-8.1-standard_8.1-1_amd64.tar.zst', architecture: 'amd64' },
      { section: 'system', template: 'alpine-3.22-default_20250617_arm64.tar.xz', architecture: 'arm64' },
      { section: 'system', template: 'debian-12-standard_12.12-1_amd64.tar.zst', architecture: 'amd64' },
    ]);
  });

  it('empty index → []; a one-word line is not a template row', () => {
    expect(parsePveamAvailable('')).toEqual([]);
    expect(() => parsePveamAvailable('system\n')).toThrow(UnexpectedOutputError);
  });
});

describe('parsePveamList', () => {
  it('reads header + "%-60s %-4.2fMB" rows', () => {
    expect(parsePveamList(fixture('pveam-list.txt'))).toEqual([
      { volid: 'local:vztmpl/debian-12-standard_12.12-1_amd64.tar.zst', storage: 'local', name: 'debian-12-standard_12.12-1_amd64.tar.zst', sizeMiB: 120.35 },
      { volid: 'local:vztmpl/nginx_1.27-alpine.tar', storage: 'local', name: 'nginx_1.27-alpine.tar', sizeMiB: 20.5 },
      { volid: 'local:vztmpl/tiny.tar.gz', storage: 'local', name: 'tiny.tar.gz', sizeMiB: 0 },
    ]);
  });

  it('header only → []', () => {
    expect(parsePveamList(fixture('pveam-list-empty.txt'))).toEqual([]);
  });

  it('rejects a row without an MB size', () => {
    expect(() => parsePveamList('local:vztmpl/x.tar.zst 12\n')).toThrow(UnexpectedOutputError);
  });
});

describe('pvesm argv', () => {
  it('builds status/path/list', () => {
    expect(pvesmStatus()).toEqual({ file: 'pvesm', args: ['status'], readOnly: true });
    expect(pvesmStatus({ storage: 'local', content: ['vztmpl', 'backup'], enabled: true }).args).toEqual([
      'status', '--storage', 'local', '--content', 'vztmpl,backup', '--enabled', '1',
    ]);
    expect(pvesmPath('local:vztmpl/x.tar.zst')).toEqual({ file: 'pvesm', args: ['path', 'local:vztmpl/x.tar.zst'], readOnly: true });
    expect(pvesmList('local', { content: 'vztmpl', vmid: 200 }).args).toEqual(['list', 'local', '--content', 'vztmpl', '--vmid', '200']);
  });
});

describe('parsePvesmStatus', () => {
  it('reads active, inactive and disabled (N/A) rows', () => {
    expect(parsePvesmStatus(fixture('pvesm-status.txt'))).toEqual([
      { name: 'local', type: 'dir', status: 'active', totalKiB: 98497780, usedKiB: 10431960, availableKiB: 83016272, usedPercent: 10.59 },
      { name: 'local-hdd', type: 'dir', status: 'inactive', totalKiB: 0, usedKiB: 0, availableKiB: 0, usedPercent: 0 },
      { name: 'local-lvm', type: 'lvmthin', status: 'active', totalKiB: 832888832, usedKiB: 20000000, availableKiB: 812888832, usedPercent: 2.4 },
      { name: 'nfs-backup', type: 'nfs', status: 'disabled', totalKiB: 0, usedKiB: 0, availableKiB: 0, usedPercent: undefined },
    ]);
  });

  it('accepts the older header labels too', () => {
    expect(parsePvesmStatus(fixture('pvesm-status-old-header.txt')).map((s) => s.name)).toEqual(['local']);
  });

  it('rejects a malformed row', () => {
    expect(() => parsePvesmStatus('local dir weird 1 2 3 4%\n')).toThrow(UnexpectedOutputError);
    expect(() => parsePvesmStatus('local dir active 1 2\n')).toThrow(UnexpectedOutputError);
  });
});

describe('parsePvesmPath', () => {
  it('trims the path', () => {
    expect(parsePvesmPath(fixture('pvesm-path.txt'))).toBe('/var/lib/vz/template/cache/debian-12-standard_12.12-1_amd64.tar.zst');
  });
  it('rejects empty or relative output', () => {
    expect(() => parsePvesmPath('')).toThrow(UnexpectedOutputError);
    expect(() => parsePvesmPath('relative/path\n')).toThrow(UnexpectedOutputError);
  });
});

describe('parsePvesmList', () => {
  it('reads owned volumes (VMID column), an empty size, and an unowned volume', () => {
    expect(parsePvesmList(fixture('pvesm-list-owned.txt'))).toEqual([
      { volid: 'local-lvm:vm-200-disk-0', format: 'raw', type: 'rootdir', sizeBytes: 8589934592, sizeApproximate: false, vmid: 200 },
      { volid: 'local-lvm:vm-200-disk-1', format: 'raw', type: 'rootdir', sizeBytes: 10737418240, sizeApproximate: false, vmid: 200 },
      { volid: 'local-lvm:vm-201-disk-0', format: 'raw', type: 'images', sizeBytes: undefined, sizeApproximate: false, vmid: 201 },
      { volid: 'local-lvm:base-9000-disk-0.unowned', format: 'raw', type: 'images', sizeBytes: 2147483648, sizeApproximate: false },
    ]);
  });

  it('reads rows without VMID, with ~N (approximate) and - (unknown) sizes', () => {
    expect(parsePvesmList(fixture('pvesm-list-templates.txt'))).toEqual([
      { volid: 'local:vztmpl/debian-12-standard_12.12-1_amd64.tar.zst', format: 'tzst', type: 'vztmpl', sizeBytes: 126198480, sizeApproximate: false },
      { volid: 'local:vztmpl/nginx_1.27-alpine.tar', format: 'tar', type: 'vztmpl', sizeBytes: 21495808, sizeApproximate: true },
      { volid: 'local:iso/unknown-size.iso', format: 'iso', type: 'iso', sizeBytes: undefined, sizeApproximate: false },
    ]);
  });

  it('empty storage (header only, or nothing) → []', () => {
    expect(parsePvesmList('Volid Format Type Size VMID\n')).toEqual([]);
    expect(parsePvesmList('')).toEqual([]);
  });

  it('rejects junk', () => {
    expect(() => parsePvesmList('local:x raw images big\n')).toThrow(UnexpectedOutputError);
  });
});
