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

/** What each exit code means, short (help text) and long (man page); typed so a new code cannot go unexplained. */
export const EXIT_CODE_MEANINGS: Record<ExitCodeValue, { short: string; long: string }> = {
  0: { short: 'ok', long: 'success' },
  1: { short: 'error', long: 'error' },
  2: { short: 'bad input', long: 'bad input (a file, an argument, an option); nothing was changed' },
  3: { short: 'not found', long: 'not found' },
  5: { short: 'locked', long: 'locked: another pxdeploy holds the resource' },
  10: { short: 'health check failed', long: 'health check failed; the serving colour is unchanged' },
  11: { short: 'rolled back', long: 'rolled back' },
  12: { short: 'rollback failed', long: 'rollback failed' },
  20: { short: 'nothing to do', long: 'nothing to do' },
};

/** Base of every error pxdeploy raises on purpose; anything else is a bug and exits 1 with a stack under --verbose. */
export class PxError extends Error {
  readonly exitCode: ExitCodeValue;
  /** Not readonly: an operation may add what to do next (e.g. the resume command) on the way out. */
  hint: string | undefined;
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

/** A file written by a newer pxdeploy: not corrupt, but this version neither reads nor changes it. */
export class NewerFormatError extends PxError {
  readonly file: string;
  constructor(file: string, what: string, found: number, known: number) {
    super(`${file}: ${what} ${found} is newer than this pxdeploy understands (${known})`, ExitCode.other, 'upgrade pxdeploy; this version leaves the file as it is');
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

/** A host tool printed something its parser cannot read: the contract changed or the tool misbehaved. */
export class UnexpectedOutputError extends PxError {
  readonly tool: string;
  constructor(tool: string, detail: string, excerpt?: string) {
    const shown = excerpt === undefined ? '' : `\n  got: ${JSON.stringify(excerpt.length > 200 ? `${excerpt.slice(0, 200)}…` : excerpt)}`;
    super(`unexpected output from ${tool}: ${detail}${shown}`, ExitCode.other, 'the host tool may be a version pxdeploy does not know; run it by hand to compare');
    this.tool = tool;
  }
}

// PVE's error texts (pve-cli.md §2.3) are classified into these in host/pve-errors.ts, next to the runner.

export interface PveErrorInit {
  vmid?: number | undefined;
  /** The PVE line the error was recognised from (redacted), for --json and --verbose. */
  pveMessage: string;
  cause?: unknown;
}

function pveDetails(init: PveErrorInit, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { vmid: init.vmid, pveMessage: init.pveMessage, ...extra };
}

/**
 * The vmid is taken. Exit 1 (other), not 2: the request was valid and passed validation; it collides
 * with the host's current state, often a race after `/cluster/nextid`. Callers that know the user
 * typed the vmid may re-throw it as a UsageError.
 */
export class AlreadyExistsError extends PxError {
  readonly vmid: number | undefined;
  readonly node: string | undefined;
  readonly pveMessage: string;
  constructor(message: string, init: PveErrorInit & { node?: string | undefined }) {
    super(message, ExitCode.other, 'choose another vmid (pvesh get /cluster/nextid) or remove the existing guest first', { cause: init.cause });
    this.vmid = init.vmid;
    this.node = init.node;
    this.pveMessage = init.pveMessage;
  }
  override details(): Record<string, unknown> {
    return pveDetails(this, { node: this.node });
  }
}

/** PVE's own per-CT lock (`lock: backup` in the config), not pxdeploy's operation lock. Exit 5 like every "locked". */
export class CtLockedError extends PxError {
  readonly vmid: number | undefined;
  readonly lock: string;
  readonly pveMessage: string;
  constructor(init: PveErrorInit & { lock: string }) {
    const who = init.vmid !== undefined ? `CT ${init.vmid}` : 'the CT';
    super(
      `${who} is locked (${init.lock})`,
      ExitCode.locked,
      `wait for the task holding the '${init.lock}' lock to finish; if none is running, clear it with: pct unlock ${init.vmid ?? '<vmid>'}`,
      { cause: init.cause },
    );
    this.vmid = init.vmid;
    this.lock = init.lock;
    this.pveMessage = init.pveMessage;
  }
  override details(): Record<string, unknown> {
    return pveDetails(this, { lock: this.lock });
  }
}

export class NotRunningError extends PxError {
  readonly vmid: number | undefined;
  readonly pveMessage: string;
  constructor(init: PveErrorInit) {
    super(init.vmid !== undefined ? `CT ${init.vmid} is not running` : 'the CT is not running', ExitCode.other, init.vmid !== undefined ? `start it with: pct start ${init.vmid}` : undefined, { cause: init.cause });
    this.vmid = init.vmid;
    this.pveMessage = init.pveMessage;
  }
  override details(): Record<string, unknown> {
    return pveDetails(this);
  }
}

export class AlreadyRunningError extends PxError {
  readonly vmid: number | undefined;
  readonly pveMessage: string;
  constructor(init: PveErrorInit) {
    super(`CT ${init.vmid ?? '?'} is already running`, ExitCode.other, undefined, { cause: init.cause });
    this.vmid = init.vmid;
    this.pveMessage = init.pveMessage;
  }
  override details(): Record<string, unknown> {
    return pveDetails(this);
  }
}

export class ProtectedError extends PxError {
  readonly vmid: number | undefined;
  readonly pveMessage: string;
  constructor(init: PveErrorInit) {
    super(init.pveMessage, ExitCode.other, `turn protection off first: pct set ${init.vmid ?? '<vmid>'} --protection 0`, { cause: init.cause });
    this.vmid = init.vmid;
    this.pveMessage = init.pveMessage;
  }
  override details(): Record<string, unknown> {
    return pveDetails(this);
  }
}

/** PVE rejected the arguments (`400 Parameter verification failed.` and friends). Exit 2: bad input. */
export class ParameterError extends PxError {
  /** param → reason, in PVE's order. */
  readonly params: Record<string, string>;
  readonly usage: string | undefined;
  constructor(display: string, params: Record<string, string>, opts: { summary?: string; usage?: string | undefined; cause?: unknown } = {}) {
    const lines = Object.entries(params).map(([k, v]) => `\n  ${k}: ${v}`);
    super(`${display}: ${opts.summary ?? 'parameter verification failed'}${lines.join('')}`, ExitCode.badInput, opts.usage ? `usage: ${opts.usage}` : undefined, { cause: opts.cause });
    this.params = params;
    this.usage = opts.usage;
  }
  override details(): Record<string, unknown> {
    return { params: this.params, usage: this.usage };
  }
}

/**
 * PVE waited 10 s for the per-CT config file lock and gave up: another task is changing the same CT.
 * Nothing was changed, so the call may be retried with back-off (see retryOnConfigLockTimeout).
 */
export class ConfigLockTimeoutError extends PxError {
  readonly retryable = true;
  readonly lockFile: string;
  readonly vmid: number | undefined;
  readonly pveMessage: string;
  constructor(init: PveErrorInit & { lockFile: string }) {
    super(
      `timed out waiting for the config lock of CT ${init.vmid ?? '?'} (${init.lockFile})`,
      ExitCode.locked,
      'another task is changing this container; try again in a moment',
      { cause: init.cause },
    );
    this.lockFile = init.lockFile;
    this.vmid = init.vmid;
    this.pveMessage = init.pveMessage;
  }
  override details(): Record<string, unknown> {
    return pveDetails(this, { lockFile: this.lockFile, retryable: true });
  }
}

/** The CT's config does not exist on this node. A NotFoundError (exit 3) that also names the vmid and node. */
export class CtNotFoundError extends NotFoundError {
  readonly vmid: number;
  readonly node: string;
  constructor(vmid: number, node: string, cause?: unknown) {
    super(`CT ${vmid} does not exist on node '${node}'`, 'list containers with `pct list`');
    this.vmid = vmid;
    this.node = node;
    if (cause !== undefined) this.cause = cause;
  }
  override details(): Record<string, unknown> {
    return { vmid: this.vmid, node: this.node };
  }
}


// skopeo's fatal lines are classified into these in host/skopeo/errors.ts.

/** Credentials missing or refused. Exit 1: not bad input to pxdeploy, and not a lock or a missing thing. */
export class RegistryAuthError extends PxError {
  readonly image: string | undefined;
  constructor(message: string, image: string | undefined, cause?: unknown) {
    super(
      message,
      ExitCode.other,
      'pass registry credentials with --creds-file F (a file holding one line "user:password"; never on the command line), or log in with `skopeo login <registry>` and pass --authfile F (its auth.json)',
      { cause },
    );
    this.image = image;
  }
  override details(): Record<string, unknown> {
    return { image: this.image };
  }
}

export class RegistryUnreachableError extends PxError {
  readonly image: string | undefined;
  constructor(message: string, image: string | undefined, hint: string, cause?: unknown) {
    super(message, ExitCode.other, hint, { cause });
    this.image = image;
  }
  override details(): Record<string, unknown> {
    return { image: this.image };
  }
}


/** A provisioning step failed inside the CT; the step and the tail of its output are kept in the container state. */
export class ProvisionStepError extends PxError {
  readonly step: string;
  readonly outputTail: string;
  constructor(step: string, message: string, outputTail: string, hint?: string, options?: { cause?: unknown }) {
    super(`provisioning step ${step} failed: ${message}${outputTail ? `\n${outputTail}` : ''}`, ExitCode.other, hint, options);
    this.step = step;
    this.outputTail = outputTail;
  }
  override details(): Record<string, unknown> {
    return { step: this.step, output: this.outputTail };
  }
}

/**
 * The host cannot take the spec as it is: every problem at once, as `validate` prints them. Exit 2
 * when the spec cannot work here (taken vmid, memory beyond the node's, a pool without rootdir), 3
 * when only something on the host is missing (a template, a bridge, a storage, a device).
 */
export class PreflightError extends PxError {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[], onlyMissing: boolean, hint?: string) {
    const head = problems.length === 1 ? 'preflight failed' : `preflight failed (${problems.length} problems)`;
    super(`${head}:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`, onlyMissing ? ExitCode.notFound : ExitCode.badInput, hint);
    this.problems = problems;
  }
  override details(): Record<string, unknown> {
    return { problems: this.problems };
  }
}

/** Something did not happen within its deadline (a CT's address, systemd, a health endpoint). */
export class TimeoutError extends PxError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.other, hint);
  }
}
