// container.resources: cores, memory (MB), swap (MB) and root disk size (GB), with the seed's ranges and defaults.
import { z } from 'zod';
import { intBetween } from './primitives.js';

export const resourcesSchema = z
  .object({
    cores: intBetween(1, 128).default(2),
    /** MB, as pct's --memory. */
    memory: intBetween(16, 524288).default(1024),
    /** MB, as pct's --swap (PVE's default 512). */
    swap: intBetween(0, 524288).default(512),
    /** GB of root disk, allocated as `<storage_pool>:<disk>` (a storage is always an id, never a size). */
    disk: intBetween(1, 8192).default(10),
  })
  .strict()
  .default({});

export type Resources = z.output<typeof resourcesSchema>;
