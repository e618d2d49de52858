// Known problems of a real image that preflight must catch, each as data it can act on (work around, or refuse with the reason).
import { z } from 'zod';
import { intBetween, MAX_UNIX_ID } from '../../config/schema/primitives.js';
import { envName, text } from './primitives.js';

const reason = text();
const id = intBetween(0, MAX_UNIX_ID);

/**
 * The image's `User` cannot be resolved through its own /etc/passwd (a `FROM scratch` image).
 * pve-container ≥ 6.1.0 looks the user up there at create (Create.pm resolve_oci_user): with no passwd
 * a numeric user keeps its uid but gets no gid, and a named user resolves to nothing.
 * `numeric_ids`: pxdeploy writes `lxc.init.uid`/`lxc.init.gid` itself; `refuse`: stop with `reason`.
 */
const userWithoutPasswd = z
  .object({
    kind: z.literal('user_without_passwd'),
    image_user: z.string().min(1),
    uid: id,
    gid: id,
    action: z.enum(['numeric_ids', 'refuse']),
    reason,
  })
  .strict();

/**
 * The app needs a service the image does not contain (a database, a cache). `refuse` unless every
 * variable in `env` is given (they point the app at the service); `warn` only tells the user.
 */
const requiresService = z
  .object({
    kind: z.literal('requires_service'),
    service: z.string().min(1),
    env: z.array(envName()).default([]),
    action: z.enum(['refuse', 'warn']),
    reason,
  })
  .strict();

/** A volume must belong to the image's non-root user; `chown`: pxdeploy chowns it (mapped for unprivileged CTs). */
const volumeOwner = z
  .object({
    kind: z.literal('volume_owner'),
    volume: z.string().min(1),
    uid: id,
    gid: id,
    action: z.enum(['chown', 'refuse']),
    reason,
  })
  .strict();

/** Anything else worth knowing at preflight; printed, never blocking. */
const warning = z
  .object({
    kind: z.literal('warn'),
    reason,
  })
  .strict();

export const TRAP_KINDS = ['user_without_passwd', 'requires_service', 'volume_owner', 'warn'] as const;

export const trapSchema = z.discriminatedUnion('kind', [userWithoutPasswd, requiresService, volumeOwner, warning], {
  errorMap: (issue, ctx) =>
    issue.code === 'invalid_union_discriminator'
      ? { message: `kind must be one of ${TRAP_KINDS.join(', ')}` }
      : { message: ctx.defaultError },
});

export type Trap = z.output<typeof trapSchema>;
