// The real Runner: spawns host tools with execa from argv arrays (never a shell) and reports failures typed.
import { HostCommandError } from '../errors.js';
import { displayCommand, type CommandResult, type HostCommand, type RunOptions, type Runner } from './command.js';
import { failureFromResult, failureTail, notStartedHint } from './failure.js';

export const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;

export interface ExecaRunnerOptions {
  /** Used when a command sets no `timeoutMs`. Default 10 minutes. */
  defaultTimeoutMs?: number;
}

export class ExecaRunner implements Runner {
  private readonly defaultTimeoutMs: number;

  constructor(opts: ExecaRunnerOptions = {}) {
    this.defaultTimeoutMs = opts.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async run(cmd: HostCommand, opts: RunOptions = {}): Promise<CommandResult> {
    // Loaded here, not at module top, so `pxdeploy --help` and pure commands never pay for execa.
    const { execa } = await import('execa');
    const display = displayCommand(cmd);
    const timeoutMs = cmd.timeoutMs ?? this.defaultTimeoutMs;
    const subprocess = execa(cmd.file, [...cmd.args], {
      reject: false,
      shell: false,
      timeout: timeoutMs,
      // Parsers are tested byte for byte against recorded output, so keep the final newline.
      stripFinalNewline: false,
      // Without input, stdin is /dev/null: a tool that prompts (pct create --password) must fail, not hang.
      ...(cmd.input !== undefined ? { input: cmd.input } : { stdin: 'ignore' as const }),
      env: cmd.env ? { ...cmd.env } : undefined,
      extendEnv: true,
    });
    // Progress (skopeo's "Copying blob …") goes to the person at the terminal, stdout stays ours to parse.
    if (cmd.showOutput) subprocess.stdout?.on('data', (chunk: Buffer) => void process.stderr.write(chunk));
    // A killed command's own children may keep its stdout open (pct exec → the process inside the
    // CT, sh → sleep): stop waiting for them, or a timeout would last as long as they do.
    subprocess.on('exit', (_code, signal) => {
      if (signal) {
        subprocess.stdout?.destroy();
        subprocess.stderr?.destroy();
      }
    });
    const r = await subprocess;
    const stdout = typeof r.stdout === 'string' ? r.stdout : '';
    const stderr = typeof r.stderr === 'string' ? r.stderr : '';
    const durationMs = Math.round(r.durationMs);

    if (r.exitCode === undefined) {
      const err = abnormalEnd(cmd, display, { timedOut: r.timedOut, signal: r.signal, code: r.code, stdout, stderr, timeoutMs });
      throw err;
    }

    const result: CommandResult = { exitCode: r.exitCode, stdout, stderr, durationMs };
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
