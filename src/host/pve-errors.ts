// PVE's error texts (pve-cli.md §2.3) → typed errors; the classes live here because only host/ raises them.
import { ExitCode, NotFoundError, PxError } from '../errors.js';
import { displayCommand, type HostCommand } from './command.js';

interface PveErrorInit {
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

/** NotFoundError has no cause parameter; keep the failed command reachable for --verbose anyway. */
function notFound(message: string, hint: string | undefined, cause: unknown): NotFoundError {
  const err = new NotFoundError(message, hint);
  if (cause !== undefined) err.cause = cause;
  return err;
}

/** The vmid a pct command is about (`pct <sub> <vmid> ...`), if any. */
export function vmidOf(cmd: HostCommand): number | undefined {
  if (cmd.file !== 'pct') return undefined;
  const a = cmd.args[1];
  return a !== undefined && /^\d+$/.test(a) ? Number(a) : undefined;
}

function parseParamBlock(lines: string[], start: number): { params: Record<string, string>; usage: string | undefined } {
  const params: Record<string, string> = {};
  let i = start + 1;
  for (; i < lines.length; i++) {
    const m = /^([A-Za-z][\w.-]*): (.*)$/.exec(lines[i]!);
    if (!m) break;
    params[m[1]!] = m[2]!;
  }
  const usage = lines.slice(i).find((l) => l.trim() !== '');
  return { params, usage: usage?.trim() };
}

/**
 * Map a failed PVE command's stderr to a typed error, or undefined when the text is not one we know
 * (the caller then keeps its HostCommandError). `stderr` must already be redacted.
 */
export function classifyPveFailure(cmd: HostCommand, stderr: string, cause?: unknown): PxError | undefined {
  const all = stderr.split('\n').map((l) => l.replace(/\r$/, ''));
  const nonEmpty = all.filter((l) => l.trim() !== '');
  const isExec = cmd.file === 'pct' && (cmd.args[0] === 'exec' || cmd.args[0] === 'enter');
  // pct exec's stderr is the command's own; only pct's preconditions (a single line before the exec) are PVE's.
  if (isExec && nonEmpty.length !== 1) return undefined;
  const lines = isExec ? nonEmpty : all;
  const cmdVmid = vmidOf(cmd);
  const vmidFrom = (s: string | undefined): number | undefined => (s !== undefined ? Number(s) : cmdVmid);

  const blockAt = lines.findIndex((l) => /^400 Parameter verification failed\.?\s*$/.test(l));
  if (blockAt >= 0 && !isExec) {
    const { params, usage } = parseParamBlock(lines, blockAt);
    const exists = params.vmid !== undefined ? /^(?:VM|CT) (\d+) already exists/.exec(params.vmid) : null;
    if (exists) return new AlreadyExistsError(`vmid ${exists[1]} is already in use`, { vmid: Number(exists[1]), pveMessage: params.vmid!, cause });
    if (params.template === 'no such template') {
      return notFound(`template not found in the pveam index: ${cmd.args[2] ?? '?'}`, 'refresh the index with `pveam update`, then check `pveam available`', cause);
    }
    return new ParameterError(displayCommand(cmd), params, { usage, cause });
  }

  for (const line of lines) {
    let m: RegExpExecArray | null;
    if ((m = /container '(\d+)' not running!|^(?:CT|VM) (\d+) not running\s*$/.exec(line))) {
      return new NotRunningError({ vmid: vmidFrom(m[1] ?? m[2]), pveMessage: line, cause });
    }
    if ((m = /Configuration file 'nodes\/([^/']+)\/(?:lxc|qemu-server)\/(\d+)\.conf' does not exist/.exec(line))) {
      return new CtNotFoundError(Number(m[2]), m[1]!, cause);
    }
    if (isExec) continue; // the rest can only be the container command's own words
    if ((m = /^400 (.+)$/.exec(line))) {
      const usage = lines.slice(lines.indexOf(line) + 1).find((l) => l.trim() !== '');
      return new ParameterError(displayCommand(cmd), {}, { summary: m[1]!, usage: usage?.trim(), cause });
    }
    if ((m = /can't lock file '([^']+)' - got timeout/.exec(line))) {
      const fromFile = /pve-config-(\d+)\.lock/.exec(m[1]!)?.[1];
      return new ConfigLockTimeoutError({ lockFile: m[1]!, vmid: vmidFrom(fromFile), pveMessage: line, cause });
    }
    if ((m = /CT is locked \(([^)]*)\)/.exec(line))) {
      return new CtLockedError({ lock: m[1]!, vmid: cmdVmid, pveMessage: line, cause });
    }
    if ((m = /\b(?:CT|VM) (\d+) already exists on node '([^']+)'/.exec(line))) {
      return new AlreadyExistsError(`vmid ${m[1]} is already in use on node '${m[2]}'`, { vmid: Number(m[1]), node: m[2], pveMessage: line, cause });
    }
    if (/can only (?:push files to a running CT|pull files from a running VM)/.test(line)) {
      return new NotRunningError({ vmid: cmdVmid, pveMessage: line, cause });
    }
    if ((m = /^CT (\d+) already running\s*$/.exec(line))) {
      return new AlreadyRunningError({ vmid: Number(m[1]), pveMessage: line, cause });
    }
    if (/ - protection mode enabled\s*$/.test(line)) {
      return new ProtectedError({ vmid: cmdVmid, pveMessage: line.trim(), cause });
    }
    if ((m = /snapshot '([^']+)' does not exist/.exec(line))) {
      return notFound(`snapshot '${m[1]}' of CT ${cmdVmid ?? '?'} does not exist`, cmdVmid !== undefined ? `see: pct listsnapshot ${cmdVmid}` : undefined, cause);
    }
    if ((m = /storage '([^']+)' does not exist/.exec(line))) {
      return notFound(`storage '${m[1]}' does not exist`, 'list storages with `pvesm status`', cause);
    }
    if ((m = /failed to open '([^']+)': No such file or directory/.exec(line))) {
      return notFound(`file not found: ${m[1]}`, 'check the template with `pveam list <storage>`', cause);
    }
  }
  return undefined;
}
