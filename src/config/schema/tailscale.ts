// provisioning.tailscale: auth key (secret), node name, route options for `tailscale up`.
import { z } from 'zod';
import { show } from '../problems/show.js';
import { intToIpv4, isIPv6, networkOf, parseCidr4 } from './net.js';
import { dnsLabel } from './primitives.js';

/** `tailscale up --advertise-routes` refuses prefixes with host bits set and default routes (those need --advertise-exit-node). */
const route = z.string().superRefine((s, ctx) => {
  if (s.includes(':')) {
    const [addr = '', prefixText = ''] = s.split('/');
    const prefix = Number(prefixText);
    if (!isIPv6(addr) || !/^\d{1,3}$/.test(prefixText) || prefix < 1 || prefix > 128) {
      ctx.addIssue({ code: 'custom', message: `${show(s)} is not a CIDR route (e.g. "10.0.0.0/24" or "fd00::/64")` });
    }
    return;
  }
  if (s === '0.0.0.0/0') {
    ctx.addIssue({ code: 'custom', message: '"0.0.0.0/0" is a default route: tailscale only offers it through an exit node, which pxdeploy does not set up' });
    return;
  }
  const c = parseCidr4(s, 1);
  if ('error' in c) {
    ctx.addIssue({ code: 'custom', message: `${show(s)} is not a CIDR route (${c.error})` });
    return;
  }
  const network = intToIpv4(networkOf(c));
  if (network !== c.address) ctx.addIssue({ code: 'custom', message: `${show(s)} has host bits set (did you mean "${network}/${c.prefix}"?)` });
});

export const tailscaleSchema = z
  .object({
    /** Secret: never echoed in messages, listed by secretValues(). Usually `${TAILSCALE_AUTH_KEY}`. */
    auth_key: z
      .string()
      .min(1)
      .superRefine((k, ctx) => {
        // An empty key already got "must not be empty" (min(1) does not stop refinements).
        if (k !== '' && !/^tskey-[A-Za-z0-9_-]+$/.test(k)) ctx.addIssue({ code: 'custom', message: 'does not look like a Tailscale auth key (they start with "tskey-")' });
      }),
    hostname: dnsLabel().optional(),
    accept_routes: z.boolean().default(false),
    advertise_routes: z.array(route).default([]),
    shields_up: z.boolean().default(false),
  })
  .strict();

export type TailscaleConfig = z.output<typeof tailscaleSchema>;
