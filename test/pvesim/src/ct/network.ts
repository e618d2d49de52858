// netN values: parse, normalise (type=veth, generated BC:24:11 MAC) and print with `name` first.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { simPaths } from '../common/paths.js';
import { parsePropertyString, printPropertyString } from '../common/schema.js';
import { netFormat } from './options.js';

export type NetConf = Record<string, string>;

function macPrefix(): string {
  try {
    const m = /^mac_prefix:\s*(\S+)/m.exec(fs.readFileSync(simPaths().datacenterCfg, 'utf8'));
    if (m) return m[1]!;
  } catch {
    /* default prefix */
  }
  return 'BC:24:11';
}

/** PVE::Tools::random_ether_addr with the datacenter mac_prefix. */
export function randomMac(prefix = macPrefix()): string {
  const rand = crypto.randomBytes(6);
  rand[0] = (rand[0]! & 0xfe) | 2;
  const addr = [...rand].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':');
  return prefix.toUpperCase() + addr.slice(prefix.length);
}

/** parse_lxc_network: always type=veth, a MAC when none is set. */
export function parseNet(value: string): NetConf {
  const net = parsePropertyString(netFormat, value);
  net.type = 'veth';
  if (!net.hwaddr) net.hwaddr = randomMac();
  return net;
}

export function printNet(net: NetConf): string {
  return printPropertyString(net, netFormat);
}

export function normalizeNet(value: string): string {
  return printNet(parseNet(value));
}
