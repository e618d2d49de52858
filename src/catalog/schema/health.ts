// How readiness is judged: an HTTP GET on a port and path with the expected status(es), or a TCP connect when the app has no health route.
import { z } from 'zod';
import { intBetween } from '../../config/schema/primitives.js';
import { show } from '../../config/problems/show.js';
import { port } from './primitives.js';

const httpPath = z.string().superRefine((p, ctx) => {
  if (!p.startsWith('/') || /\s/.test(p)) ctx.addIssue({ code: 'custom', message: `${show(p)} is not a URL path (it starts with "/" and has no spaces)` });
});

const status = intBetween(100, 599);

export const healthSchema = z
  .object({
    port: port(),
    /** `tcp`: a TCP connect is the check (no HTTP route exists); `http` needs `path`. */
    type: z.enum(['http', 'tcp']).default('http'),
    path: httpPath.optional(),
    /** One status or a list of accepted ones. */
    status: z.union([status, z.array(status).min(1)]).default(200).transform((s) => (Array.isArray(s) ? s : [s])),
    /** Seconds the app may take to come up on first start (migrations, first-run setup). */
    start_period: intBetween(0, 3600).default(60),
  })
  .strict();

export type HealthCheck = z.output<typeof healthSchema>;
