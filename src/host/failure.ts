// How a finished host command becomes a HostCommandError: redacted display, exit code, stderr tail.
import { HostCommandError } from '../errors.js';
import { displayCommand, redact, type CommandResult, type HostCommand } from './command.js';

/** Enough lines to show PVE's error and the usage block after a 400, short enough for a terminal. */
export const STDERR_TAIL_LINES = 20;

/** The last `n` lines of `text`, trailing blank lines dropped. */
export function tailLines(text: string, n: number = STDERR_TAIL_LINES): string {
  const trimmed = text.replace(/\s+$/, '');
  if (trimmed === '') return '';
  return trimmed.split('\n').slice(-n).join('\n');
}

/**
 * The tail users see when a command fails. Redaction runs on the whole text before cutting, so a
 * secret that spans the cut is still removed. Falls back to stdout when stderr is empty because some
 * tools print their complaint there.
 */
export function failureTail(cmd: HostCommand, result: Pick<CommandResult, 'stdout' | 'stderr'>): string {
  const source = result.stderr.trim() !== '' ? result.stderr : result.stdout;
  return tailLines(redact(source, cmd.secrets));
}

/** The error for a command that ran and exited non-zero. */
export function failureFromResult(cmd: HostCommand, result: Pick<CommandResult, 'exitCode' | 'stdout' | 'stderr'>): HostCommandError {
  return new HostCommandError({ display: displayCommand(cmd), exitCode: result.exitCode, stderrTail: failureTail(cmd, result) });
}

/** What to tell the user when a program cannot be started at all. */
export function notStartedHint(file: string, code: string | undefined): string {
  if (code === 'EACCES') return `${file} is not executable by this user`;
  if (file === 'skopeo') return 'is skopeo installed? install it with: apt install skopeo';
  if (['pct', 'pveam', 'pvesm', 'pvesh', 'vzdump'].includes(file)) {
    return `is ${file} installed? pxdeploy must run on a Proxmox VE node`;
  }
  return `is ${file} installed and on PATH?`;
}
