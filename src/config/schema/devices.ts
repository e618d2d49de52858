// container.devices: host device passthrough (pct devN), path under /dev/, access mode and owner in the container.
import { z } from 'zod';
import { show } from '../problems/show.js';
import { intBetween, MAX_UNIX_ID } from './primitives.js';

export const MAX_DEVICES = 256;

const devicePath = z.string().superRefine((p, ctx) => {
  // pct's own rule (pve-cli.md §3.5): under /dev/, and no `/.` anywhere (so no `.`/`..` components).
  if (!p.startsWith('/dev/') || p.length <= 5 || p.includes('/.') || /[\0\n\r,;=\s]/.test(p)) {
    ctx.addIssue({ code: 'custom', message: `${show(p)} is not a valid device path: it must be under /dev/ with no "." or ".." components` });
  }
});

const mode = z
  .enum(['rw', 'r', 'w'])
  .superRefine((m, ctx) => {
    // pct devN offers read-write or deny-write (read-only) and nothing else.
    if (m === 'w') ctx.addIssue({ code: 'custom', message: '"w" (write-only) cannot be set through pct, which offers rw or r (deny-write); use rw or r' });
  })
  .transform((m) => m as 'rw' | 'r');

export const deviceSchema = z
  .object({
    path: devicePath,
    mode: mode.default('rw'),
    uid: intBetween(0, MAX_UNIX_ID).default(0),
    gid: intBetween(0, MAX_UNIX_ID).default(0),
    /** Informational: pct reads the numbers from the host device; when given, both are needed (rules.ts). */
    major: intBetween(0, 4095).optional(),
    minor: intBetween(0, 1048575).optional(),
  })
  .strict();

export type Device = z.output<typeof deviceSchema>;

export const devicesSchema = z.array(deviceSchema).max(MAX_DEVICES).default([]);
