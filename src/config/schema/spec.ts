// The whole container spec file (version, container, provisioning) and the types derived from it.
import { z } from 'zod';
import { show } from '../problems/show.js';
import { containerSchema } from './container.js';
import { provisioningSchema } from './provisioning.js';

export const SPEC_VERSION = '1.0';

/** Absent means the current version; `1.0` unquoted is read by YAML as the number 1, so that counts too. */
const versionSchema = z.unknown().transform((v, ctx) => {
  if (v === undefined || v === '1.0' || v === '1' || v === 1) return SPEC_VERSION;
  ctx.addIssue({ code: 'custom', message: `unsupported version ${show(v)} (this pxdeploy reads version "${SPEC_VERSION}")` });
  return z.NEVER;
});

export const containerSpecSchema = z
  .object({
    version: versionSchema,
    container: containerSchema,
    provisioning: provisioningSchema,
  })
  .strict();

/** A validated container spec with every default applied and mount point ids assigned. */
export type ContainerSpec = z.output<typeof containerSpecSchema>;
