// Spec files from disk: read, validate, and either return every problem or the normalized spec.
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import type { ConfigProblem } from '../errors.js';
import { parseContainerSpecText } from './container-spec.js';
import type { LineOf, SpecResult } from './container-spec.js';
import type { ContainerSpec } from './schema/spec.js';

function readProblem(file: string, err: unknown): ConfigProblem {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const message =
    code === 'ENOENT' ? 'no such file'
    : code === 'EISDIR' ? 'is a directory, not a spec file'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : `cannot read: ${err instanceof Error ? err.message : String(err)}`;
  return { file, path: '', message };
}

/** Read and validate a spec file of any supported kind (only container specs so far). Never throws for user errors. */
export async function validateSpecFile(file: string, env: NodeJS.ProcessEnv = process.env): Promise<SpecResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return { ok: false, problems: [readProblem(file, err)] };
  }
  return parseContainerSpecText(text, file, env);
}

/** The validated container spec in `file` with its line lookup; throws ConfigError carrying every problem. */
export async function loadContainerSpecSource(file: string, env: NodeJS.ProcessEnv = process.env): Promise<{ spec: ContainerSpec; lineOf: LineOf }> {
  const result = await validateSpecFile(file, env);
  if (!result.ok) throw new ConfigError(result.problems, 'fix the file and run `pxdeploy validate -f <file>` again');
  return { spec: result.spec, lineOf: result.lineOf };
}

export async function loadContainerSpec(file: string, env: NodeJS.ProcessEnv = process.env): Promise<ContainerSpec> {
  return (await loadContainerSpecSource(file, env)).spec;
}
