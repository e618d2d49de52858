// Environment variables a package declares: defaults, the ones the user must give, and secrets generated when absent.
import { z } from 'zod';
import { intBetween } from '../../config/schema/primitives.js';
import { envName, text } from './primitives.js';

/** How a missing secret is made: `bytes` random bytes in `encoding` (e.g. 32 bytes base64 = 44 characters). */
export const generateSchema = z
  .object({
    bytes: intBetween(8, 256).default(32),
    encoding: z.enum(['hex', 'base64', 'base64url']).default('base64'),
  })
  .strict();

export const envVarSchema = z
  .object({
    description: text().optional(),
    /** Value used when the user gives none. Mutually exclusive with `required` (rules). */
    default: z.string().optional(),
    /** The install refuses to start until the user gives a value (`--set NAME=value`). */
    required: z.boolean().default(false),
    /** Never printed or logged; with `generate`, made at install time when absent and kept with the instance. */
    secret: z.boolean().default(false),
    generate: generateSchema.optional(),
  })
  .strict();

export type EnvVar = z.output<typeof envVarSchema>;

export const envSchema = z.record(envName(), envVarSchema).default({});
