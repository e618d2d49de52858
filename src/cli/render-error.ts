// Renders any error for the user: one message and a hint; JSON under --json; stack only with --verbose.
import { ExitCode, PxError } from '../errors.js';
import type { GlobalFlags } from '../context.js';
import type { CliIo } from './io.js';

export function renderError(io: CliIo, err: unknown, flags: GlobalFlags): void {
  const px = err instanceof PxError ? err : undefined;
  const message = err instanceof Error ? err.message : String(err);
  const exitCode = px?.exitCode ?? ExitCode.other;
  if (flags.json) {
    const body = { ok: false, error: { type: px ? px.name : 'InternalError', message, exitCode, hint: px?.hint, ...(px?.details() ?? {}) } };
    io.out(`${JSON.stringify(body, null, 2)}\n`);
  } else {
    io.err(`error: ${message}\n`);
    if (px?.hint) io.err(`hint: ${px.hint}\n`);
    if (!px && !flags.verbose) io.err('hint: this looks like a bug; re-run with --verbose for the stack trace\n');
  }
  if (flags.verbose && err instanceof Error && err.stack) io.err(`${err.stack}\n`);
}
