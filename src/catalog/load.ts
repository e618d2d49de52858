// Package files from disk: one file (validated, name checked against the file name) or a whole packages directory.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigProblem } from '../errors.js';
import { parsePackageText } from './parse.js';
import type { PackageResult } from './parse.js';
import type { Package } from './schema.js';

export const PACKAGE_EXT = '.yml';

/**
 * Where the catalog lives: `PXDEPLOY_PACKAGES` when set, else `<repo>/packages` found from this module
 * (dist/catalog/load.js and src/catalog/load.ts are both two levels below the repo root).
 */
export function packagesDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['PXDEPLOY_PACKAGES'];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  return fileURLToPath(new URL('../../packages', import.meta.url));
}

/** `packages/jellyfin.yml` → `jellyfin`; undefined for files that are not package files. */
export function packageNameOfFile(file: string): string | undefined {
  const base = basename(file);
  return base.endsWith(PACKAGE_EXT) ? base.slice(0, -PACKAGE_EXT.length) : undefined;
}

function readProblem(file: string, err: unknown): ConfigProblem {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const message =
    code === 'ENOENT' ? 'no such file'
    : code === 'EISDIR' ? 'is a directory, not a package file'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : `cannot read: ${err instanceof Error ? err.message : String(err)}`;
  return { file, path: '', message };
}

/**
 * Read and validate one package file; `name:` must match the file name. Also checks that the
 * bluegreen config template it names exists under `packagesRoot` (default: the file's directory).
 */
export async function loadPackageFile(file: string, packagesRoot?: string): Promise<PackageResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return { ok: false, problems: [readProblem(file, err)] };
  }
  const expectedName = packageNameOfFile(file);
  const result = parsePackageText(text, file, expectedName === undefined ? {} : { expectedName });
  if (!result.ok || !result.pkg.bluegreen) return result;
  const template = join(packagesRoot ?? resolve(file, '..'), result.pkg.bluegreen.config.template);
  const isFile = await stat(template).then((s) => s.isFile(), () => false);
  if (isFile) return result;
  return { ok: false, problems: [{ file, path: 'bluegreen.config.template', message: `template ${template} does not exist` }] };
}

export interface Catalog {
  dir: string;
  /** Valid packages, sorted by name. */
  packages: Package[];
  /** Problems of the files that did not validate (their packages are left out). */
  problems: ConfigProblem[];
}

/** Every `*.yml` directly in `dir` (subdirectories hold templates). A missing directory is one problem. */
export async function loadCatalog(dir: string = packagesDir()): Promise<Catalog> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith(PACKAGE_EXT)).map((e) => e.name);
  } catch (err) {
    return { dir, packages: [], problems: [readProblem(dir, err)] };
  }
  const results = await Promise.all(names.sort().map((n) => loadPackageFile(join(dir, n), dir)));
  const packages: Package[] = [];
  const problems: ConfigProblem[] = [];
  for (const r of results) {
    if (r.ok) packages.push(r.pkg);
    else problems.push(...r.problems);
  }
  packages.sort((a, b) => a.name.localeCompare(b.name));
  return { dir, packages, problems };
}
