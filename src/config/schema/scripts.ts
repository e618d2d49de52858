// provisioning.scripts: named scripts run in the container with an interpreter, user, directory, environment and timeout.
import { z } from 'zod';
import { show } from '../problems/show.js';
import { isEnvName } from '../yaml/interpolate.js';
import { absolutePath, intBetween, linuxName } from './primitives.js';

/** Names end up in file names inside the container (/tmp/pxdeploy-<name>) and in the operation log. */
const SCRIPT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const envName = z.string().superRefine((k, ctx) => {
  if (!isEnvName(k)) ctx.addIssue({ code: 'custom', message: `${show(k)} is not a valid environment variable name (letters, digits and "_", not starting with a digit)` });
});

/** Numbers and booleans are accepted as YAML writes them (`PORT: 8080`) and passed on as text. */
const envValue = z.unknown().transform((v, ctx) => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  ctx.addIssue({ code: 'custom', message: `must be a string, number or true/false, got ${show(v)}` });
  return z.NEVER;
});

export const INTERPRETERS = ['bash', 'sh', 'python3'] as const;

export const scriptSchema = z
  .object({
    name: z.string().superRefine((s, ctx) => {
      if (!SCRIPT_NAME.test(s)) ctx.addIssue({ code: 'custom', message: `${show(s)} is not a script name: letters, digits, ".", "_" and "-", at most 64 characters` });
    }),
    interpreter: z.enum(INTERPRETERS).default('bash'),
    /** Taken literally: `${VAR}` here is the script's own shell syntax, not interpolated from pxdeploy's environment. */
    content: z.string().min(1),
    run_as: linuxName('user').default('root'),
    working_dir: absolutePath().optional(),
    environment: z.record(envName, envValue).default({}),
    timeout: intBetween(1, 86400).default(300),
    continue_on_error: z.boolean().default(false),
  })
  .strict();

export type ProvisioningScript = z.output<typeof scriptSchema>;
