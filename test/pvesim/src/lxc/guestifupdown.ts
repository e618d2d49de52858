// Whether a CT configures its own addresses with ifupdown (then LXC must not), kept apart to avoid an import cycle with lxcconf.
import fs from 'node:fs';
import path from 'node:path';

const IFUPDOWN_OSTYPES = new Set(['debian', 'devuan', 'ubuntu']);

/**
 * True when the CT's own ifupdown configures its addresses from /etc/network/interfaces (a Debian-like
 * ostype with ifup installed), as on PVE; then pvesim leaves the addresses out of the LXC config.
 */
export function guestConfiguresNetwork(rootdir: string, ostype: string | undefined): boolean {
  if (!IFUPDOWN_OSTYPES.has(ostype ?? '')) return false;
  return ['usr/sbin/ifup', 'sbin/ifup'].some((p) => {
    try {
      return fs.lstatSync(path.join(rootdir, p)).isFile();
    } catch {
      return false;
    }
  });
}

