// YAML text → plain value, with syntax errors, duplicate keys and `${VAR}` interpolation reported by line and path.
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, Scalar } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { PathSegment, SpecPath } from '../problems/path.js';
import { isSecretKey } from '../secrets.js';
import { interpolate } from './interpolate.js';

/** A problem found while reading the YAML itself, before any schema runs. */
export interface SourceProblem {
  path: SpecPath;
  line: number | undefined;
  message: string;
}

export interface YamlSource {
  /** The document as plain data (undefined when it has syntax errors). */
  value: unknown;
  /** Syntax errors: when any exist nothing else is checked (the structure cannot be trusted). */
  syntaxErrors: SourceProblem[];
  /** Duplicate keys, missing variables and malformed `${…}` references. */
  problems: SourceProblem[];
  /** Paths whose value could not be interpolated: schema complaints about them would only be noise. */
  unresolved: SpecPath[];
  /** Values substituted from variables named like secrets (`${DB_PASSWORD}`), for redaction. */
  secretEnvValues: string[];
  /** 1-based line of the key (or list item) at `path`, else of its nearest ancestor present in the file. */
  lineOf(path: SpecPath): number | undefined;
}

export interface ReadYamlOptions {
  env: NodeJS.ProcessEnv;
  /** Paths whose strings are taken literally (script bodies: `${HOME}` there is the script's own). */
  literal?: (path: SpecPath) => boolean;
}

export function readYaml(text: string, opts: ReadYamlOptions): YamlSource {
  const lineCounter = new LineCounter();
  // Duplicate keys are detected in the walk below instead of by the parser, so they carry a path.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const lineAt = (offset: number | undefined): number | undefined =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;
  const lines = text.split(/\r?\n/);

  // Errors found at end of input (an unclosed `[`) point past the last line; name the last line with text instead.
  const lastTextLine = lines.reduce((last, l, i) => (l.trim() === '' ? last : i + 1), 1);
  const syntaxErrors: SourceProblem[] = doc.errors.map((err) => {
    const at = lineAt(err.pos[0]);
    const line = at === undefined ? undefined : Math.min(at, lastTextLine);
    return { path: [], line, message: syntaxMessage(err.code, err.message, line === undefined ? undefined : lines[line - 1]) };
  });
  const lineOf = (path: SpecPath): number | undefined => findLine(doc, path, lineAt);
  if (syntaxErrors.length > 0) {
    return { value: undefined, syntaxErrors, problems: [], unresolved: [], secretEnvValues: [], lineOf };
  }

  const problems: SourceProblem[] = [];
  const unresolved: SpecPath[] = [];
  const secretEnvValues: string[] = [];

  const walk = (node: unknown, path: PathSegment[]): void => {
    if (isMap(node)) {
      const seen = new Map<string, number | undefined>();
      for (const pair of node.items) {
        const key = keyString(pair.key);
        const keyLine = lineAt(nodeStart(pair.key));
        const childPath = [...path, key];
        const first = seen.get(key);
        if (seen.has(key)) {
          problems.push({
            path: childPath,
            line: keyLine,
            message: `duplicate key${first === undefined ? '' : ` (first defined on line ${first})`}`,
          });
        } else seen.set(key, keyLine);
        walk(pair.value, childPath);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path, i]));
    } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('$') && !opts.literal?.(path)) {
      const result = interpolate(node.value, opts.env);
      const line = lineAt(nodeStart(node));
      for (const name of result.missing) {
        problems.push({ path, line, message: `environment variable ${name} is not set (use \${${name}:-default} for a fallback)` });
      }
      for (const ref of result.invalid) {
        problems.push({ path, line, message: `invalid variable reference "${ref}" (write \${NAME} with NAME like [A-Za-z_][A-Za-z0-9_]*, or $\${ for a literal \${)` });
      }
      if (result.missing.length > 0 || result.invalid.length > 0) unresolved.push(path);
      for (const name of result.used) {
        const v = opts.env[name];
        if (isSecretKey(name) && v) secretEnvValues.push(v);
      }
      node.value = node.type === Scalar.PLAIN && result.used.length > 0 ? retype(result.value) : result.value;
    } else if (isAlias(node) && node.resolve(doc) === undefined) {
      aliasErrors.push({ path, line: lineAt(nodeStart(node)), message: `YAML error: alias *${node.source} has no anchor &${node.source} before it` });
    }
    // Resolvable aliases are not walked: their anchor was, and toJS() shares the interpolated node.
  };
  const aliasErrors: SourceProblem[] = [];
  walk(doc.contents, []);
  if (aliasErrors.length > 0) return { value: undefined, syntaxErrors: aliasErrors, problems, unresolved, secretEnvValues, lineOf };

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // toJS throws on alias bombs (more than maxAliasCount expansions).
    const message = err instanceof Error ? err.message : String(err);
    return { value: undefined, syntaxErrors: [{ path: [], line: 1, message: `YAML error: ${message}` }], problems, unresolved, secretEnvValues, lineOf };
  }
  return { value, syntaxErrors, problems, unresolved, secretEnvValues, lineOf };
}

/**
 * An unquoted scalar that was entirely or partly substituted is typed again as YAML would have typed
 * the text (`cores: ${CORES}` with CORES=4 is the number 4, `start_on_boot: ${ONBOOT}` a boolean).
 * Quoted scalars stay strings, so `"${PORT}"` forces a string.
 */
function retype(text: string): string | number | boolean {
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  if (/^[-+]?[0-9]+$/.test(text) || /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) {
    const n = Number(text);
    if (Number.isFinite(n)) return n;
  }
  return text;
}

function keyString(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  // Complex keys (`? [a, b]`) are never valid in a spec; give them a printable name for the message.
  return String(key);
}

function nodeStart(node: unknown): number | undefined {
  const range = (node as YamlNode | null | undefined)?.range;
  return range?.[0];
}

function findLine(doc: Document, path: SpecPath, lineAt: (offset: number | undefined) => number | undefined): number | undefined {
  let node: unknown = doc.contents;
  let line = lineAt(nodeStart(node));
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      // The last pair wins, matching the value toJS() keeps for a duplicated key.
      const pair = [...node.items].reverse().find((p) => keyString(p.key) === String(seg));
      if (!pair) break;
      line = lineAt(nodeStart(pair.key)) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) break;
      line = lineAt(nodeStart(item)) ?? line;
      node = item;
    } else break;
  }
  return line;
}

function syntaxMessage(code: string, message: string, sourceLine: string | undefined): string {
  if (code === 'MULTIPLE_DOCS') return 'YAML syntax error: the file holds more than one document (---); a spec file holds exactly one';
  const hint =
    sourceLine !== undefined && sourceLine.includes('${') && /[[{]/.test(sourceLine.replace(/\$\{[^}]*\}/g, ''))
      ? ' (quote values containing ${…} inside [ ] or { })'
      : '';
  return `YAML syntax error: ${message.replace(/\s+at line \d+, column \d+:?[\s\S]*$/, '')}${hint}`;
}

