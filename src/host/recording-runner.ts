// Test Runner: answers from a list of expected commands and fails loudly on any command nobody expected.
import { readFileSync } from 'node:fs';
import { HostCommandError } from '../errors.js';
import { displayCommand, redact, type CommandResult, type HostCommand, type RunOptions, type Runner } from './command.js';
import { failureFromResult, notStartedHint } from './failure.js';

export interface ExpectedCommand {
  file: string;
  args: readonly string[];
  /** What the command "prints" and how it exits; defaults to exit 0 with no output. */
  result?: { exitCode?: number; stdout?: string; stderr?: string };
  /** Read stdout from this file (a recorded fixture) instead of `result.stdout`. */
  stdoutFile?: string;
  /** When set, the command's stdin must equal this. */
  input?: string;
  /** Make the command end like a real one that never finished. */
  simulate?: 'timeout' | 'not-installed';
}

export interface RecordingRunnerOptions {
  /** `ordered` (default): commands must come in the listed order. `any`: each expectation matches once, in any order. */
  order?: 'ordered' | 'any';
}

/** Not a PxError on purpose: product code that handles PxErrors must not swallow a test failure. */
export class UnexpectedCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnexpectedCommandError';
  }
}

interface Loaded {
  exp: ExpectedCommand;
  result: { exitCode: number; stdout: string; stderr: string };
}

export class RecordingRunner implements Runner {
  /** Every command run, expected or not, in order. */
  readonly calls: HostCommand[] = [];
  private readonly pending: Loaded[] = [];
  private readonly order: 'ordered' | 'any';
  private readonly failures: string[] = [];

  constructor(expectations: readonly ExpectedCommand[] = [], opts: RecordingRunnerOptions = {}) {
    this.order = opts.order ?? 'ordered';
    for (const e of expectations) this.expect(e);
  }

  /** Add one more expected command; fixture files are read now so a missing fixture fails at setup. */
  expect(exp: ExpectedCommand): this {
    const stdout = exp.stdoutFile !== undefined ? readFileSync(exp.stdoutFile, 'utf8') : (exp.result?.stdout ?? '');
    this.pending.push({ exp, result: { exitCode: exp.result?.exitCode ?? 0, stdout, stderr: exp.result?.stderr ?? '' } });
    return this;
  }

  /** Expectations not yet used, in order. */
  get remaining(): readonly ExpectedCommand[] {
    return this.pending.map((p) => p.exp);
  }

  /** The argv (file first) of every command run so far; handy for exact comparisons. */
  get argvs(): string[][] {
    return this.calls.map((c) => [c.file, ...c.args]);
  }

  async run(cmd: HostCommand, opts: RunOptions = {}): Promise<CommandResult> {
    this.calls.push(cmd);
    const index = this.order === 'ordered' ? (this.pending[0] && matches(this.pending[0].exp, cmd) ? 0 : -1) : this.pending.findIndex((p) => matches(p.exp, cmd));
    const hit = index >= 0 ? this.pending.splice(index, 1)[0] : undefined;
    if (!hit) {
      const message = this.describeUnexpected(cmd);
      this.failures.push(message);
      throw new UnexpectedCommandError(message);
    }
    const display = displayCommand(cmd);
    if (hit.exp.simulate === 'timeout') {
      throw new HostCommandError({ display, exitCode: undefined, stderrTail: '', timedOut: true, message: `command timed out: ${display}` });
    }
    if (hit.exp.simulate === 'not-installed') {
      throw new HostCommandError({
        display,
        exitCode: undefined,
        stderrTail: '',
        message: `command could not be started (ENOENT): ${display}`,
        hint: notStartedHint(cmd.file, 'ENOENT'),
      });
    }
    const result: CommandResult = { ...hit.result, durationMs: 0 };
    if (result.exitCode !== 0 && !opts.allowFailure) throw failureFromResult(cmd, result);
    return result;
  }

  /** Fails when an expected command did not run, or an unexpected one was attempted (even if the code under test caught it). */
  assertDone(): void {
    const problems = [...this.failures];
    if (this.pending.length > 0) {
      problems.push(`${this.pending.length} expected command(s) did not run:\n${this.pending.map((p) => `  ${show(p.exp)}`).join('\n')}`);
    }
    if (problems.length > 0) throw new UnexpectedCommandError(problems.join('\n'));
  }

  private describeUnexpected(cmd: HostCommand): string {
    const n = this.calls.length;
    const head = `unexpected host command #${n}: ${show(cmd)}`;
    if (this.pending.length === 0) return `${head}\n  no more commands were expected`;
    if (this.order === 'ordered') {
      const next = this.pending[0]!.exp;
      const why = sameArgv(next, cmd) ? ' (argv matches; stdin differs)' : '';
      return `${head}\n  expected next: ${show(next)}${why}\n  (${this.pending.length} expected command(s) remaining)`;
    }
    return `${head}\n  expected one of:\n${this.pending.map((p) => `    ${show(p.exp)}`).join('\n')}`;
  }
}

function sameArgv(exp: ExpectedCommand, cmd: HostCommand): boolean {
  return exp.file === cmd.file && exp.args.length === cmd.args.length && exp.args.every((a, i) => a === cmd.args[i]);
}

function matches(exp: ExpectedCommand, cmd: HostCommand): boolean {
  return sameArgv(exp, cmd) && (exp.input === undefined || exp.input === cmd.input);
}

/** JSON-quoted argv: unambiguous about spaces and empty strings, which matter when argv is compared exactly. */
function show(c: { file: string; args: readonly string[]; secrets?: readonly string[] }): string {
  return JSON.stringify([c.file, ...c.args].map((a) => redact(a, c.secrets)));
}
