// The LXC (vztmpl) backend: the template resolved by preflight, "up" = an IPv4 address on eth0 and systemd settled.
import type { ContainerBackend } from '../types.js';
import { waitForCtUp } from '../../containers/wait.js';

/** DHCP on a slow LAN plus a full systemd boot: generous, and only ever reached when something is wrong. */
const UP_DEADLINE_MS = 120_000;

export function lxcBackend(ostemplate: string): ContainerBackend {
  return {
    kind: 'lxc',
    template: async () => ({ ostemplate, release: async () => {} }),
    waitUp: async (ctx, vmid) => {
      const up = await waitForCtUp(ctx, vmid, UP_DEADLINE_MS);
      return { ip: up.ip, state: up.systemd };
    },
  };
}
