// container.resources: cores, memory (MB) and root disk size (GB), with the seed's ranges and defaults.
import { z } from 'zod';
import { intBetween } from './primitives.js';

export const resourcesSchema = z
  .object({
    cores: intBetween(1, 128).default(2),
    /** MB, as pct's --memory. */
    memory: intBetween(16, 524288).default(1024),
    /** GB of root disk, allocated as `<storage_pool>:<storage>`. */
    storage: intBetween(1, 8192).default(10),
  })
  .strict()
  .default({});

export type Resources = z.output<typeof resourcesSchema>;
