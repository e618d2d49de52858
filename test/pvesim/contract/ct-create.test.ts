// Contract: what `pxdeploy ct create` passes to pct — DHCP from vmbr0's dnsmasq, apt from the local mirror, all create/set options, devN and push.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX, DEBIAN, pct, pctOk, removeCt, ROOT } from './sim.js';

const DHCP_CT = 7101; // Debian, ip=dhcp
const FULL_CT = 7102; // Debian, every create option, static 10.203.0.71
const BB_DHCP = 7103; // busybox, ip=dhcp (the template's udhcpc)
const BB_HOST = 7104; // busybox, ip=dhcp,host-managed=1 (pct's udhcpc in the CT's netns)
const STATIC_IP = '10.203.0.71';
const DEVICE = '/dev/pvesim-test7102';
const LEASES = path.join(ROOT, 'run/dhcp/dnsmasq.leases');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pvesim-ct-create-'));
fs.chmodSync(tmp, 0o755); // the unprivileged CT's root must traverse it for the mp0 bind mount
// pvesim's dnsmasq leases 10.203.0.150–.249 (scripts/pvesim/dhcp.sh).
const IN_RANGE = /^10\.203\.0\.(1[5-9]\d|2[0-4]\d)$/;

const cleanup = (): void => {
  for (const id of [DHCP_CT, FULL_CT, BB_DHCP, BB_HOST]) removeCt(id);
  fs.rmSync(DEVICE, { force: true });
};
beforeAll(cleanup);
afterAll(() => {
  cleanup();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const exec = (vmid: number, cmd: string): string => pctOk(['exec', String(vmid), '--', 'sh', '-c', cmd]);
const leasedIp = (vmid: number): string => {
  const m = /inet (\d+\.\d+\.\d+\.\d+)\/24/.exec(exec(vmid, 'ip -4 addr show eth0'));
  return m?.[1] ?? '';
};
const macOf = (vmid: number): string => /hwaddr=([0-9A-F:]+)/.exec(pctOk(['config', String(vmid)]))![1]!.toLowerCase();
/** dnsmasq's lease line for `mac` (`expiry mac ip hostname client-id`). */
const leaseOf = (mac: string): string[] | undefined =>
  fs.readFileSync(LEASES, 'utf8').split('\n').map((l) => l.split(' ')).find((f) => f[1] === mac);

describe('DHCP on vmbr0', () => {
  it('a Debian CT with ip=dhcp has its lease when pct start returns (ifupdown + dhclient, as PVE writes it)', () => {
    pctOk(['create', String(DHCP_CT), `local:vztmpl/${DEBIAN}`, '--storage', 'local-lvm', '--hostname', 'dhcp-deb', '--net0', 'name=eth0,bridge=vmbr0,ip=dhcp']);
    expect(pct(['start', String(DHCP_CT)])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(exec(DHCP_CT, 'cat /etc/network/interfaces')).toBe('auto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet dhcp\n\n');
    const ip = leasedIp(DHCP_CT);
    expect(ip).toMatch(IN_RANGE);
    expect(exec(DHCP_CT, 'ip -4 route show default')).toBe('default via 10.203.0.1 dev eth0 \n');
    expect(leaseOf(macOf(DHCP_CT))?.slice(2, 4)).toEqual([ip, 'dhcp-deb']);
    expect(exec(DHCP_CT, 'systemctl is-system-running')).toBe('running\n');
  });

  it('a busybox CT with ip=dhcp: the template’s udhcpc gets a lease', () => {
    pctOk(['create', String(BB_DHCP), `local:vztmpl/${BUSYBOX}`, '--storage', 'local-lvm', '--hostname', 'dhcp-bb', '--net0', 'name=eth0,bridge=vmbr0,ip=dhcp']);
    expect(pct(['start', String(BB_DHCP)]).code).toBe(0);
    const ip = leasedIp(BB_DHCP);
    expect(ip).toMatch(IN_RANGE);
    expect(leaseOf(macOf(BB_DHCP))?.[2]).toBe(ip);
  });

  it('host-managed=1: pct itself gets the lease inside the CT netns', () => {
    // an app-container style init (no rcS, so no DHCP client of the CT's own): only pct can get the lease
    pctOk(['create', String(BB_HOST), `local:vztmpl/${BUSYBOX}`, '--storage', 'local-lvm', '--hostname', 'dhcp-host',
      '--entrypoint', '/bin/sleep 100000', '--net0', 'name=eth0,bridge=vmbr0,ip=dhcp,host-managed=1']);
    expect(pct(['start', String(BB_HOST)])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(exec(BB_HOST, 'ps -o comm | grep -c udhcpc || true')).toBe('0\n');
    const ip = leasedIp(BB_HOST);
    expect(ip).toMatch(IN_RANGE);
    expect(leaseOf(macOf(BB_HOST))?.slice(2, 4)).toEqual([ip, 'dhcp-host']);
    expect(new Set([leasedIp(DHCP_CT), leasedIp(BB_DHCP), ip]).size).toBe(3);
  });
});

describe('local Debian mirror', () => {
  it('apt-get update && apt-get install -y jq works from http://10.203.0.1/debian', () => {
    expect(exec(DHCP_CT, 'cat /etc/apt/sources.list')).toBe('deb [trusted=yes] http://10.203.0.1/debian ./\n');
    const res = pct(['exec', String(DHCP_CT), '--', 'sh', '-c', 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q jq']);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(exec(DHCP_CT, 'echo \'{"a":[1,2]}\' | jq -c .a')).toBe('[1,2]\n');
  });

  it('the CT still reaches nothing beyond the bridge', () => {
    const res = pct(['exec', String(DHCP_CT), '--', 'curl', '-s', '-m', '3', '-o', '/dev/null', 'http://192.0.2.1/']);
    expect(res.code).not.toBe(0);
    expect(pct(['exec', String(DHCP_CT), '--', 'curl', '-s', '-m', '20', '-o', '/dev/null', '-w', '%{http_code}', 'http://10.203.0.1/debian/Release']).stdout).toBe('200');
  });
});

describe('pct create / set / push as ct create calls them', () => {
  it('create takes every option ct create passes and writes them PVE-style', () => {
    const keyFile = path.join(tmp, 'keys.pub');
    fs.writeFileSync(keyFile, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPvesimTestKey test@pvesim\n');
    const res = pct([
      'create', String(FULL_CT), `local:vztmpl/${DEBIAN}`, '--cores', '1', '--memory', '256', '--swap', '128',
      '--rootfs', 'local-lvm:2', '--net0', `name=eth0,bridge=vmbr0,ip=${STATIC_IP}/24,gw=10.203.0.1`, '--hostname', 'full',
      '--unprivileged', '1', '--features', 'nesting=1,keyctl=1', '--onboot', '1', '--tags', 'b;a', '--description', 'made by ct create',
      '--ssh-public-keys', keyFile, '--password', 'secret-pw',
    ]);
    expect(res.code, res.stderr).toBe(0);
    const conf = pctOk(['config', String(FULL_CT)]);
    expect(conf).toMatch(
      new RegExp(
        '^arch: amd64\\ncores: 1\\ndescription: made by ct create%0A\\nfeatures: nesting=1,keyctl=1\\nhostname: full\\nmemory: 256\\n' +
          `net0: name=eth0,bridge=vmbr0,gw=10\\.203\\.0\\.1,hwaddr=BC:24:11(:[0-9A-F]{2}){3},ip=${STATIC_IP.replace(/\./g, '\\.')}/24,type=veth\\n` +
          `onboot: 1\\nostype: debian\\nrootfs: local-lvm:vm-${FULL_CT}-disk-0,size=2G\\nswap: 128\\ntags: a;b\\nunprivileged: 1\\n$`,
      ),
    );
  });

  it('set --mp0 <host dir>,mp=/data and --dev0 <mknod char device>,mode=0660,gid=N reach the unprivileged CT', () => {
    const hostDir = path.join(tmp, 'data');
    fs.mkdirSync(hostDir);
    fs.writeFileSync(path.join(hostDir, 'hello.txt'), 'from host\n');
    execFileSync('mknod', [DEVICE, 'c', '1', '3']); // a /dev/null twin
    expect(pct(['set', String(FULL_CT), '--mp0', `${hostDir},mp=/data`, '--dev0', `${DEVICE},mode=0660,gid=5`])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(pctOk(['config', String(FULL_CT)])).toContain(`\ndev0: ${DEVICE},gid=5,mode=0660\n`);
    expect(pct(['start', String(FULL_CT)]).code).toBe(0);
    expect(exec(FULL_CT, 'cat /data/hello.txt')).toBe('from host\n');
    expect(exec(FULL_CT, `stat -c '%F %a %u %g %t:%T' ${DEVICE}`)).toBe('character special file 660 0 5 1:3\n');
    expect(exec(FULL_CT, `echo x > ${DEVICE} && echo written`)).toBe('written\n');
  });

  it('static address, ssh key, password and push --perms 0600 --user 0 --group 0', () => {
    expect(exec(FULL_CT, 'ip -4 -o addr show eth0 | awk \'{print $4}\'')).toBe(`${STATIC_IP}/24\n`);
    expect(exec(FULL_CT, 'cat /root/.ssh/authorized_keys')).toBe('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPvesimTestKey test@pvesim\n');
    expect(exec(FULL_CT, 'cut -d: -f1,2 /etc/shadow | grep ^root: | cut -c1-8')).toBe('root:$6$\n');
    const src = path.join(tmp, 'secret.env');
    fs.writeFileSync(src, 'TOKEN=1\n');
    expect(pct(['push', String(FULL_CT), src, '/etc/app.env', '--perms', '0600', '--user', '0', '--group', '0'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(exec(FULL_CT, "stat -c '%a %u %g' /etc/app.env && cat /etc/app.env")).toBe('600 0 0\nTOKEN=1\n');
  });
});
