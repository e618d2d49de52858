// The whole catalog package file (`packages/<name>.yml`): common fields plus an `oci:` and/or a `bluegreen:` description.
import { z } from 'zod';
import { bluegreenSchema } from './schema/bluegreen.js';
import { ociSchema } from './schema/oci.js';
import { httpUrl, packageName, text } from './schema/primitives.js';

export const packageSchema = z
  .object({
    name: packageName(),
    description: text(),
    homepage: httpUrl().optional(),
    /** Where the facts in this file were looked up (image, ports, health, env). */
    sources: z.array(httpUrl()).min(1),
    /** Search words. */
    tags: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'tags are lower-case words (letters, digits, "-")')).default([]),
    oci: ociSchema.optional(),
    bluegreen: bluegreenSchema.optional(),
  })
  .strict();

export type Package = z.output<typeof packageSchema>;
export type { OciApp, OciPort, OciVolume } from './schema/oci.js';
export type { BlueGreenApp, ServiceComponent, FrontendComponent } from './schema/bluegreen.js';
export type { EnvVar } from './schema/env.js';
export type { HealthCheck } from './schema/health.js';
export type { Trap } from './schema/traps.js';
export type { Artifact, ComponentSource } from './schema/source.js';
export { DATABASE_TYPES } from './schema/bluegreen.js';
export { TRAP_KINDS } from './schema/traps.js';
