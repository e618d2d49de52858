// One step's access to its CT: run argv through pct exec, read through afterApply, push content via a host scratch file.
import path from 'node:path';
import type { Context } from '../../context.js';
import { HostCommandError, ProvisionStepError } from '../../errors.js';
import { redact, type CommandResult, type HostCommand } from '../../host/command.js';
import { tailLines } from '../../host/failure.js';
import { pctExec, pctPush, type PctFileOptions } from '../../host/pct/argv.js';
import { classifyPveFailure } from '../../host/pve-errors.js';
import { runPve } from '../../host/pve-run.js';
import type { ProvisionTarget } from '../types.js';

/** Lines of a failed command's output kept in the error and the container state. */
export const OUTPUT_TAIL_LINES = 20;

/** Most in-CT commands are quick; package managers and scripts pass their own, longer limits. */
const DEFAULT_TIMEOUT_MS = 5 * 60_000;

export interface ExecOptions {
  /** Short name of the command for error messages ("apt-get install"). */
  what: string;
  timeoutMs?: number;
  input?: string;
  /** Return a non-zero result instead of throwing (the step decides what it means). */
  allowFailure?: boolean;
  /** Shown under the error when the command fails. */
  hint?: string;
}

/** stdout then stderr (a CT command's complaint is usually on stderr, so it ends the tail), redacted, last lines only. */
export function outputTail(result: Pick<CommandResult, 'stdout' | 'stderr'>, secrets: readonly string[]): string {
  const both = [result.stdout.replace(/\s+$/, ''), result.stderr.replace(/\s+$/, '')].filter((s) => s !== '').join('\n');
  return tailLines(redact(both, secrets), OUTPUT_TAIL_LINES);
}

export class StepRun {
  constructor(
    readonly ctx: Context,
    readonly target: ProvisionTarget,
    readonly stepId: string,
    /** Every secret of the spec: passed with each command so no display, log line or error tail shows one. */
    readonly secrets: readonly string[],
  ) {}

  get vmid(): number {
    return this.target.vmid;
  }

  fail(message: string, tail = '', hint?: string, cause?: unknown): ProvisionStepError {
    return new ProvisionStepError(this.stepId, redact(message, this.secrets), tail, hint, cause === undefined ? undefined : { cause });
  }

  private command(argv: readonly string[], opts: { timeoutMs?: number; input?: string; readOnly?: boolean }): HostCommand {
    return pctExec(this.vmid, argv, {
      timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(opts.input !== undefined ? { input: opts.input } : {}),
      ...(opts.readOnly ? { readOnly: true } : {}),
      secrets: this.secrets,
    });
  }

  private async perform(cmd: HostCommand, opts: ExecOptions): Promise<CommandResult> {
    let result: CommandResult;
    try {
      result = await runPve(this.ctx.effects, cmd, { allowFailure: true });
    } catch (err) {
      if (err instanceof HostCommandError && err.timedOut) {
        const seconds = Math.round((cmd.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000);
        throw this.fail(`${opts.what} did not finish within ${seconds}s`, '', opts.hint, err);
      }
      throw err;
    }
    if (result.exitCode === 0) return result;
    // pct's own precondition (CT missing or stopped) is never the command's answer, even to a caller that allows failure.
    const pve = classifyPveFailure(cmd, redact(result.stderr, this.secrets));
    if (pve) throw pve;
    if (opts.allowFailure) return result;
    throw this.fail(`${opts.what} failed with exit code ${result.exitCode}`, outputTail(result, this.secrets), opts.hint);
  }

  /** Run a command that changes the CT (listed, not run, under --dry-run). */
  exec(argv: readonly string[], opts: ExecOptions): Promise<CommandResult> {
    return this.perform(this.command(argv, opts), opts);
  }

  /**
   * A read inside the CT. Under --dry-run the CT may not exist yet, so the read is not run but listed
   * ("then read …") and `undefined` (unknown) comes back; the step then plans as for a fresh CT.
   */
  read(what: string, argv: readonly string[]): Promise<CommandResult | undefined> {
    return this.ctx.effects.afterApply<CommandResult | undefined>(
      `read ${what} in CT ${this.vmid}`,
      () => this.perform(this.command(argv, { readOnly: true }), { what: `reading ${what}`, allowFailure: true }),
      undefined,
    );
  }

  /**
   * The content of a file in the CT, '' when it does not exist, undefined while planning. `cat` fails
   * for a missing file and for an unreadable one alike, so `test -e` tells the two apart.
   */
  async readFile(file: string): Promise<string | undefined> {
    const cat = await this.read(file, ['cat', file]);
    if (cat === undefined || cat.exitCode === 0) return cat?.stdout;
    const exists = await this.read(`whether ${file} exists`, ['test', '-e', file]);
    if (exists === undefined || exists.exitCode === 1) return '';
    throw this.fail(`cannot read ${file} (exit code ${cat.exitCode})`, outputTail(cat, this.secrets));
  }

  /**
   * Put `content` into the CT at `destination`: a 0600 host scratch file, `pct push`, and the scratch
   * file removed whatever happens. The content never appears in an argv.
   */
  async push(label: string, content: string, destination: string, opts: PctFileOptions): Promise<void> {
    const { effects, paths } = this.ctx;
    const hostFile = path.join(paths.scratchDir, `ct${this.vmid}-${process.pid}-${label}`);
    await effects.writeFile(hostFile, content, { mode: 0o600 });
    try {
      const cmd = { ...pctPush(this.vmid, hostFile, destination, opts), secrets: this.secrets };
      try {
        await runPve(effects, cmd);
      } catch (err) {
        if (err instanceof HostCommandError) throw this.fail(`could not copy ${label} to ${destination} in CT ${this.vmid}`, err.stderrTail, undefined, err);
        throw err;
      }
    } finally {
      await effects.remove(hostFile);
    }
  }
}
