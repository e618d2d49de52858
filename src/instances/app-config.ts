// The app's own config file (Vikunja's config.yml) from its catalog template: every placeholder filled before anything is touched.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { packagesDir } from '../catalog/load.js';
import { placeholdersIn } from '../catalog/schema/primitives.js';
import type { Paths } from '../state/paths.js';
import { ConfigError, NotFoundError, UsageError } from '../errors.js';
import { fill, type AppModel } from './app-model.js';
import type { InstanceConfig } from './config-schema.js';
import { loadSecrets, type InstanceSecrets } from './secrets.js';

/** Filled only once the CT's address is known (a DHCP lease), unless the instance config gives `public_url`. */
const LATE = 'publicurl';

export interface PreparedAppConfig {
  /** The template's name, relative to the packages directory (for messages). */
  template: string;
  /** The template text, filled once (a single pass, so a value holding braces is never read as a placeholder). */
  raw: string;
  values: Record<string, string>;
  secrets: InstanceSecrets;
  /** Values never to print: generated secrets and the database password. */
  sensitive: string[];
}

async function readHostText(file: string, what: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    throw new NotFoundError(`${what} ${file} cannot be read`);
  }
}

/** Values of the database placeholders: the instance config over the catalog's defaults; sqlite needs none of host/user/password. */
async function databaseValues(app: AppModel, config: InstanceConfig): Promise<Record<string, string | undefined>> {
  const db = config.database;
  const type = db.type ?? app.bg.database.default;
  if (!app.bg.database.supported.includes(type)) {
    throw new ConfigError([{ path: 'database.type', message: `${app.name} supports ${app.bg.database.supported.join(', ')}, not ${type}` }]);
  }
  const sqlite = type === 'sqlite';
  return {
    database_type: app.bg.database.type_names?.[type] ?? type,
    database_host: sqlite ? '' : db.host && (db.port ? `${db.host}:${db.port}` : db.host),
    database_name: db.name ?? app.bg.database.name ?? app.name,
    database_user: sqlite ? '' : db.user,
    database_password: sqlite ? '' : db.password_file && (await readHostText(db.password_file, 'database.password_file')),
    sqlite_path: app.bg.database.sqlite_path ?? '',
  };
}

/** Where each placeholder that can stay unfilled comes from, for the error message. */
const SOURCE_OF: Record<string, string> = {
  database_host: 'database.host',
  database_user: 'database.user',
  database_password: 'database.password_file',
};

/** A one-line error naming the first placeholder of `text` without a value (`later` ones are filled afterwards). */
export function assertFillable(text: string, values: Record<string, string | undefined>, where: string, later: readonly string[] = []): void {
  for (const name of placeholdersIn(text)) {
    if (values[name] !== undefined || later.includes(name)) continue;
    const from = SOURCE_OF[name] ? `: set ${SOURCE_OF[name]} in the instance config` : ': pxdeploy has no value for it';
    throw new UsageError(`${where}: placeholder {${name}} is not filled${from}`);
  }
}

/**
 * Read the template and fill everything known before the CT exists (all but a DHCP address), so a missing
 * value stops `install` before the lock, the CT or any file. Secrets are generated in memory here.
 */
export async function prepareAppConfig(paths: Paths, id: string, app: AppModel, config: InstanceConfig): Promise<PreparedAppConfig> {
  const template = app.bg.config.template;
  const raw = await readFile(path.join(packagesDir(), template), 'utf8').catch(() => {
    throw new NotFoundError(`the config template ${template} of ${app.name} is missing from ${packagesDir()}`);
  });
  const secrets = await loadSecrets(paths, id, app);
  const db = await databaseValues(app, config);
  const values: Record<string, string | undefined> = {
    ...db,
    ...secrets.values,
    publicurl: config.public_url,
    backend_port: String(app.bg.components.backend.ports.blue),
    data: app.bg.data_root,
    files_dir: `${app.bg.data_root}/files`,
    app: app.name,
    id,
  };
  assertFillable(raw, values, template, [LATE]);
  const defined = Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined));
  const sensitive = [...Object.values(secrets.values), ...(db.database_password ? [db.database_password] : [])];
  return { template, raw, values: defined, secrets, sensitive };
}

/** The final file, once the URL the instance serves on is known. */
export function finishAppConfig(prepared: PreparedAppConfig, url: string): string {
  const values: Record<string, string> = { [LATE]: url, ...prepared.values };
  assertFillable(prepared.raw, values, prepared.template);
  // YAML templates quote their placeholders ("{database_password}"): escape as JSON string content, which YAML reads back.
  const yaml = /\.ya?ml\.tmpl$/.test(prepared.template);
  return fill(prepared.raw, yaml ? Object.fromEntries(Object.entries(values).map(([k, v]) => [k, JSON.stringify(v).slice(1, -1)])) : values);
}
