// zod issues → path + message pairs: one problem per unknown key, with a "did you mean" from the schema's known keys.
import { ZodArray, ZodDefault, ZodEffects, ZodNullable, ZodObject, ZodOptional, ZodPipeline, ZodRecord } from 'zod';
import type { ZodIssue, ZodTypeAny } from 'zod';
import { isSecretPath } from '../secrets.js';
import { didYouMean } from './did-you-mean.js';
import type { PathSegment, SpecPath } from './path.js';

export interface PathProblem {
  path: SpecPath;
  message: string;
}

/** Strip wrappers (defaults, optionals, refinements) down to the schema that holds the structure. */
function unwrap(schema: ZodTypeAny): ZodTypeAny {
  let s = schema;
  for (;;) {
    if (s instanceof ZodEffects) s = s._def.schema as ZodTypeAny;
    else if (s instanceof ZodDefault || s instanceof ZodOptional || s instanceof ZodNullable) s = s._def.innerType as ZodTypeAny;
    else if (s instanceof ZodPipeline) s = s._def.in as ZodTypeAny;
    else return s;
  }
}

/** Keys the object schema at `path` accepts (empty when `path` does not lead to an object schema). */
export function knownKeysAt(root: ZodTypeAny, path: SpecPath): string[] {
  let s = unwrap(root);
  for (const seg of path) {
    if (s instanceof ZodObject && typeof seg === 'string') {
      const next = (s.shape as Record<string, ZodTypeAny>)[seg];
      if (!next) return [];
      s = unwrap(next);
    } else if (s instanceof ZodArray && typeof seg === 'number') s = unwrap(s._def.type as ZodTypeAny);
    else if (s instanceof ZodRecord) s = unwrap(s._def.valueType as ZodTypeAny);
    else return [];
  }
  return s instanceof ZodObject ? Object.keys(s.shape as object) : [];
}

export function issuesToProblems(root: ZodTypeAny, issues: readonly ZodIssue[], data: unknown): PathProblem[] {
  const out: PathProblem[] = [];
  for (const issue of issues) {
    const path: PathSegment[] = [...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(root, path);
      for (const key of issue.keys) out.push({ path: [...path, key], message: `unknown key${didYouMean(key, known)}` });
    } else if (issue.code === 'invalid_enum_value') {
      const value = valueAt(data, path);
      const hint = typeof value === 'string' && !isSecretPath(path) ? didYouMean(value, issue.options.map(String)) : '';
      out.push({ path, message: `${issue.message}${hint}` });
    } else {
      out.push({ path, message: issue.message });
    }
  }
  return out;
}

function valueAt(data: unknown, path: SpecPath): unknown {
  let v: unknown = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PathSegment, unknown>)[seg];
  }
  return v;
}
