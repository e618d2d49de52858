// --dry-run: print every mutating command (redacted) and pretend it succeeded; reads still run for real.
import { displayCommand, redact, type CommandResult, type HostCommand, type RunOptions, type Runner } from './command.js';

export interface PlannedCommand {
  file: string;
  /** Arguments with secrets replaced by `***`. */
  args: string[];
  /** The redacted command line, as printed. */
  display: string;
  /** True when the command would have been fed data on stdin (not shown). */
  hasInput: boolean;
}

export interface DryRunRunnerOptions {
  /** Runs the read-only commands so plans can be built from the real host state. */
  inner: Runner;
  /** Where the `[dry-run] ...` lines go; default stdout. Under --json pass a no-op and use `planned`. */
  write?: (line: string) => void;
  /** Also print the read-only commands (prefixed `[dry-run] (read)`). Default false. */
  showReads?: boolean;
}

export const DRY_RUN_PREFIX = '[dry-run]';

export class DryRunRunner implements Runner {
  /** Every mutating command that would have run, in order. */
  readonly planned: PlannedCommand[] = [];
  private readonly inner: Runner;
  private readonly write: (line: string) => void;
  private readonly showReads: boolean;

  constructor(opts: DryRunRunnerOptions) {
    this.inner = opts.inner;
    this.write = opts.write ?? ((line) => void process.stdout.write(`${line}\n`));
    this.showReads = opts.showReads ?? false;
  }

  async run(cmd: HostCommand, opts: RunOptions = {}): Promise<CommandResult> {
    const display = displayCommand(cmd);
    if (cmd.readOnly) {
      if (this.showReads) this.write(`${DRY_RUN_PREFIX} (read) ${display}`);
      return this.inner.run(cmd, opts);
    }
    this.planned.push({
      file: cmd.file,
      args: cmd.args.map((a) => redact(a, cmd.secrets)),
      display,
      hasInput: cmd.input !== undefined,
    });
    this.write(`${DRY_RUN_PREFIX} ${display}`);
    return { exitCode: 0, stdout: '', stderr: '', durationMs: 0 };
  }
}
