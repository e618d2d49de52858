// PVE's error texts (pve-cli.md §2.3) → the typed errors of src/errors.ts; the one place stderr is read for them.
import { AlreadyExistsError, AlreadyRunningError, ConfigLockTimeoutError, CtLockedError, CtNotFoundError, NotFoundError, NotRunningError, ParameterError, ProtectedError, PxError } from '../errors.js';
import { displayCommand, type HostCommand } from './command.js';

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
