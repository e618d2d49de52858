// PVE::LXC::vmstatus for one CT: the status fields pct status --verbose, pct list and pvesh report.
import os from 'node:os';
import { parseSize } from '../common/formats.js';
import { run } from '../common/run.js';
import type { CtConfig } from './conffile.js';
import { parseMountpoint } from './mountpoints.js';
import { mountSource } from '../lxc/lxcconf.js';
import { cgroupStats, lxcState, netStats, uptimeOf } from '../lxc/state.js';

export type VmStatus = Record<string, string | number>;

const MiB = 1024 * 1024;

function rootfsUsage(conf: CtConfig): number {
  try {
    const root = parseMountpoint('rootfs', conf.props.rootfs!);
    const res = run('du', ['-sx', '--block-size=1', mountSource(root.volume, root.type)]);
    return Number(res.stdout.split('\t')[0]) || 0;
  } catch {
    return 0;
  }
}

/** Status of `vmid`; `running` may be passed in when the caller already knows it (one lxc-ls for a whole list). */
export function vmstatus(vmid: number, conf: CtConfig, running?: boolean, withUsage = true): VmStatus {
  const p = conf.props;
  const state = running === false ? { running: false as const } : lxcState(vmid);
  const hostCpus = os.cpus().length;
  let cpus = p.cores ? Number(p.cores) : hostCpus;
  const cpulimit = Number(p.cpulimit ?? 0);
  if (cpulimit && cpulimit < cpus) cpus = cpulimit;
  let maxdisk = 4 * 1024 ** 3;
  try {
    const root = p.rootfs ? parseMountpoint('rootfs', p.rootfs) : undefined;
    if (root?.opts.size) maxdisk = parseSize(root.opts.size) ?? maxdisk;
  } catch {
    /* keep default */
  }
  const d: VmStatus = {
    vmid,
    type: 'lxc',
    name: (p.hostname ?? `CT${vmid}`).replace(/\s+/g, ''),
    status: state.running ? 'running' : 'stopped',
    cpus,
    cpu: 0,
    maxmem: Number(p.memory ?? 512) * MiB,
    maxswap: Number(p.swap ?? 0) * MiB,
    maxdisk,
    disk: 0,
    mem: 0,
    swap: 0,
    uptime: 0,
    netin: 0,
    netout: 0,
    diskread: 0,
    diskwrite: 0,
  };
  if (p.lock) d.lock = p.lock;
  if (p.tags) d.tags = p.tags;
  if (p.template === '1') d.template = 1;
  if (state.running) {
    const cg = cgroupStats(vmid);
    Object.assign(d, { mem: cg.mem, swap: cg.swap, diskread: cg.diskread, diskwrite: cg.diskwrite }, netStats(vmid));
    if (state.pid) {
      d.pid = state.pid;
      d.uptime = uptimeOf(state.pid);
      if (d.uptime > 0) d.cpu = Number((cg.cpuNs / 1e9 / d.uptime / hostCpus).toFixed(6));
    }
    if (withUsage) d.disk = rootfsUsage(conf);
  }
  return d;
}
