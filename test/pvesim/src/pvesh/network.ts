// GET /nodes/{node}/network: the host's bridges and NICs the way PVE's Network API lists /etc/network/interfaces.
import fs from 'node:fs';
import { run } from '../common/run.js';

const SYS = '/sys/class/net';

interface HostIface {
  name: string;
  kind: 'bridge' | 'eth';
  up: boolean;
  cidr?: string;
  ports: string[];
}

function hostIfaces(): HostIface[] {
  const res: HostIface[] = [];
  const addrs = new Map<string, string>();
  const out = run('ip', ['-4', '-o', 'addr', 'show', 'scope', 'global']).stdout;
  for (const m of out.matchAll(/^\d+:\s+(\S+)\s+inet\s+(\S+)/gm)) if (!addrs.has(m[1]!)) addrs.set(m[1]!, m[2]!);
  for (const name of fs.readdirSync(SYS).sort()) {
    const bridge = fs.existsSync(`${SYS}/${name}/bridge`);
    // pvesim's own bridge(s) and physical-looking NICs; CT veths, lo and other virtual links are not in PVE's file
    const physical = fs.existsSync(`${SYS}/${name}/device`) || /^(eth|en)/.test(name);
    if (!(bridge && /^vmbr\d+$/.test(name)) && !(physical && !bridge)) continue;
    let up = false;
    try {
      up = (Number.parseInt(fs.readFileSync(`${SYS}/${name}/flags`, 'utf8').trim(), 16) & 1) === 1;
    } catch {
      /* gone meanwhile */
    }
    const ports = bridge ? fs.readdirSync(`${SYS}/${name}/brif`).filter((p) => !/^veth\d+i\d+$/.test(p)) : [];
    res.push({ name, kind: bridge ? 'bridge' : 'eth', up, cidr: addrs.get(name), ports });
  }
  return res;
}

/**
 * One entry per interface, keys as PVE returns them (active/autostart as 1, `families`, `method`, `method6`,
 * `priority` in file order; a configured IPv4 gives `address`, `netmask` (prefix length) and `cidr`).
 */
export function nodeNetwork(type: string | undefined): unknown[] {
  const list = hostIfaces();
  const res: Record<string, unknown>[] = [];
  list.forEach((i, idx) => {
    const e: Record<string, unknown> = {
      iface: i.name,
      type: i.kind,
      families: ['inet'],
      method: i.cidr ? 'static' : 'manual',
      method6: 'manual',
      priority: idx + 1,
      autostart: 1,
    };
    if (i.up) e.active = 1;
    if (i.kind === 'eth') e.exists = 1;
    if (i.cidr) {
      const [address, prefix] = i.cidr.split('/');
      e.address = address;
      e.netmask = prefix;
      e.cidr = i.cidr;
    }
    if (i.kind === 'bridge') {
      e.bridge_ports = i.ports.join(' ');
      e.bridge_stp = 'off';
      e.bridge_fd = '0';
    }
    res.push(e);
  });
  if (!type) return res;
  if (type === 'any_bridge' || type === 'any_local_bridge') return res.filter((e) => e.type === 'bridge' || e.type === 'OVSBridge');
  return res.filter((e) => e.type === type);
}
