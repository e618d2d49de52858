// PVE's registered string formats (vmid, dns-name, IPs, MAC, disk-size, config id, ...) with their reason texts.
import net from 'node:net';

function fail(msg: string): never {
  throw new Error(msg);
}

export function verifyVmid(v: string): void {
  if (!/^[1-9][0-9]{2,8}$/.test(v)) fail('value does not look like a valid VM ID');
}

const DNS_LABEL = '[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?';
export function verifyDnsName(v: string): void {
  if (!new RegExp(`^(${DNS_LABEL}\\.)*${DNS_LABEL}$`).test(v)) fail('value does not look like a valid DNS name');
}

export function verifyDnsNameList(v: string): void {
  for (const name of v.split(/[;,\s]+/).filter(Boolean)) verifyDnsName(name);
}

export function verifyIpv4(v: string): void {
  if (!net.isIPv4(v)) fail('value does not look like a valid IPv4 address');
}

export function verifyIpv6(v: string): void {
  if (!net.isIPv6(v)) fail('value does not look like a valid IPv6 address');
}

export function verifyIpv4Config(v: string): void {
  if (v === 'dhcp' || v === 'manual') return;
  const m = /^([^/]+)\/(\d+)$/.exec(v);
  if (!m || !net.isIPv4(m[1]!) || Number(m[2]) < 8 || Number(m[2]) > 32) {
    fail('value does not look like a valid IPv4 network configuration');
  }
}

export function verifyIpv6Config(v: string): void {
  if (v === 'auto' || v === 'dhcp' || v === 'manual') return;
  const m = /^([^/]+)\/(\d+)$/.exec(v);
  if (!m || !net.isIPv6(m[1]!) || Number(m[2]) < 8 || Number(m[2]) > 128) {
    fail('value does not look like a valid IPv6 network configuration');
  }
}

export function verifyIpList(v: string): void {
  for (const ip of v.split(/[;,\s]+/).filter(Boolean)) {
    const addr = ip.replace(/%[\w.-]+$/, '');
    if (!net.isIP(addr)) fail('value does not look like a valid IP address');
  }
}

export function verifyMacAddr(v: string): void {
  if (!/^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$/i.test(v)) fail('value does not look like a valid unicast MAC address');
}

export function verifyConfigId(v: string): void {
  if (!/^[a-z][a-z0-9_-]+$/i.test(v)) fail(`invalid configuration ID '${v}'`);
}

export function verifyStartup(v: string): void {
  if (!/^(?:(?:order=)?\d+)?(?:,?up=\d+)?(?:,?down=\d+)?$/.test(v) || v === '') {
    fail('value does not look like a valid startup order');
  }
}

export function verifyTagList(v: string): void {
  for (const tag of v.split(/[;,\s]+/).filter(Boolean)) {
    if (!/^[a-z0-9_][a-z0-9_\-+.]*$/i.test(tag)) fail(`invalid characters in tag '${tag}'`);
  }
}

export function verifyVolumeId(v: string): void {
  if (!/^([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)$/i.test(v)) fail(`unable to parse volume ID '${v}'`);
}

export function verifyTimezone(v: string): void {
  if (v === 'host' || v === 'UTC') return;
  if (!/^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/.test(v)) fail(`invalid time zone '${v}'`);
}

const UNITS: Record<string, number> = { K: 1, M: 2, G: 3, T: 4 };

/** parse_size: `<n>[.<m>][K|M|G|T|KiB..TiB]`; a plain number is bytes. */
export function parseSize(v: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT])?(?:iB)?$/.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] ? Math.round(n * 1024 ** UNITS[m[2]]!) : Math.round(n);
}

export function verifyDiskSize(v: string): void {
  if (parseSize(v) === undefined) fail(`value '${v}' is not a valid disk size`);
}

/** format_size: the largest unit in which the size is a whole number (`8G`, `512M`, `1536K`). */
export function formatSize(bytes: number): string {
  for (const [unit, exp] of [['T', 4], ['G', 3], ['M', 2], ['K', 1]] as const) {
    const div = 1024 ** exp;
    if (bytes >= div && bytes % div === 0) return `${bytes / div}${unit}`;
  }
  return String(bytes);
}
