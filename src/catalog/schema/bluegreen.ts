// `bluegreen:` — a Vikunja-style app: backend/MCP/frontend components with ports per colour, database, migrations, backup, config template.
import { z } from 'zod';
import { intBetween, linuxName } from '../../config/schema/primitives.js';
import { show } from '../../config/problems/show.js';
import { generateSchema } from './env.js';
import { absolutePath, envName, port, text } from './primitives.js';
import { sourceSchema } from './source.js';

export const DATABASE_TYPES = ['sqlite', 'postgresql', 'mysql'] as const;

const httpPath = z.string().superRefine((p, ctx) => {
  if (!p.startsWith('/') || /\s/.test(p)) ctx.addIssue({ code: 'custom', message: `${show(p)} is not a URL path (it starts with "/" and has no spaces)` });
});

export const routeCheckSchema = z
  .object({
    path: httpPath,
    status: intBetween(100, 599).default(200),
    description: text().optional(),
  })
  .strict();

const colourPorts = z.object({ blue: port(), green: port() }).strict();

/** A process run once per colour (backend, MCP server). Commands run inside the CT with `sh -c`. */
export const serviceComponentSchema = z
  .object({
    description: text().optional(),
    /** Deployed only when the instance config gives `sources.<component>` (e.g. an MCP server no release ships). */
    optional: z.boolean().optional(),
    source: sourceSchema,
    /** Steps after fetching the source, in the colour's directory (`{dir}`). */
    build: z.array(text()).default([]),
    /** The long-running command; `{bin}`, `{port}`, `{color}`, `{dir}`, `{config}` are filled in. */
    run: text(),
    ports: colourPorts,
    health: z.array(routeCheckSchema).min(1),
    /** Paths that hold state and survive updates (shared by both colours). */
    data_paths: z.array(absolutePath()).default([]),
    /** Environment overrides for this component (values may hold placeholders). */
    env: z.record(envName(), z.string()).default({}),
  })
  .strict();

/** nginx in front of the active colour; a switch rewrites its upstream and reloads it. */
export const frontendComponentSchema = z
  .object({
    description: text().optional(),
    kind: z.enum(['nginx']).default('nginx'),
    ports: z.object({ http: port().default(80), https: port().default(443) }).strict().default({}),
    /** URL prefixes routed to the MCP server instead of the backend. */
    mcp_prefix: httpPath.optional(),
    health: z.array(routeCheckSchema).default([]),
  })
  .strict();

export const databaseSchema = z
  .object({
    supported: z.array(z.enum(DATABASE_TYPES)).min(1),
    default: z.enum(DATABASE_TYPES),
    sqlite_path: absolutePath().optional(),
    /** Default database name for postgresql/mysql. */
    name: text().optional(),
    /** What the app's config calls each type when it differs (Vikunja says `postgres`); fills `{database_type}`. */
    type_names: z.record(z.enum(DATABASE_TYPES), text()).optional(),
  })
  .strict();

export const migrationsSchema = z
  .object({
    /** The app migrates its schema itself when it starts. */
    on_start: z.boolean(),
    /** Explicit migration command, run before the health gate of an update. */
    command: text().optional(),
  })
  .strict();

export const backupSchema = z
  .object({
    description: text().optional(),
    /** App-native dump into `{dir}`; pxdeploy archives what it writes there. */
    dump: text().optional(),
    /** App-native restore from `{file}`. */
    restore: text().optional(),
    /** Files and directories archived as they are (stop the app or use `dump` for consistency). */
    paths: z.array(absolutePath()).default([]),
  })
  .strict();

export const configFileSchema = z
  .object({
    /** Where the rendered file goes inside the CT. */
    path: absolutePath(),
    /** Template file, relative to the packages directory. */
    template: text(),
    /** Placeholders filled with a secret generated at install and kept for the instance (never printed). */
    secrets: z.record(z.string().regex(/^[a-z_]+$/, 'is not a placeholder name (a-z and _)'), generateSchema).optional(),
  })
  .strict();

export const bluegreenSchema = z
  .object({
    /** Version installed when the user names none (fills `{version}`). */
    version: text(),
    /** PVE arch → the name the artifact uses (fills `{arch}`). */
    arch: z.record(z.enum(['amd64', 'arm64', 'armhf', 'i386']), text()).default({ amd64: 'amd64' }),
    app_user: linuxName('user'),
    install_root: absolutePath(),
    data_root: absolutePath(),
    config: configFileSchema,
    database: databaseSchema,
    migrations: migrationsSchema,
    backup: backupSchema,
    components: z
      .object({
        backend: serviceComponentSchema,
        mcp: serviceComponentSchema.optional(),
        frontend: frontendComponentSchema.optional(),
      })
      .strict(),
    resources: z
      .object({ cores: intBetween(1, 128).default(2), memory: intBetween(256, 524288).default(2048), disk: intBetween(1, 8192).default(20) })
      .strict()
      .default({}),
    notes: z.array(text()).default([]),
  })
  .strict();

export type BlueGreenApp = z.output<typeof bluegreenSchema>;
export type ServiceComponent = z.output<typeof serviceComponentSchema>;
export type FrontendComponent = z.output<typeof frontendComponentSchema>;
