// stack.yaml → a validated Stack (schema, graph, the container specs, packages and instance configs it names), or every problem with its file and line.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { orderProblems, type LineOf } from '../config/container-spec.js';
import { validateSpecFile } from '../config/load.js';
import { humanErrorMap } from '../config/problems/error-map.js';
import { didYouMean } from '../config/problems/did-you-mean.js';
import { issuesToProblems } from '../config/problems/issues.js';
import { formatPath, isUnder, type SpecPath } from '../config/problems/path.js';
import { containerSpecRules } from '../config/rules.js';
import type { ContainerSpec } from '../config/schema/spec.js';
import { secretValues } from '../config/secrets.js';
import { readYaml } from '../config/yaml/source.js';
import type { Package } from '../catalog/schema.js';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { parseInstanceConfigText } from '../instances/config.js';
import type { InstanceConfig } from '../instances/config-schema.js';
import { buildGraph, type GraphNode, type StackGraph } from './graph.js';
import { RESOURCE_KINDS, resourceSchema, stackSchema, stackTag, type ResourceDecl } from './schema.js';

export interface SpecSource {
  spec: ContainerSpec;
  lineOf: LineOf;
  /** The file problems found later should name (the spec's own file, or the stack file for an inline spec). */
  file: string;
}

export interface Stack {
  file: string;
  name: string;
  /** `pxstack-<name>`: on everything the stack makes. */
  tag: string;
  resources: Readonly<Record<string, ResourceDecl>>;
  graph: StackGraph;
  /** Container resources: their spec with the stack's tag added. Template resources: the spec they are built from. */
  specs: Readonly<Record<string, SpecSource>>;
  /** Absolute spec files of template resources (buildTemplate reads the file). */
  specFiles: Readonly<Record<string, string>>;
  packages: Readonly<Record<string, Package>>;
  instances: Readonly<Record<string, { config: InstanceConfig; spec: ContainerSpec; lineOf: LineOf; text: string }>>;
  /** Values never to show: secrets of the specs the stack names. */
  secrets: string[];
  lineOf: LineOf;
}

export type StackResult = { ok: true; stack: Stack } | { ok: false; problems: ConfigProblem[] };

/** Script bodies of inline specs are shell source: their `${VAR}` is the script's, as in a spec file. */
function isInlineScriptContent(p: SpecPath): boolean {
  if (p[0] !== 'resources' || p[2] !== 'spec' || p.at(-1) !== 'content') return false;
  return (p.length === 7 && p[3] === 'provisioning' && p[4] === 'scripts') || (p.length === 6 && p[3] === 'post_clone');
}

/** Schema, kinds and graph of the stack text alone (no other file read). */
function parseStackText(text: string, file: string, env: NodeJS.ProcessEnv) {
  const src = readYaml(text, { env, literal: isInlineScriptContent });
  const at = (p: SpecPath, message: string, line = src.lineOf(p)): ConfigProblem => ({ file, ...(line === undefined ? {} : { line }), path: formatPath(p), message });
  if (src.syntaxErrors.length > 0) return { problems: orderProblems(src.syntaxErrors.map((p) => at(p.path, p.message, p.line))) };
  const doc = src.value;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return { problems: [at([], 'expected a mapping with name: and resources:', 1)] };

  const problems = src.problems.map((p) => at(p.path, p.message, p.line));
  const noisy = (p: SpecPath) => src.unresolved.some((u) => isUnder(p, u));
  // A wrong or missing kind is said once, with the kinds there are, instead of zod's union wording.
  const resources = (doc as Record<string, unknown>)['resources'];
  const badKind = new Set<string>();
  if (resources && typeof resources === 'object' && !Array.isArray(resources)) {
    for (const [name, r] of Object.entries(resources as Record<string, unknown>)) {
      const kind = r && typeof r === 'object' ? (r as Record<string, unknown>)['kind'] : undefined;
      if (typeof kind === 'string' && (RESOURCE_KINDS as readonly string[]).includes(kind)) continue;
      badKind.add(name);
      const p = kind === undefined ? ['resources', name] : ['resources', name, 'kind'];
      problems.push(at(p, kind === undefined ? `kind: required (one of ${RESOURCE_KINDS.join(', ')})` : `${JSON.stringify(kind)} is not one of ${RESOURCE_KINDS.join(', ')}${typeof kind === 'string' ? didYouMean(kind, RESOURCE_KINDS) : ''}`));
    }
    // Inline container specs are a spec's own document: its cross-field rules, at their paths in the stack.
    for (const [name, r] of Object.entries(resources as Record<string, unknown>)) {
      const spec = r && typeof r === 'object' ? (r as Record<string, unknown>)['spec'] : undefined;
      if (spec !== undefined) for (const p of containerSpecRules(spec)) problems.push(at(['resources', name, 'spec', ...p.path], p.message));
    }
  }
  const parsed = stackSchema.safeParse(doc, { errorMap: humanErrorMap });
  if (!parsed.success) {
    for (const p of issuesToProblems(stackSchema, parsed.error.issues, doc)) {
      if (noisy(p.path) || (p.path[0] === 'resources' && badKind.has(String(p.path[1])))) continue;
      problems.push(at(p.path, p.message === 'unknown key' ? `unknown key${unknownKeyHint(doc, p.path)}` : p.message));
    }
  }
  const g = buildGraph(graphNodes(resources));
  if ('problems' in g) problems.push(...g.problems.map((p) => at(p.path, p.message)));
  if (!parsed.success || 'problems' in g) return { problems: orderProblems(problems) };

  const stack = parsed.data;
  for (const [name, r] of Object.entries(stack.resources)) {
    if (r.kind === 'container' && (r.spec === undefined) === (r.file === undefined)) problems.push(at(['resources', name], 'give the container spec inline (spec:) or by file (file:), one of them'));
    if ((r.kind === 'clone' || r.kind === 'app') && r.gateway && (r.ip === undefined || r.ip === 'dhcp')) problems.push(at(['resources', name, 'gateway'], 'needs a static ip'));
  }
  problems.push(...duplicates(stack.resources).map((d) => at(d.path, d.message)));
  if (problems.length > 0) return { problems: orderProblems(problems) };
  return { stack, graph: g.graph, lineOf: src.lineOf, secretEnvValues: src.secretEnvValues, at };
}

/** The graph's view of the raw resources: only well-formed names count, so a typo is one problem, not two. */
function graphNodes(resources: unknown): Record<string, GraphNode> {
  const out: Record<string, GraphNode> = {};
  if (!resources || typeof resources !== 'object' || Array.isArray(resources)) return out;
  for (const [name, raw] of Object.entries(resources as Record<string, unknown>)) {
    const r = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
    const deps = Array.isArray(r['depends_on']) ? r['depends_on'].filter((d): d is string => typeof d === 'string') : [];
    out[name] = { kind: str(r['kind']) ?? '', depends_on: deps, ...(str(r['template']) ? { template: str(r['template'])! } : {}), ...(str(r['name']) ? { name: str(r['name'])! } : {}) };
  }
  return out;
}

/** " (did you mean …)" for an unknown key of a resource: its kind's keys (zod's union hides them from issuesToProblems). */
function unknownKeyHint(doc: unknown, p: SpecPath): string {
  if (p.length !== 3 || p[0] !== 'resources') return '';
  const r = ((doc as Record<string, Record<string, Record<string, unknown>>>)['resources'] ?? {})[String(p[1])];
  const option = resourceSchema.optionsMap.get(r?.['kind'] as ResourceDecl['kind']);
  return option ? didYouMean(String(p[2]), Object.keys(option.shape)) : '';
}

/** Two resources claiming one vmid, hostname or IP would fight over it on the node. */
function duplicates(resources: Readonly<Record<string, ResourceDecl>>): { path: SpecPath; message: string }[] {
  const out: { path: SpecPath; message: string }[] = [];
  const seen = new Map<string, string>();
  const claim = (name: string, field: string, value: string | number | undefined) => {
    if (value === undefined || value === 'dhcp') return;
    const key = `${field}=${String(value).replace(/\/\d+$/, '')}`;
    const first = seen.get(key);
    if (first) out.push({ path: ['resources', name, field], message: `${field} ${value} is already ${first}'s` });
    else seen.set(key, name);
  };
  for (const [name, r] of Object.entries(resources)) {
    if (r.kind === 'clone' || r.kind === 'app') {
      claim(name, 'vmid', r.vmid);
      claim(name, 'hostname', r.hostname ?? name);
      claim(name, 'ip', r.ip);
    } else if (r.kind === 'template') claim(name, 'vmid', r.vmid);
    else if (r.kind === 'container' && r.spec) {
      claim(name, 'vmid', r.spec.container.vmid);
      claim(name, 'hostname', r.spec.container.hostname);
    }
  }
  return out;
}

/** The spec with the stack's tag: `ct create` compares and creates with it. */
function tagged(spec: ContainerSpec, tag: string): ContainerSpec {
  return { ...spec, container: { ...spec.container, tags: [...new Set([...spec.container.tags, tag])] } };
}

/** `packages/<name>.yml` alone when it exists (one parse, not the whole catalog), else the catalog. */
async function loadPackage(name: string): Promise<Package | undefined> {
  const { loadCatalog, loadPackageFile, packagesDir, PACKAGE_EXT } = await import('../catalog/load.js');
  const one = /^[a-z][a-z0-9-]*$/.test(name) ? await loadPackageFile(path.join(packagesDir(), `${name}${PACKAGE_EXT}`)) : undefined;
  if (one?.ok) return one.pkg.oci ? one.pkg : undefined;
  return (await loadCatalog()).packages.find((p) => p.name === name && p.oci);
}

/** Read and validate a stack file and every file it names. Never throws for user errors. */
export async function validateStackFile(file: string, env: NodeJS.ProcessEnv = process.env): Promise<StackResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, problems: [{ file, path: '', message: code === 'ENOENT' ? 'no such file' : `cannot read: ${(err as Error).message}` }] };
  }
  const r = parseStackText(text, file, env);
  if ('problems' in r) return { ok: false, problems: r.problems ?? [] };
  const { stack: s, graph, lineOf, at } = r;
  const dir = path.dirname(file);
  const rel = (f: string) => (path.isAbsolute(f) ? f : path.join(dir, f));
  const tag = stackTag(s.name);
  const problems: ConfigProblem[] = [];
  const specs: Record<string, SpecSource> = {};
  const specFiles: Record<string, string> = {};
  const packages: Record<string, Package> = {};
  const instances: Record<string, Stack['instances'][string]> = {};
  const secrets = [...r.secretEnvValues];

  await Promise.all(
    Object.entries(s.resources).map(async ([name, res]) => {
      if ((res.kind === 'container' && res.file) || res.kind === 'template') {
        const f = rel(res.file!);
        const v = await validateSpecFile(f, env);
        if (!v.ok) {
          problems.push(...(v.problems.length === 1 && v.problems[0]!.path === '' && v.problems[0]!.line === undefined ? [at(['resources', name, 'file'], `${res.file}: ${v.problems[0]!.message}`)] : v.problems));
          return;
        }
        specs[name] = { spec: res.kind === 'container' ? tagged(v.spec, tag) : v.spec, lineOf: v.lineOf, file: f };
        if (res.kind === 'template') specFiles[name] = path.resolve(f);
        secrets.push(...secretValues(v.spec));
      } else if (res.kind === 'container' && res.spec) {
        const prefix = ['resources', name, 'spec'];
        specs[name] = { spec: tagged(res.spec, tag), lineOf: (p) => lineOf([...prefix, ...p]), file };
        secrets.push(...secretValues(res.spec));
      } else if (res.kind === 'app') {
        const pkg = await loadPackage(res.package);
        if (pkg) packages[name] = pkg;
        else problems.push(at(['resources', name, 'package'], `no OCI app "${res.package}" in the catalog`));
      } else if (res.kind === 'instance') {
        const f = rel(res.file);
        const body = await readFile(f, 'utf8').catch(() => undefined);
        if (body === undefined) return void problems.push(at(['resources', name, 'file'], `${res.file}: cannot read`));
        const v = parseInstanceConfigText(body, f, env);
        if (v.ok) instances[name] = { config: v.config, spec: tagged(v.spec, tag), lineOf: v.lineOf, text: body };
        else problems.push(...v.problems);
      }
    }),
  );
  if (problems.length > 0) return { ok: false, problems: orderProblems(problems) };
  return { ok: true, stack: { file, name: s.name, tag, resources: s.resources, graph, specs, specFiles, packages, instances, secrets: secrets.filter(Boolean), lineOf } };
}

/** The validated stack, or ConfigError (exit 2) with every problem. */
export async function loadStack(file: string, env: NodeJS.ProcessEnv = process.env): Promise<Stack> {
  const r = await validateStackFile(file, env);
  if (!r.ok) throw new ConfigError(r.problems, 'fix the stack file and run `pxdeploy plan -f <file>` again');
  return r.stack;
}
