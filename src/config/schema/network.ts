// container.network: bridge, IPv4 (dhcp or CIDR) with gateway, optional IPv6 — the formats pct's net0 accepts.
import { z } from 'zod';
import { show } from '../problems/show.js';
import { isIPv4, isIPv6, parseCidr4, parseCidr6, reservedHostAddress } from './net.js';

/** pct's bridge format is `[-_.\w\d]+`; Linux interface names are at most 15 characters. */
const BRIDGE = /^[-_.A-Za-z0-9]{1,15}$/;

const ipv4Config = z.string().superRefine((s, ctx) => {
  if (s === 'dhcp') return;
  const c = parseCidr4(s);
  if ('error' in c) {
    ctx.addIssue({ code: 'custom', message: `${show(s)} is not a CIDR or "dhcp" (${c.error})` });
    return;
  }
  const reserved = reservedHostAddress(c);
  if (reserved) ctx.addIssue({ code: 'custom', message: `${show(s)} is the ${reserved} address of its subnet, not a host address` });
});

const ipv4Address = z.string().superRefine((s, ctx) => {
  if (isIPv4(s)) return;
  const hint = s.includes('/') ? ' (a gateway has no prefix length)' : '';
  ctx.addIssue({ code: 'custom', message: `${show(s)} is not an IPv4 address${hint}` });
});

const ipv6Config = z.string().superRefine((s, ctx) => {
  if (s === 'auto' || s === 'dhcp') return;
  const c = parseCidr6(s);
  if ('error' in c) ctx.addIssue({ code: 'custom', message: `${show(s)} is not an IPv6 CIDR, "auto" or "dhcp" (${c.error})` });
});

const ipv6Address = z.string().superRefine((s, ctx) => {
  if (!isIPv6(s) || s.includes('%')) ctx.addIssue({ code: 'custom', message: `${show(s)} is not an IPv6 address` });
});

export const networkSchema = z
  .object({
    bridge: z
      .string()
      .superRefine((s, ctx) => {
        if (!BRIDGE.test(s)) ctx.addIssue({ code: 'custom', message: `${show(s)} is not a bridge name: letters, digits, "-", "_" and ".", at most 15 characters` });
      })
      .default('vmbr0'),
    /** `dhcp` or a static `address/prefix` (prefix 8..32, as pct requires). */
    ip: ipv4Config.default('dhcp'),
    /** Only with a static ip (rule in rules.ts): with DHCP the server hands out the gateway. */
    gateway: ipv4Address.optional(),
    ip6: ipv6Config.optional(),
    gw6: ipv6Address.optional(),
  })
  .strict()
  .default({});

export type NetworkConfig = z.output<typeof networkSchema>;
