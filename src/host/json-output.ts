// Shared JSON reading for tools with --output-format json / JSON output: parse, validate, report clearly.
import type { z } from 'zod';
import { UnexpectedOutputError } from '../errors.js';

export function parseJsonOutput(what: string, stdout: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch {
    throw new UnexpectedOutputError(what, 'not valid JSON', stdout);
  }
}

export function checkJsonOutput<T>(what: string, schema: z.ZodType<T, z.ZodTypeDef, unknown>, stdout: string): T {
  const r = schema.safeParse(parseJsonOutput(what, stdout));
  if (!r.success) {
    const first = r.error.issues[0];
    const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
    throw new UnexpectedOutputError(what, `${where}${first?.message ?? 'unexpected shape'}`, stdout);
  }
  return r.data;
}
