// Instance config text → validated config + the container spec it implies, every problem at once as `file:line path: message`.
import { orderProblems } from '../config/container-spec.js';
import type { ConfigProblem } from '../errors.js';
import type { LineOf } from '../config/container-spec.js';
import { humanErrorMap } from '../config/problems/error-map.js';
import { issuesToProblems } from '../config/problems/issues.js';
import { formatPath, isUnder, type SpecPath } from '../config/problems/path.js';
import { containerSpecRules } from '../config/rules.js';
import { containerSpecSchema, type ContainerSpec } from '../config/schema/spec.js';
import { readYaml } from '../config/yaml/source.js';
import { instanceConfigSchema, type InstanceConfig } from './config-schema.js';

export type InstanceConfigResult =
  | { ok: true; config: InstanceConfig; spec: ContainerSpec; lineOf: LineOf }
  | { ok: false; problems: ConfigProblem[] };

interface RuleProblem {
  path: SpecPath;
  message: string;
}

function instanceRules(c: InstanceConfig): RuleProblem[] {
  const out: RuleProblem[] = [];
  if ((c.tls.cert === undefined) !== (c.tls.key === undefined)) out.push({ path: ['tls'], message: 'give both cert and key, or neither (a self-signed pair is made in the CT)' });
  for (const [name, s] of Object.entries(c.sources)) {
    const at: SpecPath = ['sources', name];
    if (s.git && (s.artifact || s.sha256 || s.sha256_file)) out.push({ path: at, message: 'give either git: or artifact:, not both' });
    if (s.artifact && !s.sha256 && !s.sha256_file && !s.sha256_member) out.push({ path: [...at, 'artifact'], message: 'needs a checksum: sha256, sha256_file or sha256_member (unverified artifacts are refused)' });
    if (s.sha256 && s.artifact?.includes('{version}')) out.push({ path: [...at, 'sha256'], message: 'a pinned sha256 cannot match every {version}; use sha256_file' });
    if (s.artifact && !s.artifact.startsWith('/') && !/^https?:\/\//.test(s.artifact)) out.push({ path: [...at, 'artifact'], message: 'is neither an absolute host path nor an http(s) URL' });
  }
  return out;
}

/** Validate an instance config's text. `${VAR}` is interpolated from `env`; `{version}` is left for the sources. */
export function parseInstanceConfigText(text: string, file: string, env: NodeJS.ProcessEnv = process.env): InstanceConfigResult {
  const src = readYaml(text, { env });
  const at = (path: SpecPath, message: string, line = src.lineOf(path)): ConfigProblem => ({ file, ...(line === undefined ? {} : { line }), path: formatPath(path), message });
  if (src.syntaxErrors.length > 0) return { ok: false, problems: orderProblems(src.syntaxErrors.map((p) => at(p.path, p.message, p.line))) };
  const doc = src.value;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return { ok: false, problems: [at([], 'expected a mapping with at least app: and container:', 1)] };

  const problems: ConfigProblem[] = src.problems.map((p) => at(p.path, p.message, p.line));
  const noisy = (path: SpecPath) => src.unresolved.some((u) => isUnder(path, u));
  const parsed = instanceConfigSchema.safeParse(doc, { errorMap: humanErrorMap });
  if (!parsed.success) {
    for (const p of issuesToProblems(instanceConfigSchema, parsed.error.issues, doc)) if (!noisy(p.path)) problems.push(at(p.path, p.message));
  }
  // The container block is a container spec's: the same cross-field rules, at the same paths.
  const container = (doc as Record<string, unknown>)['container'];
  for (const p of containerSpecRules({ container })) if (!noisy(p.path)) problems.push(at(p.path, p.message));
  if (parsed.success) for (const p of instanceRules(parsed.data)) problems.push(at(p.path, p.message));
  if (problems.length > 0 || !parsed.success) return { ok: false, problems: orderProblems(problems) };

  const spec = containerSpecSchema.parse({ version: '1.0', container, provisioning: {} });
  return { ok: true, config: parsed.data, spec, lineOf: src.lineOf };
}
