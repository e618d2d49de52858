// Typed errors: each carries the exit code main.ts maps it to and a one-line hint for the user.

export const ExitCode = {
  ok: 0,
  other: 1,
  badInput: 2,
  notFound: 3,
  locked: 5,
  healthCheckFailed: 10,
  rolledBack: 11,
  rollbackFailed: 12,
  nothingToDo: 20,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Base of every error pxdeploy raises on purpose; anything else is a bug and exits 1 with a stack under --verbose. */
export class PxError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;
  constructor(message: string, exitCode: ExitCodeValue, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = hint;
  }
  /** Extra machine-readable detail rendered under --json. */
  details(): Record<string, unknown> {
    return {};
  }
}

/** Bad argument, flag or option value given on the command line. */
export class UsageError extends PxError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.badInput, hint);
  }
}

export interface ConfigProblem {
  /** File the problem is in (as the user named it), when it came from a file. */
  file?: string;
  /** 1-based line in that file, when known. */
  line?: number;
  /** Dotted path into the document, e.g. `container.network.ip`. */
  path: string;
  message: string;
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.file ? `${p.file}${p.line ? `:${p.line}` : ''} ` : '';
  return `${where}${p.path ? `${p.path}: ` : ''}${p.message}`;
}

/** A config file (or inline values) failed validation; every problem is reported at once. */
export class ConfigError extends PxError {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[], hint?: string) {
    const head = problems.length === 1 ? 'invalid configuration' : `invalid configuration (${problems.length} problems)`;
    super(`${head}:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`, ExitCode.badInput, hint);
    this.problems = problems;
  }
  override details(): Record<string, unknown> {
    return { problems: this.problems };
  }
}

export class NotFoundError extends PxError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.notFound, hint);
  }
}

export interface LockHolder {
  pid: number;
  timestamp: number;
  owner: string;
  operation: string;
}

export class LockedError extends PxError {
  readonly resource: string;
  readonly holder: LockHolder | undefined;
  constructor(resource: string, holder: LockHolder | undefined, nowMs: number = Date.now()) {
    const who = holder
      ? `held by ${holder.owner} (pid ${holder.pid}) for '${holder.operation}' since ${Math.max(0, Math.round(nowMs / 1000 - holder.timestamp))}s`
      : 'held by another process';
    super(`${resource} is locked: ${who}`, ExitCode.locked, 'see `pxdeploy lock status`');
    this.resource = resource;
    this.holder = holder;
  }
  override details(): Record<string, unknown> {
    return { resource: this.resource, holder: this.holder };
  }
}

export class HealthCheckError extends PxError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.healthCheckFailed, hint);
  }
}

export class RolledBackError extends PxError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.rolledBack, hint);
  }
}

export class RollbackFailedError extends PxError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.rollbackFailed, hint);
  }
}

export class NothingToDoError extends PxError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.nothingToDo, hint);
  }
}

/** State or lock file on disk that cannot be read as what it should be; never silently reset. */
export class CorruptStateError extends PxError {
  readonly file: string;
  constructor(file: string, reason: string) {
    super(`corrupt state file ${file}: ${reason}`, ExitCode.other, `inspect or move the file aside; pxdeploy will not overwrite it`);
    this.file = file;
  }
}

/**
 * A host command failed. `display` is the command line as shown to users, already redacted;
 * the raw argv never leaves src/host/ unredacted.
 */
export class HostCommandError extends PxError {
  readonly display: string;
  readonly commandExitCode: number | undefined;
  readonly stderrTail: string;
  readonly timedOut: boolean;
  constructor(opts: { display: string; exitCode: number | undefined; stderrTail: string; timedOut?: boolean; message?: string; hint?: string }) {
    const what = opts.timedOut ? 'timed out' : opts.exitCode === undefined ? 'could not be started' : `failed with exit code ${opts.exitCode}`;
    const tail = opts.stderrTail.trim();
    super(opts.message ?? `command ${what}: ${opts.display}${tail ? `\n${tail}` : ''}`, ExitCode.other, opts.hint);
    this.display = opts.display;
    this.commandExitCode = opts.exitCode;
    this.stderrTail = opts.stderrTail;
    this.timedOut = opts.timedOut ?? false;
  }
  override details(): Record<string, unknown> {
    return { command: this.display, exitCode: this.commandExitCode, stderr: this.stderrTail, timedOut: this.timedOut };
  }
}
