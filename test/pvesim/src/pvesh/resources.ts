// The API objects pvesh serves: cluster resources, next free vmid, nodes, node status, a node's CTs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ParamError, PveError } from '../common/errors.js';
import { simPaths } from '../common/paths.js';
import { loadConfig, listVmids, clusterNodes, locateGuest } from '../ct/store.js';
import { vmstatus, type VmStatus } from '../ct/vmstatus.js';
import { mergedSection } from '../ct/pending.js';
import { optionDef } from '../ct/options.js';
import { runningVmids } from '../lxc/state.js';
import { readStorageConfig } from '../storage/storagecfg.js';
import { storageStatus } from '../storage/status.js';

export const PVE_VERSION = { version: '9.1.1', release: '9.1', repoid: '42db4a6cf33dac83' };

function hostUptime(): number {
  return Math.floor(Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]));
}

/** `12G`, `512M`, `1048576` → bytes (powers of 1024). */
function simBytes(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)$/i.exec(text.trim());
  if (!m) throw new PveError(`pvesim: bad size '${text}' in sim-memory\n`);
  return Math.round(Number(m[1]) * 1024 ** ' KMGT'.indexOf((m[2] || ' ').toUpperCase()));
}

/**
 * Test knob: `etc/pve/nodes/<node>/sim-memory` (`total=16G`, `available=12G` lines) makes a node report
 * that memory instead of this host's, so nodes can differ in free memory (placement tests).
 */
function simMemory(node: string): Record<string, number> | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(simPaths().nodesDir, node, 'sim-memory'), 'utf8');
  } catch {
    return undefined;
  }
  const kv = Object.fromEntries(text.split('\n').map((l) => l.split('=').map((x) => x.trim())).filter((p) => p.length === 2 && p[0]));
  const total = simBytes(kv.total ?? '0');
  const available = kv.available === undefined ? total : simBytes(kv.available);
  return { MemTotal: total, MemAvailable: available, MemFree: available };
}

function memInfo(node?: string): Record<string, number> {
  const info: Record<string, number> = {};
  for (const line of fs.readFileSync('/proc/meminfo', 'utf8').split('\n')) {
    const m = /^(\w+):\s+(\d+)/.exec(line);
    if (m) info[m[1]!] = Number(m[2]) * 1024;
  }
  return { ...info, ...(node === undefined ? {} : simMemory(node)) };
}

function rootfsUsage(): { total: number; used: number; avail: number; free: number } {
  const st = fs.statfsSync('/');
  return { total: st.blocks * st.bsize, used: (st.blocks - st.bfree) * st.bsize, avail: st.bavail * st.bsize, free: st.bfree * st.bsize };
}

/** Node names pvesh knows: `localhost` means the local node. */
export function resolveNode(node: string): string {
  if (node === 'localhost') return simPaths().node;
  if (!clusterNodes().includes(node)) throw new ParamError({ node: `no such cluster node '${node}'` });
  return node;
}

function guestStatuses(node: string, running: Set<number>): VmStatus[] {
  const res: VmStatus[] = [];
  for (const vmid of listVmids(node)) {
    let conf;
    try {
      conf = loadConfig(vmid, node);
    } catch {
      continue;
    }
    res.push(vmstatus(vmid, conf, running.has(vmid), false));
  }
  return res;
}

function guestResource(node: string, s: VmStatus): Record<string, unknown> {
  const r: Record<string, unknown> = {
    id: `lxc/${s.vmid}`,
    vmid: s.vmid,
    node,
    type: 'lxc',
    status: s.status,
    name: s.name,
    template: s.template ? 1 : 0,
    maxcpu: s.cpus,
    cpu: s.cpu,
    maxmem: s.maxmem,
    mem: s.mem,
    maxdisk: s.maxdisk,
    disk: s.disk,
    netin: s.netin,
    netout: s.netout,
    diskread: s.diskread,
    diskwrite: s.diskwrite,
    uptime: s.uptime,
  };
  if (s.tags) r.tags = s.tags;
  if (s.lock) r.lock = s.lock;
  return r;
}

function nodeSummary(node: string): Record<string, unknown> {
  const mem = memInfo(node);
  const root = rootfsUsage();
  return {
    id: `node/${node}`,
    node,
    type: 'node',
    status: 'online',
    level: '',
    maxcpu: os.cpus().length,
    cpu: Number((os.loadavg()[0]! / os.cpus().length).toFixed(4)),
    maxmem: mem.MemTotal ?? 0,
    mem: (mem.MemTotal ?? 0) - (mem.MemAvailable ?? 0),
    maxdisk: root.total,
    disk: root.used,
    uptime: hostUptime(),
  };
}

export function clusterResources(type: string | undefined): unknown[] {
  const res: unknown[] = [];
  if (!type || type === 'vm') {
    const running = runningVmids();
    for (const node of clusterNodes()) for (const s of guestStatuses(node, running)) res.push(guestResource(node, s));
  }
  if (!type || type === 'node') for (const node of clusterNodes()) res.push(nodeSummary(node));
  if (!type || type === 'storage') {
    for (const node of clusterNodes()) {
      for (const def of readStorageConfig().values()) {
        if (def.nodes && !def.nodes.includes(node)) continue;
        const st = storageStatus(def);
        res.push({
          id: `storage/${node}/${def.id}`,
          storage: def.id,
          node,
          type: 'storage',
          status: def.disabled ? 'unknown' : 'available',
          plugintype: def.type,
          content: [...def.content].sort().join(','),
          shared: def.shared ? 1 : 0,
          maxdisk: st.total,
          disk: st.used,
        });
      }
    }
  }
  return res;
}

function nextIdRange(): [number, number] {
  let lower = 100;
  let upper = 1000000;
  try {
    const m = /^next-id:\s*(.*)$/m.exec(fs.readFileSync(simPaths().datacenterCfg, 'utf8'));
    for (const part of (m?.[1] ?? '').split(',')) {
      const [k, v] = part.split('=');
      if (k?.trim() === 'lower') lower = Number(v);
      if (k?.trim() === 'upper') upper = Number(v);
    }
  } catch {
    /* defaults */
  }
  return [lower, upper];
}

export function nextId(vmid: string | undefined): string {
  if (vmid !== undefined) {
    if (locateGuest(Number(vmid))) throw new ParamError({ vmid: `VM ${vmid} already exists` });
    return vmid;
  }
  const [lower, upper] = nextIdRange();
  for (let id = lower; id < upper; id++) if (!locateGuest(id)) return String(id);
  throw new PveError(`unable to get any free VMID in range [${lower}, ${upper}]\n`);
}

export function nodesList(): unknown[] {
  return clusterNodes().map((n) => {
    const s = nodeSummary(n);
    delete s.type;
    return s;
  });
}

export function nodeStatus(node: string = simPaths().node): Record<string, unknown> {
  const mem = memInfo(node);
  const cpus = os.cpus();
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const field = (k: string): string => new RegExp(`^${k}\\s*:\\s*(.*)$`, 'm').exec(cpuinfo)?.[1] ?? '';
  const sockets = new Set([...cpuinfo.matchAll(/^physical id\s*:\s*(\d+)/gm)].map((m) => m[1])).size || 1;
  const uname = { sysname: os.type(), release: os.release(), version: os.version(), machine: os.machine() };
  return {
    uptime: hostUptime(),
    idle: 0,
    wait: 0,
    cpu: Number((os.loadavg()[0]! / cpus.length).toFixed(4)),
    loadavg: os.loadavg().map((l) => l.toFixed(2)),
    kversion: `${uname.sysname} ${uname.release} ${uname.version}`,
    'current-kernel': uname,
    'boot-info': { mode: fs.existsSync('/sys/firmware/efi') ? 'efi' : 'legacy-bios' },
    cpuinfo: {
      user_hz: 100,
      vendor: field('vendor_id'),
      family: field('cpu family'),
      model: field('model name'),
      mhz: field('cpu MHz'),
      cpus: cpus.length,
      sockets,
      cores: Math.max(1, Math.floor(cpus.length / sockets)),
      flags: field('flags'),
      hvm: /\b(vmx|svm)\b/.test(field('flags')) ? '1' : '0',
    },
    memory: { total: mem.MemTotal ?? 0, free: mem.MemFree ?? 0, available: mem.MemAvailable ?? 0, used: (mem.MemTotal ?? 0) - (mem.MemAvailable ?? 0) },
    ksm: { shared: 0 },
    swap: { total: mem.SwapTotal ?? 0, free: mem.SwapFree ?? 0, used: (mem.SwapTotal ?? 0) - (mem.SwapFree ?? 0) },
    pveversion: `pve-manager/${PVE_VERSION.version}/${PVE_VERSION.repoid}`,
    rootfs: rootfsUsage(),
  };
}

export function nodeLxcList(node: string): unknown[] {
  const running = runningVmids();
  return guestStatuses(node, running).map((s) => {
    const r: Record<string, unknown> = { ...s };
    delete r.pid;
    return r;
  });
}

export function lxcStatusCurrent(node: string, vmid: number): unknown {
  const s = vmstatus(vmid, loadConfig(vmid, node));
  return { ...s, ha: { managed: 0 } };
}

/** GET /nodes/{node}/lxc/{vmid}/config: the (pending-merged) config as an object, raw lxc entries as pairs. */
export function lxcConfig(node: string, vmid: number, current: boolean): unknown {
  const conf = loadConfig(vmid, node);
  const section = current ? conf : mergedSection(conf);
  const res: Record<string, unknown> = { digest: conf.digest };
  for (const [k, v] of Object.entries(section.props)) {
    const type = optionDef(k)?.type;
    res[k] = type === 'integer' || type === 'boolean' || type === 'number' ? Number(v) : v;
  }
  if (section.description !== undefined) res.description = section.description;
  if (section.lxc.length) res.lxc = section.lxc;
  return res;
}

/** GET /nodes/{node}/storage [--content a,b] [--enabled] [--storage id]: like `pvesm status`, as objects. */
export function nodeStorage(filter: Record<string, string> = {}): unknown[] {
  const wanted = filter.content?.split(',').filter(Boolean);
  return [...readStorageConfig().values()]
    .filter((d) => !filter.storage || d.id === filter.storage)
    .filter((d) => !wanted || wanted.some((c) => d.content.has(c)))
    .filter((d) => filter.enabled !== '1' || !d.disabled)
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((d) => {
      const st = storageStatus(d);
      return {
        storage: d.id,
        type: d.type,
        content: [...d.content].sort().join(','),
        active: st.active ? 1 : 0,
        enabled: d.disabled ? 0 : 1,
        shared: d.shared ? 1 : 0,
        total: st.total,
        used: st.used,
        avail: st.avail,
        used_fraction: st.total ? st.used / st.total : 0,
      };
    });
}
