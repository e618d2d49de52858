// Finding an instance: its id (optional when exactly one exists), its config file, and the catalog app it names.
import { readFile } from 'node:fs/promises';
import { loadCatalog, resolvePackage } from '../catalog/index.js';
import type { LineOf } from '../config/container-spec.js';
import type { ContainerSpec } from '../config/schema/spec.js';
import { ConfigError, NotFoundError, UsageError } from '../errors.js';
import type { Paths } from '../state/paths.js';
import { assertSafeId } from '../state/paths.js';
import { listRegisteredInstances } from '../state/registry.js';
import { appModel, type AppModel } from './app-model.js';
import { componentsFor } from './components.js';
import { parseInstanceConfigText } from './config.js';
import type { InstanceConfig } from './config-schema.js';

export interface LoadedInstance {
  id: string;
  file: string;
  config: InstanceConfig;
  spec: ContainerSpec;
  lineOf: LineOf;
  app: AppModel;
}

/** `<id>` may be left out when exactly one instance is registered. */
export async function resolveInstanceId(paths: Paths, id: string | undefined): Promise<string> {
  if (id !== undefined) return assertSafeId(id);
  const all = await listRegisteredInstances(paths);
  if (all.length === 1) return all[0]!.id;
  if (all.length === 0) throw new NotFoundError('no blue/green instance is installed', 'install one with `pxdeploy install <id>`');
  throw new UsageError(`${all.length} instances exist (${all.map((i) => i.id).join(', ')}): name one`);
}

/** The catalog app with a `bluegreen:` section named `name` (with `config`: only the components that instance deploys). */
export async function loadApp(name: string, config?: InstanceConfig): Promise<AppModel> {
  const catalog = await loadCatalog();
  const pkg = catalog.packages.find((p) => p.name === name);
  if (!pkg) throw new NotFoundError(`no app "${name}" in the catalog (${catalog.dir})`);
  if (!pkg.bluegreen) throw new UsageError(`catalog app "${name}" has no bluegreen: section (it is an OCI app: use \`pxdeploy app install\`)`);
  return config ? componentsFor(appModel(pkg), config) : appModel(pkg);
}

/** For `install <id>` without a config: the catalog app whose name starts the id (`vikunja-main` → `vikunja`). */
export async function appForNewId(id: string): Promise<AppModel | undefined> {
  const catalog = await loadCatalog();
  const r = resolvePackage(catalog.packages.filter((p) => p.bluegreen), id);
  return r.ok ? appModel(r.pkg) : undefined;
}

export function parseOrThrow(text: string, file: string): ReturnType<typeof parseInstanceConfigText> & { ok: true } {
  const r = parseInstanceConfigText(text, file);
  if (!r.ok) throw new ConfigError(r.problems, `fix ${file} and run again`);
  return r;
}

export async function loadInstance(paths: Paths, id: string): Promise<LoadedInstance> {
  const file = paths.instanceConfig(id);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new NotFoundError(`instance ${id} has no config (${file})`, 'install it with `pxdeploy install <id> -f <instance.yaml>`');
  }
  const r = parseOrThrow(text, file);
  return { id, file, config: r.config, spec: r.spec, lineOf: r.lineOf, app: await loadApp(r.config.app, r.config) };
}
