// The `provisioning:` section: packages, docker, tailscale, scripts, root SSH keys and users.
import { z } from 'zod';
import { matching } from './primitives.js';
import { scriptSchema } from './scripts.js';
import { sshKeyListSchema } from './ssh-keys.js';
import { tailscaleSchema } from './tailscale.js';
import { userSchema } from './users.js';

/**
 * apt/apk/dnf package names, optionally pinned (`nginx=1.22.1-9`). Starting with a letter or digit
 * also keeps a name from being read as an option by the package manager.
 */
const PACKAGE = /^[A-Za-z0-9][A-Za-z0-9+._-]*(?:=[A-Za-z0-9][A-Za-z0-9+.~:_-]*)?$/;

export const provisioningSchema = z
  .object({
    packages: z
      .array(matching(PACKAGE, 'is not a package name'))
      .transform((names) => [...new Set(names)])
      .default([]),
    /** Needs container.features.nesting (rules.ts). */
    docker: z.boolean().default(false),
    tailscale: tailscaleSchema.optional(),
    scripts: z.array(scriptSchema).default([]),
    /** Keys for root. */
    ssh_keys: sshKeyListSchema,
    users: z.array(userSchema).default([]),
  })
  .strict()
  .default({});

export type ProvisioningConfig = z.output<typeof provisioningSchema>;
