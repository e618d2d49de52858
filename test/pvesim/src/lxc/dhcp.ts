// DHCP for CTs: pct's own client for `host-managed=1` NICs (udhcpc in the CT's netns) and the wait for a lease.
import fs from 'node:fs';
import path from 'node:path';
import { simPaths } from '../common/paths.js';
import { run, sleepMs } from '../common/run.js';
import type { Task } from '../common/task.js';

// applies the lease with the host's ip(8) inside the CT's network namespace (nsenter -n)
const SCRIPT = `#!/bin/sh
# pvesim: udhcpc hook for host-managed CT NICs (runs in the CT's network namespace)
case "$1" in
  deconfig) ip -4 addr flush dev "$interface"; ip link set "$interface" up ;;
  bound|renew) ip -4 addr flush dev "$interface"; ip addr add "$ip/\${mask:-24}" dev "$interface"
    [ -z "$router" ] || ip route replace default via "\${router%% *}" dev "$interface" ;;
esac
exit 0
`;

function busybox(): string {
  const cached = path.join(simPaths().cache, 'busybox-static/bin/busybox');
  return fs.existsSync(cached) ? cached : 'busybox';
}

function hookScript(): string {
  const file = path.join(simPaths().runDir, 'udhcpc-host-managed.sh');
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== SCRIPT) {
    fs.mkdirSync(simPaths().runDir, { recursive: true });
    fs.writeFileSync(file, SCRIPT, { mode: 0o755 });
  }
  return file;
}

/**
 * host-managed=1 with ip=dhcp: the host asks for the lease on the CT's behalf, inside its netns, and
 * configures it there. One-shot (`-q`; leases last 12 h), so nothing of pvesim outlives the CT.
 */
export function hostManagedDhcp(pid: number, ifname: string, hostname: string, task: Task): void {
  const res = run('nsenter', [
    '-t', String(pid), '-n', '--', busybox(), 'udhcpc', '-q', '-n', '-f', '-t', '10', '-T', '1', '-i', ifname,
    '-s', hookScript(), '-x', `hostname:${hostname}`,
  ], { timeoutMs: 30_000 });
  if (res.status !== 0) task.warn(`${ifname}: no DHCP lease (udhcpc exit code ${res.status})`);
}

/** The CT's global IPv4 addresses on `ifname` (read from its netns). */
export function ctIpv4(pid: number, ifname: string): string[] {
  const res = run('nsenter', ['-t', String(pid), '-n', '--', 'ip', '-4', '-o', 'addr', 'show', 'dev', ifname, 'scope', 'global']);
  return [...res.stdout.matchAll(/\binet (\d+\.\d+\.\d+\.\d+\/\d+)/g)].map((m) => m[1]!);
}

/** Until `ifname` has an IPv4 address or the deadline passed (the CT's own DHCP client is asking). */
export function waitForLease(pid: number, ifname: string, deadline: number): boolean {
  for (;;) {
    if (ctIpv4(pid, ifname).length) return true;
    if (Date.now() >= deadline) return false;
    sleepMs(50);
  }
}
