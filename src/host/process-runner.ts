// The real Runner: spawns host tools with node:child_process from argv arrays (never a shell) and reports failures typed.
//
// Not execa: importing it costs about 80 ms (over 100 modules) on every pxdeploy run that spawns
// anything, more than half of the CLI's start-up; what pxdeploy needs of it is the few lines below.
import { spawn } from 'node:child_process';
import { HostCommandError } from '../errors.js';
import { displayCommand, type CommandResult, type HostCommand, type RunOptions, type Runner } from './command.js';
import { failureFromResult, failureTail, notStartedHint } from './failure.js';

export const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
/** After a timeout's SIGTERM, how long a command gets to exit before SIGKILL. */
const FORCE_KILL_AFTER_MS = 5000;

export interface ProcessRunnerOptions {
  /** Used when a command sets no `timeoutMs`. Default 10 minutes. */
  defaultTimeoutMs?: number;
}

interface Ended {
  exitCode: number | undefined;
  signal: string | undefined;
  /** The spawn error's code (ENOENT, EACCES) when the command never started. */
  code: string | undefined;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/** Runs one command to its end; never rejects (every way it can end is in the result). */
function runToEnd(cmd: HostCommand, timeoutMs: number): Promise<Ended> {
  return new Promise((resolve) => {
    const child = spawn(cmd.file, [...cmd.args], {
      shell: false,
      // Without input, stdin is /dev/null: a tool that prompts (pct create --password) must fail, not hang.
      stdio: [cmd.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      env: cmd.env ? { ...process.env, ...cmd.env } : process.env,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let settled = false;
    let forceKill: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      forceKill = setTimeout(() => child.kill('SIGKILL'), FORCE_KILL_AFTER_MS);
    }, timeoutMs);
    const finish = (e: Omit<Ended, 'stdout' | 'stderr' | 'timedOut'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(forceKill);
      resolve({ ...e, timedOut, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      out.push(chunk);
      // Progress (skopeo's "Copying blob …") goes to the person at the terminal, stdout stays ours to parse.
      if (cmd.showOutput) process.stderr.write(chunk);
    });
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (e: NodeJS.ErrnoException) => finish({ exitCode: undefined, signal: undefined, code: e.code }));
    // A killed command's own children may keep its stdout open (pct exec → the process inside the
    // CT, sh → sleep): stop waiting for them, or a timeout would last as long as they do.
    child.on('exit', (_code, signal) => {
      if (signal) {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }
    });
    child.on('close', (code, signal) => finish({ exitCode: code ?? undefined, signal: signal ?? undefined, code: undefined }));
    if (cmd.input !== undefined && child.stdin) {
      // A command that exits without reading its input must not crash pxdeploy with EPIPE.
      child.stdin.on('error', () => undefined);
      child.stdin.end(cmd.input);
    }
  });
}

export class ProcessRunner implements Runner {
  private readonly defaultTimeoutMs: number;

  constructor(opts: ProcessRunnerOptions = {}) {
    this.defaultTimeoutMs = opts.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async run(cmd: HostCommand, opts: RunOptions = {}): Promise<CommandResult> {
    const display = displayCommand(cmd);
    const timeoutMs = cmd.timeoutMs ?? this.defaultTimeoutMs;
    const started = performance.now();
    const r = await runToEnd(cmd, timeoutMs);
    const durationMs = Math.round(performance.now() - started);
    // Parsers are tested byte for byte against recorded output: stdout is kept as it came, final newline included.
    if (r.exitCode === undefined || r.timedOut) {
      throw abnormalEnd(cmd, display, { ...r, timeoutMs });
    }
    const result: CommandResult = { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, durationMs };
    if (r.exitCode !== 0 && !opts.allowFailure) throw failureFromResult(cmd, result);
    return result;
  }
}

/**
 * A command that has no exit code: it never started, timed out, or died from a signal. These always
 * throw, even with allowFailure, because there is no result a caller could inspect.
 */
function abnormalEnd(
  cmd: HostCommand,
  display: string,
  r: { timedOut: boolean; signal: string | undefined; code: string | undefined; stdout: string; stderr: string; timeoutMs: number },
): HostCommandError {
  const stderrTail = failureTail(cmd, r);
  if (r.timedOut) {
    const secs = Math.round(r.timeoutMs / 100) / 10;
    return new HostCommandError({
      display,
      exitCode: undefined,
      stderrTail,
      timedOut: true,
      message: `command timed out after ${secs}s: ${display}${stderrTail ? `\n${stderrTail}` : ''}`,
    });
  }
  if (r.signal) {
    return new HostCommandError({
      display,
      exitCode: undefined,
      stderrTail,
      message: `command was killed by ${r.signal}: ${display}${stderrTail ? `\n${stderrTail}` : ''}`,
    });
  }
  const code = r.code ?? 'unknown error';
  return new HostCommandError({
    display,
    exitCode: undefined,
    stderrTail,
    message: `command could not be started (${code}): ${display}`,
    hint: notStartedHint(cmd.file, r.code),
  });
}
