// The whole container spec file (version, container, provisioning) and the types derived from it.
import { z } from 'zod';
import { show } from '../problems/show.js';
import { containerSchema } from './container.js';
import { provisioningSchema } from './provisioning.js';
import { scriptSchema } from './scripts.js';

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
    /**
     * Scripts run in each clone of a template built from this spec (after its network is up), like
     * provisioning scripts. Optional rather than defaulted, so specs without it hash as before.
     */
    post_clone: z
      .array(scriptSchema)
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((s, i) => {
          if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `script name "${s.name}" is used twice` });
          seen.add(s.name);
        });
      })
      .optional(),
  })
  .strict();

/** A validated container spec with every default applied and mount point ids assigned. */
export type ContainerSpec = z.output<typeof containerSpecSchema>;
