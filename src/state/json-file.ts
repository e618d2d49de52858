// Versioned JSON state files: validated writes through the effects seam (atomic there) and strict reads that never reset.
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import type { Effects } from '../effects/types.js';
import { CorruptStateError, NewerFormatError } from '../errors.js';

/**
 * A state file's schema together with the one `schemaVersion` this build reads and writes.
 * The zod schema describes the whole document, `schemaVersion` included.
 */
export interface StateSchema<T extends { schemaVersion: number }> {
  /** What the file holds, for messages (`instance state`, `instance registry`). */
  readonly name: string;
  readonly version: number;
  readonly schema: z.ZodType<T, z.ZodTypeDef, unknown>;
}

export function defineStateSchema<T extends { schemaVersion: number }>(
  name: string,
  version: number,
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
): StateSchema<T> {
  return { name, version, schema };
}

export interface WriteJsonOptions {
  /** File mode; 0644 by default (state holds no secrets), 0600 for anything sensitive. */
  mode?: number;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(document)'}: ${i.message}`)
    .join('; ');
}

/**
 * Parse the text of a state file; every way it can be wrong becomes a CorruptStateError that
 * names the file and the reason.
 */
export function parseStateText<T extends { schemaVersion: number }>(file: string, text: string, spec: StateSchema<T>): T {
  if (text.trim() === '') throw new CorruptStateError(file, `empty file (expected ${spec.name})`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new CorruptStateError(file, `not valid JSON (${(err as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new CorruptStateError(file, `expected a JSON object holding ${spec.name}`);
  }
  const version = (doc as { schemaVersion?: unknown }).schemaVersion;
  if (version === undefined) throw new CorruptStateError(file, 'missing schemaVersion');
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new CorruptStateError(file, `schemaVersion must be a positive integer, got ${JSON.stringify(version)}`);
  }
  if (version > spec.version) {
    throw new NewerFormatError(file, 'schemaVersion', version, spec.version);
  }
  if (version < spec.version) {
    throw new CorruptStateError(file, `schemaVersion ${version} is not supported (expected ${spec.version})`);
  }
  const parsed = spec.schema.safeParse(doc);
  if (!parsed.success) throw new CorruptStateError(file, `not a valid ${spec.name}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Read a state file: undefined when it does not exist, the validated document, or CorruptStateError. */
/**
 * Read a state file. `fx` (the effects seam) lets a --dry-run plan read back what it planned to write
 * earlier in the same run, so later steps are planned against the state they would really see.
 */
export async function readJson<T extends { schemaVersion: number }>(file: string, spec: StateSchema<T>, fx?: Pick<Effects, 'readFile'>): Promise<T | undefined> {
  let text: string | undefined;
  try {
    text = fx ? await fx.readFile(file) : await readFile(file, 'utf8');
    if (text === undefined) return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') throw new CorruptStateError(file, 'is a directory, not a file');
    throw err; // EACCES and friends are not corruption: report them as they are
  }
  return parseStateText(file, text, spec);
}

/** Validate before writing, so pxdeploy never writes a file it would refuse to read back. */
export async function writeState<T extends { schemaVersion: number }>(
  fx: Pick<Effects, 'writeFile'>,
  file: string,
  spec: StateSchema<T>,
  value: T,
  opts: WriteJsonOptions = {},
): Promise<void> {
  const parsed = spec.schema.safeParse(value);
  if (!parsed.success) throw new Error(`refusing to write invalid ${spec.name} to ${file}: ${describeIssues(parsed.error)}`);
  if (parsed.data.schemaVersion !== spec.version) {
    throw new Error(`refusing to write ${spec.name} with schemaVersion ${parsed.data.schemaVersion} (this build writes ${spec.version})`);
  }
  await fx.writeFile(file, `${JSON.stringify(parsed.data, null, 2)}\n`, { mode: opts.mode ?? 0o644 });
}
