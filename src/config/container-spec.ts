// The container spec pipeline: YAML (positions, interpolation) → kind → zod schema → cross-field rules → one result.
import type { ConfigProblem } from '../errors.js';
import { detectKind } from './kind.js';
import { humanErrorMap } from './problems/error-map.js';
import { issuesToProblems } from './problems/issues.js';
import { formatPath, isUnder } from './problems/path.js';
import type { SpecPath } from './problems/path.js';
import { containerSpecRules } from './rules.js';
import { containerSpecSchema } from './schema/spec.js';
import type { ContainerSpec } from './schema/spec.js';
import { attachEnvSecrets } from './secrets.js';
import { readYaml } from './yaml/source.js';

/** Where a spec value came from, so problems found later (preflight against the host) point at the file's line too. */
export type LineOf = (path: SpecPath) => number | undefined;

export type SpecResult = { ok: true; kind: 'container'; spec: ContainerSpec; lineOf: LineOf } | { ok: false; problems: ConfigProblem[] };

/** Script bodies are shell/python source: their `${VAR}` belongs to the script, not to us. */
function isScriptContent(path: SpecPath): boolean {
  if (path.length === 3 && path[0] === 'post_clone' && typeof path[1] === 'number' && path[2] === 'content') return true;
  return path.length === 4 && path[0] === 'provisioning' && path[1] === 'scripts' && typeof path[2] === 'number' && path[3] === 'content';
}

/** Order by line (problems without one last), then path, and drop exact repeats: how every config file reports. */
export function orderProblems(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = `${p.line ?? ''}\0${p.path}\0${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || a.path.localeCompare(b.path));
}

/**
 * Validate the text of a spec file. `file` labels every problem (as the user named the file).
 * Never throws for anything wrong in the text; every problem found is in the result.
 */
export function parseContainerSpecText(text: string, file: string, env: NodeJS.ProcessEnv = process.env): SpecResult {
  const src = readYaml(text, { env, literal: isScriptContent });
  const at = (path: SpecPath, message: string, line = src.lineOf(path)): ConfigProblem => ({
    file,
    ...(line === undefined ? {} : { line }),
    path: formatPath(path),
    message,
  });

  if (src.syntaxErrors.length > 0) return { ok: false, problems: orderProblems(src.syntaxErrors.map((p) => at(p.path, p.message, p.line))) };

  const kind = detectKind(src.value);
  if ('problem' in kind) return { ok: false, problems: [at([], kind.problem, 1)] };

  const problems: ConfigProblem[] = src.problems.map((p) => at(p.path, p.message, p.line));
  const parsed = containerSpecSchema.safeParse(src.value, { errorMap: humanErrorMap });
  if (!parsed.success) {
    for (const p of issuesToProblems(containerSpecSchema, parsed.error.issues, src.value)) {
      // A value that could not be interpolated was already reported as a missing variable.
      if (src.unresolved.some((u) => isUnder(p.path, u))) continue;
      problems.push(at(p.path, p.message));
    }
  }
  for (const p of containerSpecRules(src.value)) {
    if (src.unresolved.some((u) => isUnder(p.path, u))) continue;
    problems.push(at(p.path, p.message));
  }

  if (problems.length > 0 || !parsed.success) return { ok: false, problems: orderProblems(problems) };
  return { ok: true, kind: 'container', spec: attachEnvSecrets(parsed.data, src.secretEnvValues), lineOf: src.lineOf };
}
