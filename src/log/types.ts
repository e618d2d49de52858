// The operation log as other modules see it: five levels, one line each, closed once at the end.

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
  /** Flush every line to disk (and finish any pending gzip of a rotated file). Idempotent. */
  close(): Promise<void>;
}
