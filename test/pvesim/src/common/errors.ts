// Error kinds of the PVE CLIs: a plain die (message on stderr, exit 255) and the 400 exceptions with a usage line.

/** A Perl `die "msg\n"`: the message goes to stderr verbatim, exit code 255. */
export class PveError extends Error {
  constructor(message: string, readonly exitCode = 255) {
    super(message);
  }
}

/** A Perl `die "msg"` without newline: Perl appends " at <file> line <n>.". */
export function perlDie(message: string, file: string, line: number): PveError {
  return new PveError(`${message} at ${file} line ${line}.`);
}

/** PVE::Exception with code 400: `400 <msg>`, then `<param>: <reason>` lines, then the usage line. */
export class ParamError extends Error {
  constructor(
    readonly errors: Record<string, string>,
    message = 'Parameter verification failed.',
  ) {
    super(message);
  }
}

/** Shorthand for raise_param_exc({ param: reason }). */
export function paramError(param: string, reason: string): ParamError {
  return new ParamError({ [param]: reason });
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
