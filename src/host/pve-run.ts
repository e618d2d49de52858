// Run a PVE command and get typed errors: the one place stderr is turned into NotFound/Locked/... errors.
import { HostCommandError, type PxError } from '../errors.js';
import { displayCommand, redact, type CommandResult, type HostCommand, type RunOptions, type Runner } from './command.js';
import { tailLines } from './failure.js';
import { ConfigLockTimeoutError } from '../errors.js';
import { classifyPveFailure } from './pve-errors.js';

/**
 * Worker commands without PVE's exit post-handler: on failure they print the error to stderr and
 * still exit 0 (pve-cli.md §1). Keyed `file subcommand`.
 */
const EXIT_ZERO_ON_FAILURE = new Set(['pct push', 'pct pull', 'pct template', 'pct resize', 'pveam download', 'pveam update', 'pvesh create', 'pvesh delete']);

/** stderr lines that are noise, not a failure report. */
function isNoise(line: string): boolean {
  const l = line.trim();
  return l === '' || /^(WARN|WARNING|warning):/.test(l) || /^Task finished with \d+ warning/.test(l) || /^Use of uninitialized value/.test(l);
}

/** The failure a worker reported on stderr although it exited 0, if any. */
export function exitZeroFailure(cmd: HostCommand, result: CommandResult): PxError | undefined {
  if (!EXIT_ZERO_ON_FAILURE.has(`${cmd.file} ${cmd.args[0] ?? ''}`)) return undefined;
  const stderr = redact(result.stderr, cmd.secrets);
  if (stderr.split('\n').every(isNoise)) return undefined;
  const cause = new HostCommandError({
    display: displayCommand(cmd),
    exitCode: 0,
    stderrTail: tailLines(stderr),
    message: `command reported an error (although it exited 0): ${displayCommand(cmd)}\n${tailLines(stderr)}`,
  });
  return classifyPveFailure(cmd, stderr, cause) ?? cause;
}

/** A HostCommandError from a PVE tool, replaced by its typed form when the text is known. */
export function mapPveError(cmd: HostCommand, err: HostCommandError): PxError {
  if (err.commandExitCode === undefined) return err; // never ran, timed out or killed: there is no PVE message
  return classifyPveFailure(cmd, err.stderrTail, err) ?? err;
}

/**
 * Run a pct/pveam/pvesm/pvesh command; failures come back as typed errors (NotFoundError,
 * CtLockedError, AlreadyExistsError, ParameterError, ...) or a HostCommandError. With allowFailure a
 * non-zero exit is returned for the caller to inspect, but a failure hidden behind exit 0 still throws
 * because its exit code cannot tell the caller anything.
 */
export async function runPve(runner: Runner, cmd: HostCommand, opts: RunOptions = {}): Promise<CommandResult> {
  let result: CommandResult;
  try {
    result = await runner.run(cmd, opts);
  } catch (err) {
    throw err instanceof HostCommandError ? mapPveError(cmd, err) : err;
  }
  if (result.exitCode === 0) {
    const hidden = exitZeroFailure(cmd, result);
    if (hidden) throw hidden;
  }
  return result;
}

export interface RetryOptions {
  /** Wait before each retry; one retry per entry. Default 1 s, 2 s, 4 s. */
  delaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
}

/** Retry `fn` while it fails with ConfigLockTimeoutError (nothing changed, another task held the CT). */
export async function retryOnConfigLockTimeout<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const delays = opts.delaysMs ?? [1000, 2000, 4000];
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const delay = delays[attempt];
      if (!(err instanceof ConfigLockTimeoutError) || delay === undefined) throw err;
      await sleep(delay);
    }
  }
}
