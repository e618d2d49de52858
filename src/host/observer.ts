// A hook that sees every finished host command (redacted) so the operation log can record it.

export interface CommandRecord {
  /** Redacted command line. */
  display: string;
  /** Undefined when the command never started, timed out or was killed by a signal. */
  exitCode: number | undefined;
  durationMs: number;
  timedOut: boolean;
  /** Redacted last lines of stderr (empty on success for most tools). */
  stderrTail: string;
}

export type CommandObserver = (record: CommandRecord) => void;

/**
 * Call the observer without letting it change the outcome: a failing log write must not turn a
 * successful host command into an error (the caller would then undo work that was done).
 */
export function notifyObserver(observer: CommandObserver | undefined, record: CommandRecord): void {
  if (!observer) return;
  try {
    observer(record);
  } catch {
    // deliberately ignored, see above
  }
}
