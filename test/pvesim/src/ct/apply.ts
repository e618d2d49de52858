// Apply pending changes: all at once for a stopped CT (vmconfig_apply_pending), or hot-plug what can be for a running one.
import { errorText } from '../common/errors.js';
import { run } from '../common/run.js';
import { hostManagedDhcp } from '../lxc/dhcp.js';
import { lxcArgs } from '../lxc/runtime.js';
import { Task } from '../common/task.js';
import { lxcState } from '../lxc/state.js';
import { freeImage } from '../storage/volumes.js';
import type { CtConfig } from './conffile.js';
import { createDisks, NEW_DISK_RE, parseMountpoint } from './mountpoints.js';
import { parseNet, printNet } from './network.js';
import { FASTPLUG } from './options.js';
import { addUnusedVolume, isVolumeInUse } from './unused.js';
import { cleanupPending, pendingDeletes, removePendingDelete } from './pending.js';

const MiB = 1024 * 1024;

/** apply_pending_mountpoint for a stopped CT: allocate new disks; the replaced volume becomes unusedN. */
function applyPendingMountpoint(vmid: number, conf: CtConfig, key: string): void {
  const value = conf.pending.props[key]!;
  const mp = parseMountpoint(key, value);
  if (mp.type === 'volume' && NEW_DISK_RE.test(mp.volume)) {
    createDisks(vmid, conf.pending, [key], conf.props.unprivileged === '1', () => undefined);
  }
  const old = conf.props[key];
  if (old !== undefined) {
    const oldMp = parseMountpoint(key, old);
    conf.props[key] = conf.pending.props[key]!;
    if (oldMp.type === 'volume' && !isVolumeInUse(conf, oldMp.volume, true, true)) addUnusedVolume(conf, oldMp.volume);
  }
}

function moveDescription(conf: CtConfig): void {
  if (conf.pending.description !== undefined) {
    conf.description = conf.pending.description;
    delete conf.pending.description;
  }
}

/** vmconfig_apply_pending; returns `{ opt: reason }` for what could not be applied. */
export function applyPending(vmid: number, conf: CtConfig, only?: Set<string>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const opt of pendingDeletes(conf).sort()) {
    if (only && !only.has(opt)) continue;
    try {
      if (/^mp\d+$/.test(opt) && conf.props[opt] !== undefined) {
        const mp = parseMountpoint(opt, conf.props[opt]!);
        delete conf.props[opt];
        if (mp.type === 'volume' && !isVolumeInUse(conf, mp.volume, true, true)) addUnusedVolume(conf, mp.volume);
      } else if (/^unused\d+$/.test(opt) && conf.props[opt] !== undefined) {
        const volid = conf.props[opt]!;
        delete conf.props[opt];
        if (!isVolumeInUse(conf, volid, true, true)) freeImage(volid);
      } else if (opt === 'description') {
        delete conf.description;
      } else if (opt === 'env') {
        conf.lxc = conf.lxc.filter(([k]) => k !== 'lxc.environment.runtime');
      }
      delete conf.props[opt];
      removePendingDelete(conf, opt);
    } catch (err) {
      errors[opt] = `unable to apply pending change ${opt} : ${errorText(err).replace(/\n$/, '')}`;
      process.stderr.write(`${errors[opt]}\n`);
    }
  }
  cleanupPending(conf);
  if (!only || only.has('description')) moveDescription(conf);
  if (conf.pending.lxc.length && (!only || only.has('env'))) {
    conf.lxc = [...conf.pending.lxc, ...conf.lxc.filter(([k]) => k !== 'lxc.environment.runtime')];
    conf.pending.lxc = [];
  }
  for (const opt of Object.keys(conf.pending.props).sort()) {
    if (opt === 'delete' || (only && !only.has(opt))) continue;
    try {
      if (/^(mp\d+|rootfs)$/.test(opt)) applyPendingMountpoint(vmid, conf, opt);
      else if (/^net\d+$/.test(opt)) conf.pending.props[opt] = printNet(parseNet(conf.pending.props[opt]!));
      conf.props[opt] = conf.pending.props[opt]!;
      delete conf.pending.props[opt];
    } catch (err) {
      errors[opt] = `unable to apply pending change ${opt} : ${errorText(err).replace(/\n$/, '')}`;
      process.stderr.write(`${errors[opt]}\n`);
    }
  }
  return errors;
}

function lxcCgroup(vmid: number, key: string, value: string | number): void {
  const res = run('lxc-cgroup', [...lxcArgs(vmid), key, String(value)]);
  if (res.status !== 0) throw new Error(res.stderr.trim() || `lxc-cgroup ${key} failed`);
}

/** change_memory_limit: memory and memory+swap together, in an order the kernel accepts. */
function hotplugMemory(vmid: number, memoryMiB: number, swapMiB: number): void {
  const mem = memoryMiB * MiB;
  const memsw = (memoryMiB + swapMiB) * MiB;
  const cur = Number(run('lxc-cgroup', [...lxcArgs(vmid), 'memory.limit_in_bytes']).stdout.trim()) || 0;
  const hasMemsw = run('lxc-cgroup', [...lxcArgs(vmid), 'memory.memsw.limit_in_bytes']).status === 0;
  if (hasMemsw && mem > cur) lxcCgroup(vmid, 'memory.memsw.limit_in_bytes', memsw);
  lxcCgroup(vmid, 'memory.limit_in_bytes', mem);
  if (hasMemsw) lxcCgroup(vmid, 'memory.memsw.limit_in_bytes', memsw);
}

function nsIp(pid: number, args: string[]): void {
  const res = run('nsenter', ['-t', String(pid), '-n', 'ip', ...args]);
  if (res.status !== 0) throw new Error(res.stderr.trim() || `ip ${args.join(' ')} failed`);
}

function hostIp(args: string[]): void {
  const res = run('ip', args);
  if (res.status !== 0) throw new Error(res.stderr.trim() || `ip ${args.join(' ')} failed`);
}

function configureAddress(pid: number, net: Record<string, string>): void {
  nsIp(pid, ['addr', 'flush', 'dev', net.name!, 'scope', 'global']);
  if (net.ip && !['dhcp', 'manual'].includes(net.ip)) nsIp(pid, ['addr', 'add', net.ip, 'dev', net.name!]);
  if (net.gw) nsIp(pid, ['route', 'replace', 'default', 'via', net.gw, 'dev', net.name!]);
  // host-managed DHCP: pct asks for the lease itself; a guest's own client picks it up at its next ifup/boot
  if (net.ip === 'dhcp' && net['host-managed'] === '1') hostManagedDhcp(pid, net.name!, 'pvesim', new Task());
}

/** hotplug_net / update_net: a new veth moved into the CT, or the changed parts of an existing one. */
function hotplugNet(vmid: number, pid: number, idx: number, oldValue: string | undefined, net: Record<string, string>): void {
  const veth = `veth${vmid}i${idx}`;
  const old = oldValue ? parseNet(oldValue) : undefined;
  if (old && old.hwaddr === net.hwaddr && old.name === net.name) {
    if (old.bridge !== net.bridge && net.bridge) hostIp(['link', 'set', veth, 'master', net.bridge]);
    if (old.ip !== net.ip || old.gw !== net.gw) configureAddress(pid, net);
    return;
  }
  if (old) run('ip', ['link', 'delete', veth]);
  const peer = `${veth}p`;
  hostIp(['link', 'add', veth, 'type', 'veth', 'peer', 'name', peer]);
  try {
    if (net.bridge) hostIp(['link', 'set', veth, 'master', net.bridge]);
    hostIp(['link', 'set', veth, 'up']);
    hostIp(['link', 'set', peer, 'address', net.hwaddr!]);
    hostIp(['link', 'set', peer, 'netns', String(pid)]);
    nsIp(pid, ['link', 'set', peer, 'name', net.name!]);
    nsIp(pid, ['link', 'set', net.name!, 'up']);
    configureAddress(pid, net);
  } catch (err) {
    run('ip', ['link', 'delete', veth]);
    throw err;
  }
}

/** vmconfig_hotplug_pending; returns `{ opt: 'unable to hotplug <opt>: <msg>' }` for failures. */
export function hotplugPending(vmid: number, conf: CtConfig, selection: Set<string>): Record<string, string> {
  const errors: Record<string, string> = {};
  const pid = lxcState(vmid).pid ?? 0;
  const fail = (opt: string, err: unknown): void => {
    errors[opt] = `unable to hotplug ${opt}: ${errorText(err).replace(/\n$/, '')}`;
  };
  if (selection.has('description')) moveDescription(conf);
  for (const opt of Object.keys(conf.pending.props).sort()) {
    if (selection.has(opt) && FASTPLUG.has(opt)) {
      conf.props[opt] = conf.pending.props[opt]!;
      delete conf.pending.props[opt];
    }
  }
  let memoryDone = false;
  for (const opt of pendingDeletes(conf).sort()) {
    if (!selection.has(opt)) continue;
    try {
      if (FASTPLUG.has(opt) || opt === 'description') {
        if (opt === 'description') delete conf.description;
      } else if (/^unused\d+$/.test(opt)) {
        const volid = conf.props[opt];
        delete conf.props[opt];
        if (volid && !isVolumeInUse(conf, volid, true, true)) freeImage(volid);
      } else if (opt === 'swap') {
        hotplugMemory(vmid, Number(conf.props.memory ?? 512), 0);
        memoryDone = true;
      } else if (opt === 'cpulimit') {
        lxcCgroup(vmid, 'cpu.cfs_quota_us', -1);
      } else if (opt === 'cpuunits') {
        lxcCgroup(vmid, 'cpu.shares', 1024);
      } else if (/^net\d+$/.test(opt)) {
        run('ip', ['link', 'delete', `veth${vmid}i${opt.slice(3)}`]);
      } else {
        continue; // not hot-pluggable: stays queued
      }
      delete conf.props[opt];
      removePendingDelete(conf, opt);
    } catch (err) {
      fail(opt, err);
    }
  }
  for (const opt of Object.keys(conf.pending.props).sort()) {
    if (opt === 'delete' || !selection.has(opt)) continue;
    let value = conf.pending.props[opt]!;
    try {
      if (opt === 'cpulimit') {
        lxcCgroup(vmid, 'cpu.cfs_period_us', 100000);
        lxcCgroup(vmid, 'cpu.cfs_quota_us', Number(value) ? Math.floor(100000 * Number(value)) : -1);
      } else if (opt === 'cpuunits') {
        lxcCgroup(vmid, 'cpu.shares', Math.min(Math.max(Number(value), 2), 262144));
      } else if (opt === 'memory' || opt === 'swap') {
        if (!memoryDone) {
          const mem = Number(conf.pending.props.memory ?? conf.props.memory ?? 512);
          const swap = Number(conf.pending.props.swap ?? conf.props.swap ?? 0);
          hotplugMemory(vmid, mem, swap);
          memoryDone = true;
        }
      } else if (/^net\d+$/.test(opt)) {
        const net = parseNet(value);
        value = printNet(net);
        hotplugNet(vmid, pid, Number(opt.slice(3)), conf.props[opt], net);
      } else if (/^mp\d+$/.test(opt) && conf.props[opt] === undefined && NEW_DISK_RE.test(parseMountpoint(opt, value).volume)) {
        continue; // a new volume mount point needs a restart in pvesim (no mount into a running CT)
      } else {
        continue; // not hot-pluggable: stays pending
      }
      conf.props[opt] = value;
      delete conf.pending.props[opt];
    } catch (err) {
      fail(opt, err);
    }
  }
  return errors;
}
