// Package file text → validated package or every problem as `file:line path: message`, through config/'s YAML and problem modules.
import { orderProblems } from '../config/container-spec.js';
import type { ConfigProblem } from '../errors.js';
import { humanErrorMap } from '../config/problems/error-map.js';
import { issuesToProblems } from '../config/problems/issues.js';
import { formatPath } from '../config/problems/path.js';
import type { SpecPath } from '../config/problems/path.js';
import { readYaml } from '../config/yaml/source.js';
import { packageRules } from './rules.js';
import { packageSchema } from './schema.js';
import type { Package } from './schema.js';

export type PackageResult = { ok: true; pkg: Package } | { ok: false; problems: ConfigProblem[] };

export interface ParsePackageOptions {
  /** The name the file's name promises (`packages/jellyfin.yml` → `jellyfin`); `name:` must equal it. */
  expectedName?: string;
}

/**
 * Validate a package file's text. Never throws for anything in the text.
 * Nothing is interpolated: `${…}` in a package belongs to the commands and templates it carries.
 * Cross-field rules run once the schema passes (they rely on its types and defaults).
 */
export function parsePackageText(text: string, file: string, opts: ParsePackageOptions = {}): PackageResult {
  const src = readYaml(text, { env: {}, literal: () => true });
  const at = (path: SpecPath, message: string, line = src.lineOf(path)): ConfigProblem => ({
    file,
    ...(line === undefined ? {} : { line }),
    path: formatPath(path),
    message,
  });
  if (src.syntaxErrors.length > 0) return { ok: false, problems: orderProblems(src.syntaxErrors.map((p) => at(p.path, p.message, p.line))) };
  const doc = src.value;
  if (doc === null || doc === undefined) return { ok: false, problems: [at([], 'the file is empty; a package needs at least name, description, sources and oci: or bluegreen:', 1)] };
  if (typeof doc !== 'object' || Array.isArray(doc)) return { ok: false, problems: [at([], 'expected a mapping at the top level', 1)] };

  const problems: ConfigProblem[] = src.problems.map((p) => at(p.path, p.message, p.line));
  const name = (doc as Record<string, unknown>)['name'];
  if (opts.expectedName !== undefined && typeof name === 'string' && name !== opts.expectedName) {
    problems.push(at(['name'], `"${name}" must equal the file name "${opts.expectedName}" (rename one of them)`));
  }
  const parsed = packageSchema.safeParse(doc, { errorMap: humanErrorMap });
  if (!parsed.success) {
    for (const p of issuesToProblems(packageSchema, parsed.error.issues, doc)) problems.push(at(p.path, p.message));
    return { ok: false, problems: orderProblems(problems) };
  }
  for (const p of packageRules(parsed.data)) problems.push(at(p.path, p.message));
  if (problems.length > 0) return { ok: false, problems: orderProblems(problems) };
  return { ok: true, pkg: parsed.data };
}
