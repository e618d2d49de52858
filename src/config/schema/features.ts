// container.features: the pct `features` flags (nesting, keyctl, fuse, mknod, mount types).
import { z } from 'zod';
import { matching } from './primitives.js';

export const featuresSchema = z
  .object({
    nesting: z.boolean().default(false),
    /** Only for unprivileged containers (pct refuses it otherwise); checked in rules.ts. */
    keyctl: z.boolean().default(false),
    fuse: z.boolean().default(false),
    mknod: z.boolean().default(false),
    /** File system types the container may mount (pct `mount=nfs;cifs`). */
    mount: z.array(matching(/^[a-z0-9][a-z0-9_.]*$/, 'is not a file system type (e.g. nfs, cifs)')).default([]),
  })
  .strict()
  .default({});

export type Features = z.output<typeof featuresSchema>;
