// IPv4/IPv6 address and CIDR parsing used by the network and tailscale schemas (pure functions, no zod).
import { isIPv6 } from 'node:net';

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);

/** Dotted quad with each octet 0..255 and no leading zeros (which some tools read as octal). */
export function isIPv4(s: string): boolean {
  return IPV4.test(s);
}

export function ipv4ToInt(s: string): number {
  return s.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

export function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export interface Cidr4 {
  address: string;
  prefix: number;
}

/** Parse `a.b.c.d/n`; the reason it is not one otherwise. Prefix bounds follow pct's net ip (8..32). */
export function parseCidr4(s: string, minPrefix = 8): Cidr4 | { error: string } {
  const slash = s.indexOf('/');
  if (slash < 0) return { error: isIPv4(s) ? `add a prefix length, e.g. "${s}/24"` : 'expected address/prefix, e.g. "10.0.0.5/24"' };
  const address = s.slice(0, slash);
  const prefixText = s.slice(slash + 1);
  if (!isIPv4(address)) return { error: `"${address}" is not an IPv4 address` };
  if (!/^\d{1,2}$/.test(prefixText)) return { error: `prefix length must be ${minPrefix}..32` };
  const prefix = Number(prefixText);
  if (prefix < minPrefix || prefix > 32) return { error: `prefix length must be ${minPrefix}..32` };
  return { address, prefix };
}

/** Network address of `address/prefix`. */
export function networkOf(c: Cidr4): number {
  const size = 2 ** (32 - c.prefix);
  return Math.floor(ipv4ToInt(c.address) / size) * size;
}

/** "network" / "broadcast" when a host address is one of those (only meaningful for prefixes up to /30). */
export function reservedHostAddress(c: Cidr4): 'network' | 'broadcast' | undefined {
  if (c.prefix > 30) return undefined;
  const n = ipv4ToInt(c.address);
  const net = networkOf(c);
  if (n === net) return 'network';
  if (n === net + 2 ** (32 - c.prefix) - 1) return 'broadcast';
  return undefined;
}

export { isIPv6 };

/** Parse `addr/n` for IPv6 with prefix in [minPrefix, 128]. */
export function parseCidr6(s: string, minPrefix = 8): { address: string; prefix: number } | { error: string } {
  const slash = s.indexOf('/');
  if (slash < 0) return { error: isIPv6(s) ? `add a prefix length, e.g. "${s}/64"` : 'expected address/prefix, e.g. "fd00::5/64"' };
  const address = s.slice(0, slash);
  const prefixText = s.slice(slash + 1);
  if (!isIPv6(address) || address.includes('%')) return { error: `"${address}" is not an IPv6 address` };
  if (!/^\d{1,3}$/.test(prefixText)) return { error: `prefix length must be ${minPrefix}..128` };
  const prefix = Number(prefixText);
  if (prefix < minPrefix || prefix > 128) return { error: `prefix length must be ${minPrefix}..128` };
  return { address, prefix };
}
