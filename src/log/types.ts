// The operation log as other modules see it: five levels, effect lines, one final line, closed once at the end.

export interface OperationLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  success(message: string): void;
}

export interface OperationLog extends OperationLogger {
  /** The per-resource log path users read (`/var/log/pxdeploy/<id>.log`). */
  readonly file: string;
  readonly operation: string;
  /** Register a value (password, auth key, token) learnt after opening; it is redacted from then on. */
  addSecret(value: string | undefined): void;
  /**
   * Audit trail: one INFO line `effect: <display>` per mutating host command or file effect. `display` is
   * already escaped for reading (`displayCommand`); it is redacted and kept on one line. File only.
   */
  effect(display: string): void;
  /**
   * The operation's final line, `SUCCESS <message> (exit 0)` or `ERROR <message> (exit N)`, written once:
   * later calls are ignored. File only (the CLI renders the outcome on the terminal itself).
   */
  finish(exitCode: number, message?: string): void;
  /** Flush every line to disk, compress rotated parts; lines written before it are on disk when it resolves. Idempotent. */
  close(): Promise<void>;
}
