// zod issues → short human messages ("required", `"abc" is not a number`), never zod's own wording.
import { ZodIssueCode } from 'zod';
import type { ZodErrorMap } from 'zod';
import { isSecretPath } from '../secrets.js';
import { show } from './show.js';

const KIND: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
};

/** Passed to every safeParse; refinements in the schemas carry their own messages and bypass it. */
export const humanErrorMap: ZodErrorMap = (issue, ctx) => {
  const value = isSecretPath(issue.path) ? undefined : (ctx.data as unknown);
  const shown = value === undefined ? 'the value' : show(value);
  switch (issue.code) {
    case ZodIssueCode.invalid_type: {
      if (issue.received === 'undefined') return { message: 'required' };
      if (issue.received === 'null') return { message: 'has no value (give it one or remove the key)' };
      if (issue.expected === 'integer' || issue.received === 'float') return { message: `${shown} is not a whole number` };
      if (issue.expected === 'number' || issue.expected === 'boolean') {
        // A quoted number or boolean is the commonest cause: say so rather than leave "\"200\" is not a number" puzzling.
        const hint =
          typeof value !== 'string' ? ''
          : issue.expected === 'boolean' ? ' (write true or false, unquoted)'
          : value.trim() !== '' && Number.isFinite(Number(value)) ? ' (it is quoted: remove the quotes)'
          : '';
        return { message: `${shown} is not ${KIND[issue.expected]}${hint}` };
      }
      const want = KIND[issue.expected] ?? issue.expected;
      return { message: `must be ${want}, got ${shown}` };
    }
    case ZodIssueCode.invalid_enum_value:
      return { message: `${shown} is not one of ${issue.options.map((o) => String(o)).join(', ')}` };
    case ZodIssueCode.invalid_literal:
      return { message: `must be ${show(issue.expected)}, got ${shown}` };
    case ZodIssueCode.too_small:
      if (issue.type === 'string') return { message: Number(issue.minimum) <= 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters` };
      if (issue.type === 'array') return { message: `must have at least ${issue.minimum} item${Number(issue.minimum) === 1 ? '' : 's'}` };
      return { message: `must be at least ${issue.minimum}, got ${shown}` };
    case ZodIssueCode.too_big:
      if (issue.type === 'string') return { message: `must be at most ${issue.maximum} characters` };
      if (issue.type === 'array') return { message: `must have at most ${issue.maximum} items` };
      return { message: `must be at most ${issue.maximum}, got ${shown}` };
    case ZodIssueCode.unrecognized_keys:
      return { message: 'unknown key' };
    case ZodIssueCode.invalid_string:
      return { message: `${shown} has the wrong format` };
    default:
      return { message: ctx.defaultError };
  }
};
