// container.devices: host device passthrough (pct devN): path under /dev/, node mode, owner and deny-write in the container.
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

/** pct devN `mode`: the octal permissions of the device node inside the CT, e.g. "0660" (pve-cli.md §3.5). */
const mode = z.preprocess(
  (v) => (typeof v === 'number' ? `0${v.toString(8)}` : v),
  z.string().superRefine((m, ctx) => {
    if (!/^0?[0-7]{3,4}$/.test(m)) ctx.addIssue({ code: 'custom', message: `${show(m)} is not an octal file mode like "0660"` });
  }),
);

export const deviceSchema = z
  .object({
    path: devicePath,
    /** Permissions of the node inside the CT; pct's default (the host node's) when absent. */
    mode: mode.optional(),
    /** pct `deny-write`: the CT may read the device but not write it. */
    read_only: z.boolean().default(false),
    /** Owner inside the CT; for /dev/dri/* the gid of `render`/`video` there is looked up when absent. */
    uid: intBetween(0, MAX_UNIX_ID).optional(),
    gid: intBetween(0, MAX_UNIX_ID).optional(),
    /** Informational: pct reads the numbers from the host device; when given, both are needed (rules.ts). */
    major: intBetween(0, 4095).optional(),
    minor: intBetween(0, 1048575).optional(),
  })
  .strict();

export type Device = z.output<typeof deviceSchema>;

export const devicesSchema = z.array(deviceSchema).max(MAX_DEVICES).default([]);
