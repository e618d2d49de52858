// The instance config (`/etc/pxdeploy/instances/<id>.yaml`): which catalog app, which version, the CT, TLS, health gate, backups.
import { z } from 'zod';
import { containerSchema } from '../config/schema/container.js';
import { absolutePath, intBetween } from '../config/schema/primitives.js';
import { DATABASE_TYPES } from '../catalog/schema/bluegreen.js';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'is not a sha256 digest (64 lower-case hex digits)');
const nonEmpty = z.string().trim().min(1);

/**
 * Where one component's release comes from, overriding the catalog's source. `{version}` in
 * `artifact` and `sha256_file` is filled with the version being deployed.
 */
export const sourceOverrideSchema = z
  .object({
    /** A host path (absolute) or an http(s) URL of the release archive. */
    artifact: nonEmpty.optional(),
    /** Pinned digest of the archive (one version only). */
    sha256: sha256.optional(),
    /** A `sha256sum`-format file on the host covering the archive (e.g. what apps/notes/build.sh writes). */
    sha256_file: absolutePath().optional(),
    /** A `.sha256` member inside the zip covering the catalog's `binary` (Vikunja's release layout); `{version}` allowed. */
    sha256_member: nonEmpty.optional(),
    /** Version of this component when it differs from the instance's `version`. */
    version: nonEmpty.optional(),
    /** A git repository (URL or host path) and ref, instead of an artifact. */
    git: z.object({ repo: nonEmpty, ref: nonEmpty.default('main') }).strict().optional(),
  })
  .strict();

export const tlsSchema = z
  .object({
    /** Host paths of an existing certificate and key; both or neither. */
    cert: absolutePath().optional(),
    key: absolutePath().optional(),
  })
  .strict();

export const healthGateSchema = z
  .object({
    /** Seconds the health gate waits for every check of the new colour to pass. */
    timeout: intBetween(1, 3600).default(60),
    /** First pause between attempts in seconds (fractions allowed); it doubles up to 5 s. */
    interval: z.number().min(0.05).max(60).default(0.5),
  })
  .strict();

export const instanceConfigSchema = z
  .object({
    /** The catalog app (a `packages/<app>.yml` with a `bluegreen:` section). */
    app: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'is not a package name'),
    /** Version deployed by `install` and by `update` without --version (default: the catalog's). */
    version: nonEmpty.optional(),
    container: containerSchema,
    /** Per component (`backend`, `mcp`) source overrides. */
    sources: z.record(z.enum(['backend', 'mcp']), sourceOverrideSchema).default({}),
    /** The URL users reach the app at (fills the app config's `{publicurl}`); default `http://<CT address>/`. */
    public_url: z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'is not an http(s) URL').optional(),
    /** The app's database (default: the catalog's, sqlite inside the CT); postgresql/mysql need host, user and password_file. */
    database: z
      .object({
        type: z.enum(DATABASE_TYPES).optional(),
        host: nonEmpty.optional(),
        port: intBetween(1, 65535).optional(),
        name: nonEmpty.optional(),
        user: nonEmpty.optional(),
        /** Host file holding the password (read at install, never printed). */
        password_file: absolutePath().optional(),
      })
      .strict()
      .default({}),
    tls: tlsSchema.default({}),
    health: healthGateSchema.default({}),
    update: z
      .object({
        /** A consistent SQLite copy (pulled to the host) before every update. */
        backup: z.boolean().default(true),
      })
      .strict()
      .default({}),
  })
  .strict();

export type InstanceConfig = z.output<typeof instanceConfigSchema>;
export type SourceOverride = z.output<typeof sourceOverrideSchema>;
