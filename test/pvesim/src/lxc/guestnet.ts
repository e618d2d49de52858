// The CT-side network config PVE's Setup/Debian.pm writes: /etc/network/interfaces stanzas (static, dhcp, manual) per netN.
import fs from 'node:fs';
import path from 'node:path';
import type { CtSection } from '../ct/conffile.js';
import { parseNet } from '../ct/network.js';
import { MAX_NETS } from '../ct/options.js';
import { guestConfiguresNetwork } from './guestifupdown.js';
import { writeCtFile } from './rootfs.js';

interface Ipv4 {
  method: 'static' | 'dhcp' | 'manual';
  cidr?: string;
  gateway?: string;
}

/** One `iface <if> inet …` stanza, in Debian.pm's layout for Debian >= 10 (`address <cidr>`, then `gateway`). */
function stanza(ifname: string, v4: Ipv4): string {
  if (v4.method !== 'static') return `iface ${ifname} inet ${v4.method}\n\n`;
  let text = `iface ${ifname} inet static\n`;
  if (v4.cidr) text += `\taddress ${v4.cidr}\n`;
  if (v4.gateway) text += `\tgateway ${v4.gateway}\n`;
  return `${text}\n`;
}

/**
 * setup_network: keep the file's other content, replace the stanzas of the CT's interfaces (their
 * non-address attribute lines are kept), append missing ones, make sure `lo` is configured.
 */
export function renderInterfaces(existing: string, conf: CtSection): string {
  const nets = new Map<string, Ipv4>();
  for (let i = 0; i < MAX_NETS; i++) {
    const value = conf.props[`net${i}`];
    if (value === undefined) continue;
    const net = parseNet(value);
    if (!net.name || net.ip === undefined) continue;
    const method = net.ip === 'dhcp' || net.ip === 'manual' ? net.ip : 'static';
    nets.set(net.name, { method, cidr: method === 'static' ? net.ip : undefined, gateway: net.gw });
  }
  let out = '';
  const doneAuto = new Set<string>();
  const doneV4 = new Set<string>();
  let section: { ifname: string; attrs: string[] } | undefined;
  const flush = (): void => {
    if (!section) return;
    const { ifname, attrs } = section;
    if (!doneAuto.has(ifname)) {
      out += `auto ${ifname}\n`;
      doneAuto.add(ifname);
    }
    doneV4.add(ifname);
    let text = stanza(ifname, nets.get(ifname)!);
    if (attrs.length && nets.get(ifname)!.method === 'static') text = `${text.slice(0, -1)}${attrs.map((a) => `\t${a}\n`).join('')}\n`;
    out += text;
    section = undefined;
  };
  for (const line of existing.split('\n').slice(0, existing.endsWith('\n') ? -1 : undefined)) {
    if (/^# --- (?:BEGIN|END) PVE ---/.test(line)) continue;
    if (/^#/.test(line)) {
      out += `${line}\n`;
      continue;
    }
    if (/^\s*$/.test(line)) {
      if (section) flush();
      else out += `${line}\n`;
      continue;
    }
    const iface = /^\s*iface\s+(\S+)\s+inet\s+(\S+)\s*$/.exec(line);
    if (iface) {
      flush();
      if (nets.has(iface[1]!)) section = { ifname: iface[1]!, attrs: [] };
      else out += `${line}\n`;
      continue;
    }
    const auto = /^\s*auto\s*(.*)$/.exec(line);
    if (auto) {
      for (const name of auto[1]!.split(/\s+/).filter(Boolean)) doneAuto.add(name);
      flush();
      out += `${line}\n`;
      continue;
    }
    if (/^\s*(?:mapping\s|allow-|source\s|source-directory\s|iface\s)/.test(line)) {
      flush();
      out += `${line}\n`;
      continue;
    }
    const attr = /^\s*((\S+)\s(.*))$/.exec(line);
    if (section && attr) {
      if (!['address', 'netmask', 'gateway', 'broadcast'].includes(attr[2]!)) section.attrs.push(attr[1]!);
      continue;
    }
    out += `${line}\n`;
  }
  flush();
  let separator = out.length > 0 && !out.endsWith('\n\n');
  for (const ifname of [...nets.keys()].sort()) {
    if (doneV4.has(ifname)) continue;
    if (separator) {
      out += '\n';
      separator = false;
    }
    section = { ifname, attrs: [] };
    flush();
  }
  if (!doneAuto.has('lo')) out = `auto lo\niface lo inet loopback\niface lo inet6 loopback\n\n${out}`;
  return out;
}

/** Write the CT's /etc/network/interfaces (only for CTs whose ifupdown reads it). */
export function setupNetwork(rootdir: string, conf: CtSection, unprivileged: boolean): void {
  if (!guestConfiguresNetwork(rootdir, conf.props.ostype)) return;
  let existing = '';
  try {
    existing = fs.readFileSync(path.join(rootdir, 'etc/network/interfaces'), 'utf8');
  } catch {
    /* no file yet */
  }
  writeCtFile(rootdir, '/etc/network/interfaces', renderInterfaces(existing, conf), unprivileged);
}
