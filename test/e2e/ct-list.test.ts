// E2E: `pxdeploy ct list` reads the node's containers through pct (pvesim on real LXC), text and --json.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX_TEMPLATE, hostTool, pxdeploy } from '../helpers/cli.js';

const VMID = 310;

interface ListJson {
  containers: { vmid: number; status: string; lock?: string; name: string }[];
}

describe('pxdeploy ct list', () => {
  beforeAll(() => {
    hostTool('pct', ['destroy', String(VMID), '--force', '1']);
    const created = hostTool('pct', ['create', String(VMID), BUSYBOX_TEMPLATE, '--hostname', 'e2e-list', '--storage', 'local-lvm']);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
  });
  afterAll(() => {
    hostTool('pct', ['destroy', String(VMID), '--force', '1']);
  });

  it('lists a stopped container as Proxmox reports it', () => {
    const r = pxdeploy(['ct', 'list', '--json']);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout) as ListJson;
    expect(body.containers).toContainEqual({ vmid: VMID, status: 'stopped', name: 'e2e-list' });
  });

  it('follows the real state after a start, in the text table', () => {
    expect(hostTool('pct', ['start', String(VMID)]).code).toBe(0);
    const r = pxdeploy(['ct', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^VMID\s+STATUS\s+LOCK\s+NAME\n/);
    expect(r.stdout).toMatch(new RegExp(`^${VMID}\\s+running\\s+e2e-list$`, 'm'));
  });

  it('still reads the host under --dry-run (reads are not mutations)', () => {
    const r = pxdeploy(['ct', 'list', '--dry-run', '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as ListJson).containers.map((c) => c.vmid)).toContain(VMID);
  });

  it('fails clearly when pct is not there (not a Proxmox node)', () => {
    const r = pxdeploy(['ct', 'list'], { env: { PATH: '/nonexistent' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: command could not be started (ENOENT): pct list\nhint: is pct installed? pxdeploy must run on a Proxmox VE node\n');
  });
});
