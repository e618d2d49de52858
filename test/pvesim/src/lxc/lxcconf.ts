// Turn a CT config into the LXC config pvesim starts ($PVESIM_ROOT/lxc/<vmid>/config), like PVE's update_lxc_config.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PveError } from '../common/errors.js';
import { simPaths } from '../common/paths.js';
import { parsePropertyString } from '../common/schema.js';
import type { CtSection } from '../ct/conffile.js';
import { mountpoints } from '../ct/mountpoints.js';
import { parseNet } from '../ct/network.js';
import { devFormat, featuresFormat, MAX_MOUNT_POINTS, MAX_NETS } from '../ct/options.js';
import { pathOfVolid } from '../storage/volumes.js';
import { guestConfiguresNetwork } from './guestifupdown.js';
import { passthroughPath } from './passthrough.js';

const CFG = '/usr/share/lxc/config';
const MiB = 1024 * 1024;
export const IDMAP_BASE = 100000;

function hasApparmor(): boolean {
  return fs.existsSync('/sys/kernel/security/apparmor');
}

function cgroupV1(ctrl: string): boolean {
  return fs.existsSync(`/sys/fs/cgroup/${ctrl}/tasks`) || fs.existsSync(`/sys/fs/cgroup/${ctrl}/cgroup.procs`);
}

function bridgeMtu(bridge: string): number {
  try {
    return Number(fs.readFileSync(`/sys/class/net/${bridge}/mtu`, 'utf8').trim());
  } catch {
    throw new PveError(`bridge '${bridge}' does not exist\n`);
  }
}

/** The host path mounted at `mp`: a storage volume's directory, a bind source, or a device node. */
export function mountSource(volume: string, type: string): string {
  return type === 'volume' ? pathOfVolid(volume) : volume;
}

function deviceNumbers(devPath: string): { kind: 'b' | 'c'; major: number; minor: number } {
  let st: fs.Stats;
  try {
    st = fs.statSync(devPath);
  } catch {
    throw new PveError(`Device ${devPath} does not exist\n`);
  }
  if (!st.isBlockDevice() && !st.isCharacterDevice()) throw new PveError(`${devPath} is not a device\n`);
  const rdev = st.rdev;
  return { kind: st.isBlockDevice() ? 'b' : 'c', major: Math.floor(rdev / 256) & 0xfff, minor: (rdev & 0xff) | ((rdev >> 12) & 0xfff00) };
}

function cpusetCpus(cores: number): string {
  const n = Math.min(cores, os.cpus().length);
  return n <= 1 ? '0' : `0-${n - 1}`;
}

/** The full LXC config text for `conf` (the CT's current section, pending already applied). */
export function generateLxcConfig(vmid: number, conf: CtSection): string {
  const p = conf.props;
  const lines: string[] = [];
  const add = (k: string, v: string | number): void => {
    lines.push(`${k} = ${v}`);
  };
  const unpriv = p.unprivileged === '1' || conf.lxc.some(([k]) => k === 'lxc.idmap');
  const ostype = p.ostype ?? 'unmanaged';
  const features = p.features ? parsePropertyString(featuresFormat, p.features) : {};

  add('lxc.arch', p.arch ?? 'amd64');
  add('lxc.include', fs.existsSync(`${CFG}/${ostype}.common.conf`) ? `${CFG}/${ostype}.common.conf` : `${CFG}/common.conf`);
  if (unpriv) add('lxc.include', fs.existsSync(`${CFG}/${ostype}.userns.conf`) ? `${CFG}/${ostype}.userns.conf` : `${CFG}/userns.conf`);
  if (!hasApparmor()) add('lxc.apparmor.profile', 'unconfined');
  if (features.nesting === '1' && hasApparmor()) add('lxc.apparmor.allow_nesting', 1);
  if (features.fuse === '1') add('lxc.mount.entry', '/dev/fuse dev/fuse none bind,create=file 0 0');
  if (unpriv && features.force_rw_sys !== '1') add('lxc.mount.auto', 'sys:mixed');

  for (let i = 0; i < MAX_MOUNT_POINTS; i++) {
    const value = p[`dev${i}`];
    if (value === undefined) continue;
    const dev = parsePropertyString(devFormat, value);
    const { kind, major, minor } = deviceNumbers(dev.path!);
    const perm = dev['deny-write'] === '1' ? 'r' : 'rw';
    add('lxc.cgroup.devices.allow', `${kind} ${major}:${minor} ${perm}m`);
    add('lxc.cgroup2.devices.allow', `${kind} ${major}:${minor} ${perm}m`);
    add('lxc.mount.entry', `${passthroughPath(vmid, dev.path!)} ${dev.path!.slice(1)} none bind,create=file 0 0`);
  }

  add('lxc.monitor.unshare', 1);
  if (unpriv && !conf.lxc.some(([k]) => k === 'lxc.idmap')) {
    add('lxc.idmap', `u 0 ${IDMAP_BASE} 65536`);
    add('lxc.idmap', `g 0 ${IDMAP_BASE} 65536`);
  }
  if (p.console === '0') {
    add('lxc.console.path', 'none');
    add('lxc.cgroup.devices.deny', 'c 5:1 rwm');
  }
  add('lxc.tty.max', p.tty ?? 2);
  add('lxc.environment', 'TERM=linux');
  add('lxc.uts.name', p.hostname ?? `CT${vmid}`);

  const memory = Number(p.memory ?? 512);
  const swap = Number(p.swap ?? 0);
  if (cgroupV1('memory')) {
    add('lxc.cgroup.memory.limit_in_bytes', memory * MiB);
    if (fs.existsSync('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes')) add('lxc.cgroup.memory.memsw.limit_in_bytes', (memory + swap) * MiB);
  }
  add('lxc.cgroup2.memory.max', memory * MiB);
  add('lxc.cgroup2.memory.high', memory >= 16384 ? (memory - 128) * MiB : memory * 1024 * 1016);
  add('lxc.cgroup2.memory.swap.max', swap * MiB);

  const cpulimit = Number(p.cpulimit ?? 0);
  const cpuunits = p.cpuunits === undefined ? undefined : Math.min(Math.max(Number(p.cpuunits), 2), 262144);
  if (cgroupV1('cpu')) {
    if (cpulimit) {
      add('lxc.cgroup.cpu.cfs_period_us', 100000);
      add('lxc.cgroup.cpu.cfs_quota_us', Math.floor(100000 * cpulimit));
    }
    add('lxc.cgroup.cpu.shares', cpuunits ?? 1024);
  }
  if (cpulimit) add('lxc.cgroup2.cpu.max', `${Math.floor(100000 * cpulimit)} 100000`);
  if (p.cpuunits !== undefined) add('lxc.cgroup2.cpu.weight', Math.min(Math.max(Number(p.cpuunits), 1), 10000));
  if (p.cores && !conf.lxc.some(([k]) => /^lxc\.cgroup2?\.cpuset\.cpus$/.test(k))) {
    if (cgroupV1('cpuset')) add('lxc.cgroup.cpuset.cpus', cpusetCpus(Number(p.cores)));
    add('lxc.cgroup2.cpuset.cpus', cpusetCpus(Number(p.cores)));
  }

  const mps = mountpoints(conf);
  const root = mps.find((mp) => mp.key === 'rootfs');
  if (!root) throw new PveError("missing 'rootfs' configuration\n");
  add('lxc.rootfs.path', `dir:${mountSource(root.volume, root.type)}`);
  if (root.opts.ro === '1') add('lxc.rootfs.options', 'ro');

  // Debian-like CTs with ifupdown configure their addresses themselves from /etc/network/interfaces, as on PVE
  const guestNet = guestConfiguresNetwork(mountSource(root.volume, root.type), p.ostype);
  for (let i = 0; i < MAX_NETS; i++) {
    const value = p[`net${i}`];
    if (value === undefined) continue;
    const net = parseNet(value);
    add(`lxc.net.${i}.type`, 'veth');
    add(`lxc.net.${i}.veth.pair`, `veth${vmid}i${i}`);
    add(`lxc.net.${i}.hwaddr`, net.hwaddr!);
    add(`lxc.net.${i}.name`, net.name!);
    if (net.bridge) {
      const brMtu = bridgeMtu(net.bridge);
      const mtu = net.mtu ? Number(net.mtu) : brMtu;
      if (mtu > brMtu) throw new PveError(`net${i}: MTU size '${mtu}' is bigger than bridge MTU '${brMtu}'\n`);
      add(`lxc.net.${i}.mtu`, mtu);
      add(`lxc.net.${i}.link`, net.bridge);
    }
    if (net.link_down !== '1') add(`lxc.net.${i}.flags`, 'up');
    // ip=dhcp: no address here; the CT's DHCP client (or pct's, for host-managed) gets one from vmbr0's dnsmasq
    if (guestNet) continue;
    if (net.ip && net.ip !== 'manual' && net.ip !== 'dhcp') {
      add(`lxc.net.${i}.ipv4.address`, net.ip);
      if (net.gw) add(`lxc.net.${i}.ipv4.gateway`, net.gw);
    }
    if (net.ip6 && !['auto', 'dhcp', 'manual'].includes(net.ip6)) {
      add(`lxc.net.${i}.ipv6.address`, net.ip6);
      if (net.gw6) add(`lxc.net.${i}.ipv6.gateway`, net.gw6);
    }
  }

  for (const mp of mps) {
    if (mp.key === 'rootfs') continue;
    const src = mountSource(mp.volume, mp.type);
    if (mp.type === 'bind' && !fs.existsSync(src)) throw new PveError(`mount point '${mp.key}': bind mount source path '${src}' does not exist\n`);
    const opts = ['rbind', mp.type === 'device' ? 'create=file' : 'create=dir'];
    if (mp.opts.ro === '1') opts.push('ro');
    add('lxc.mount.entry', `${src} ${mp.mp.replace(/^\/+/, '')} none ${opts.join(',')} 0 0`);
  }

  const entrypoint = p.entrypoint ?? '/sbin/init';
  add('lxc.init.cmd', entrypoint);
  if (entrypoint !== '/sbin/init') add('lxc.mount.entry', 'tmpfs dev/shm tmpfs rw,nosuid,nodev,create=dir 0 0');

  for (const [k, v] of conf.lxc) {
    // LXC 5 has no lxc.environment.runtime (LXC 6 / lxc-pve has): plain lxc.environment reaches init the same way.
    add(k === 'lxc.environment.runtime' ? 'lxc.environment' : k, v);
  }
  add('lxc.log.file', path.join(simPaths().runDir, `lxc-${vmid}.log`));
  add('lxc.log.level', p.debug === '1' ? 'DEBUG' : 'WARN');
  return `${lines.join('\n')}\n`;
}

/** Write `$PVESIM_ROOT/lxc/<vmid>/config` (lxcpath must be traversable by the mapped root). */
export function writeLxcConfig(vmid: number, conf: CtSection): void {
  const dir = path.join(simPaths().lxcpath, String(vmid));
  fs.mkdirSync(dir, { recursive: true });
  fs.chmodSync(simPaths().lxcpath, 0o711);
  fs.chmodSync(dir, 0o711);
  fs.mkdirSync(simPaths().runDir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config'), generateLxcConfig(vmid, conf));
}

export function removeLxcDir(vmid: number): void {
  fs.rmSync(path.join(simPaths().lxcpath, String(vmid)), { recursive: true, force: true });
}
