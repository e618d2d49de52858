// Start and stop CTs with lxc-start/lxc-stop; start waits until init (and systemd's boot) has settled.
import fs from 'node:fs';
import path from 'node:path';
import { PveError } from '../common/errors.js';
import { simPaths } from '../common/paths.js';
import { run, sleepMs } from '../common/run.js';
import type { Task } from '../common/task.js';
import type { CtSection } from '../ct/conffile.js';
import { parseNet } from '../ct/network.js';
import { MAX_NETS } from '../ct/options.js';
import { mountSource, writeLxcConfig } from './lxcconf.js';
import { setupDns, setupHostname } from './rootfs.js';
import { parseMountpoint } from '../ct/mountpoints.js';
import { lxcState } from './state.js';
import { hostManagedDhcp, waitForLease } from './dhcp.js';
import { setupNetwork } from './guestnet.js';
import { preparePassthrough } from './passthrough.js';

function lxcArgs(vmid: number): string[] {
  return ['-P', simPaths().lxcpath, '-n', String(vmid)];
}

function startWaitSec(): number {
  const v = Number(process.env.PVESIM_START_WAIT);
  return Number.isFinite(v) && v > 0 ? v : 90;
}

/** Pre-start setup of managed distributions (hostname, hosts, DNS), as Setup.pm's pre_start_hook does. */
function preStartSetup(vmid: number, conf: CtSection): void {
  const p = conf.props;
  if (!p.rootfs) return;
  const managed = (p.ostype ?? 'unmanaged') !== 'unmanaged';
  const root = parseMountpoint('rootfs', p.rootfs);
  const rootdir = mountSource(root.volume, root.type);
  const unpriv = p.unprivileged === '1';
  setupHostname(rootdir, p.hostname ?? `CT${vmid}`, unpriv, managed);
  if (managed) setupDns(rootdir, p.nameserver, p.searchdomain, unpriv);
  if (managed) setupNetwork(rootdir, conf, unpriv);
}

function dhcpWaitSec(): number {
  const v = Number(process.env.PVESIM_DHCP_WAIT);
  return Number.isFinite(v) && v >= 0 && process.env.PVESIM_DHCP_WAIT !== '' ? v : 15;
}

/**
 * ip=dhcp NICs: host-managed ones get their lease from pct (udhcpc in the CT's netns); for the others
 * pvesim waits (PVESIM_DHCP_WAIT s, default 15) until the CT's own client has one, so the address is
 * there when `pct start` returns. A NIC without a lease by then is only a warning, as the CT still runs.
 */
function setupDhcp(vmid: number, pid: number, conf: CtSection, task: Task): void {
  for (let i = 0; i < MAX_NETS; i++) {
    const value = conf.props[`net${i}`];
    if (value === undefined) continue;
    const net = parseNet(value);
    if (net.ip !== 'dhcp' || net.link_down === '1') continue;
    if (net['host-managed'] === '1') hostManagedDhcp(pid, net.name!, conf.props.hostname ?? `CT${vmid}`, task);
    else if (!waitForLease(pid, net.name!, Date.now() + dhcpWaitSec() * 1000)) task.log(`net${i}: no DHCP lease on ${net.name} yet`);
  }
}

/** Host-side leftovers that would make lxc-start fail: stale veths and stale ARP entries of our static IPs. */
function cleanupNetwork(vmid: number, conf: CtSection): void {
  for (let i = 0; i < MAX_NETS; i++) {
    const value = conf.props[`net${i}`];
    if (value === undefined) continue;
    const veth = `veth${vmid}i${i}`;
    if (fs.existsSync(`/sys/class/net/${veth}`)) run('ip', ['link', 'delete', veth]);
    const net = parseNet(value);
    const ip = net.ip?.split('/')[0];
    if (ip && net.bridge && /^\d+\.\d+\.\d+\.\d+$/.test(ip)) run('ip', ['neigh', 'flush', 'to', ip, 'dev', net.bridge]);
  }
}

/**
 * Whether the CT's init is systemd. LXC reports RUNNING as soon as the CT's first process exists, which
 * may still be LXC's own code about to exec init (more likely under load): until that exec, its exe is
 * not init's, so it is read again for a moment rather than taken as "not systemd" (which skipped the
 * wait below and let the CT be used while systemd was still starting).
 */
function isSystemd(pid: number, deadline: number): boolean {
  const until = Math.min(deadline, Date.now() + 2000);
  for (;;) {
    let exe = '';
    try {
      exe = fs.readlinkSync(`/proc/${pid}/exe`);
    } catch {
      /* gone or not readable yet */
    }
    if (/\/systemd$/.test(exe)) return true;
    if ((exe !== '' && !/\/lxc[^/]*$/.test(exe)) || Date.now() >= until) return false;
    sleepMs(10);
  }
}

/** Wait for systemd inside the CT to finish booting (`systemctl is-system-running --wait`). */
function waitForSystemd(vmid: number, pid: number, deadline: number): void {
  const sock = `/proc/${pid}/root/run/systemd/private`;
  while (!fs.existsSync(sock) && Date.now() < deadline) sleepMs(20);
  const left = Math.max(1000, deadline - Date.now());
  run('lxc-attach', [...lxcArgs(vmid), '--clear-env', '--', 'systemctl', 'is-system-running', '--wait'], { timeoutMs: left });
}

/** Until every static-IP interface inside the CT is up (LXC configures them before init, so this is quick). */
function waitForInterfaces(pid: number, conf: CtSection, deadline: number): void {
  for (let i = 0; i < MAX_NETS; i++) {
    const value = conf.props[`net${i}`];
    if (value === undefined) continue;
    const net = parseNet(value);
    if (net.link_down === '1') continue;
    const operstate = `/proc/${pid}/root/sys/class/net/${net.name}/operstate`;
    while (Date.now() < deadline) {
      try {
        if (fs.readFileSync(operstate, 'utf8').trim() !== 'down') break;
      } catch {
        break; // sysfs of the CT not visible this way: LXC brought it up already
      }
      sleepMs(20);
    }
  }
}

function lxcLogErrors(vmid: number): string[] {
  try {
    return fs
      .readFileSync(path.join(simPaths().runDir, `lxc-${vmid}.log`), 'utf8')
      .split('\n')
      .filter((l) => / ERROR /.test(l))
      .slice(-10);
  } catch {
    return [];
  }
}

/** vm_start: generate the LXC config, lxc-start, wait for init/systemd; fails like `systemctl start pve-container@<vmid>`. */
export function startContainer(vmid: number, conf: CtSection, task: Task): void {
  writeLxcConfig(vmid, conf);
  preparePassthrough(vmid, conf);
  preStartSetup(vmid, conf);
  cleanupNetwork(vmid, conf);
  fs.rmSync(path.join(simPaths().runDir, `lxc-${vmid}.log`), { force: true });
  const res = run('lxc-start', [...lxcArgs(vmid), '-d']);
  if (res.status === 0) run('lxc-wait', [...lxcArgs(vmid), '-s', 'RUNNING|STOPPED', '-t', '10']);
  const state = res.status === 0 ? lxcState(vmid) : { running: false };
  if (!state.running) {
    for (const line of [...res.stderr.split('\n').filter(Boolean), ...lxcLogErrors(vmid)]) task.log(line);
    throw new PveError(`command 'systemctl start pve-container@${vmid}' failed: exit code 1\n`);
  }
  const deadline = Date.now() + startWaitSec() * 1000;
  if (state.pid) {
    waitForInterfaces(state.pid, conf, deadline);
    if (isSystemd(state.pid, deadline)) waitForSystemd(vmid, state.pid, deadline);
    setupDhcp(vmid, state.pid, conf, task);
  }
}

/**
 * vm_stop with kill, i.e. `lxc-stop --kill`: SIGKILL to the CT's init, then wait for LXC to see it stopped.
 * (lxc-stop itself spends ~0.5 s here for the same effect; it stays the fallback.)
 */
export function killContainer(vmid: number): void {
  const { pid } = lxcState(vmid);
  if (pid) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      if (!lxcState(vmid).running) return;
      sleepMs(10);
    }
  }
  const res = run('lxc-stop', [...lxcArgs(vmid), '--kill']);
  if (res.status !== 0 && lxcState(vmid).running) {
    throw new PveError(`command 'lxc-stop -n ${vmid} --kill' failed: exit code ${res.status}\n`);
  }
}

/** Clean shutdown within `timeout` seconds; without `forceStop` a timeout fails with `container did not stop`. */
export function shutdownContainer(vmid: number, timeout: number, forceStop: boolean, task: Task): void {
  const args = [...lxcArgs(vmid), '--timeout', String(timeout)];
  if (!forceStop) args.push('--nokill');
  const res = run('lxc-stop', args);
  if (res.status === 0 || !lxcState(vmid).running) return;
  const shown = `lxc-stop -n ${vmid} ${forceStop ? '' : '--nokill '}--timeout ${timeout}`;
  task.log(`command '${shown}' failed: exit code ${res.status}`);
  if (forceStop) {
    killContainer(vmid);
    return;
  }
  throw new PveError('container did not stop\n');
}

export { lxcArgs };
