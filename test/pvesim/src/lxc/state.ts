// Runtime state of a CT from LXC: running or not, init pid, cgroup counters, veth traffic.
import fs from 'node:fs';
import { simPaths } from '../common/paths.js';
import { run } from '../common/run.js';

export interface LxcState {
  running: boolean;
  pid?: number;
}

export function lxcState(vmid: number): LxcState {
  if (!fs.existsSync(`${simPaths().lxcpath}/${vmid}/config`)) return { running: false };
  const res = run('lxc-info', ['-P', simPaths().lxcpath, '-n', String(vmid), '-s', '-p']);
  if (res.status !== 0) return { running: false };
  const state = /^State:\s+(\S+)/m.exec(res.stdout)?.[1];
  const pid = /^PID:\s+(\d+)/m.exec(res.stdout)?.[1];
  if (state !== 'RUNNING' && state !== 'FREEZING' && state !== 'FROZEN') return { running: false };
  return pid ? { running: true, pid: Number(pid) } : { running: true };
}

/** check_running */
export function isRunning(vmid: number): boolean {
  return lxcState(vmid).running;
}

/** Names of all running CTs under our lxcpath (one lxc-ls for the whole list). */
export function runningVmids(): Set<number> {
  const res = run('lxc-ls', ['-P', simPaths().lxcpath, '--running', '-1']);
  const set = new Set<number>();
  if (res.status !== 0) return set;
  for (const name of res.stdout.split('\n')) if (/^\d+$/.test(name.trim())) set.add(Number(name.trim()));
  return set;
}

function readNumber(file: string): number {
  try {
    return Number(fs.readFileSync(file, 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

export interface CgroupStats {
  mem: number;
  swap: number;
  diskread: number;
  diskwrite: number;
  cpuNs: number;
}

/** cgroup v1 counters of a running CT (`lxc.payload.<vmid>`). */
export function cgroupStats(vmid: number): CgroupStats {
  const cg = (ctrl: string, file: string): string => `/sys/fs/cgroup/${ctrl}/lxc.payload.${vmid}/${file}`;
  let cache = 0;
  try {
    const m = /^total_cache (\d+)$/m.exec(fs.readFileSync(cg('memory', 'memory.stat'), 'utf8'));
    cache = Number(m?.[1] ?? 0);
  } catch {
    /* no memory controller */
  }
  const usage = readNumber(cg('memory', 'memory.usage_in_bytes'));
  const memsw = readNumber(cg('memory', 'memory.memsw.usage_in_bytes'));
  let diskread = 0;
  let diskwrite = 0;
  try {
    for (const line of fs.readFileSync(cg('blkio', 'blkio.throttle.io_service_bytes'), 'utf8').split('\n')) {
      const m = /^\S+ (Read|Write) (\d+)$/.exec(line);
      if (m?.[1] === 'Read') diskread += Number(m[2]);
      if (m?.[1] === 'Write') diskwrite += Number(m[2]);
    }
  } catch {
    /* no blkio */
  }
  return {
    mem: Math.max(0, usage - cache),
    swap: memsw > usage ? memsw - usage : 0,
    diskread,
    diskwrite,
    cpuNs: readNumber(cg('cpuacct', 'cpuacct.usage')),
  };
}

/** Bytes through the host-side veths `veth<vmid>i<N>`: netin = what the CT received. */
export function netStats(vmid: number): { netin: number; netout: number } {
  let netin = 0;
  let netout = 0;
  let entries: string[] = [];
  try {
    entries = fs.readdirSync('/sys/class/net');
  } catch {
    return { netin, netout };
  }
  for (const dev of entries) {
    if (!new RegExp(`^veth${vmid}i\\d+$`).test(dev)) continue;
    netin += readNumber(`/sys/class/net/${dev}/statistics/tx_bytes`);
    netout += readNumber(`/sys/class/net/${dev}/statistics/rx_bytes`);
  }
  return { netin, netout };
}

/** Seconds since the CT's init started. */
export function uptimeOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTicks = Number(fields[19]);
    const uptime = Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    return Math.max(0, Math.floor(uptime - startTicks / 100));
  } catch {
    return 0;
  }
}
