// The operation log line format `[2025-10-19T10:30:00Z] [INFO] [deploy] message`, kept pure so tests and readers share it.

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'success'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** winston priorities (lower = more severe); SUCCESS above INFO so a log filtered to `info` keeps completions. */
export const WINSTON_LEVELS: Record<LogLevel, number> = { error: 0, warn: 1, success: 2, info: 3, debug: 4 };

/** Operation names appear in log lines and lock metadata; the log format only allows `[a-z-]+`. */
export const isOperationName = (op: string): boolean => /^[a-z][a-z-]{0,63}$/.test(op);

export function assertOperationName(op: string): string {
  if (!isOperationName(op)) {
    throw new Error(`invalid operation name ${JSON.stringify(op)}: use lowercase letters and dashes (e.g. "deploy", "ct-create")`);
  }
  return op;
}

/** ISO 8601 UTC to the second, with `Z` (the seed's format: no milliseconds). */
export function isoSeconds(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

// ANSI colour sequences and C0 controls (except tab) from tool output would break the one-line format.
const ANSI_RE = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;
const CONTROL_RE = /[\x00-\x08\x0b-\x1f\x7f]/g;

/**
 * Render one message as log lines. A multi-line message (e.g. a stderr tail) becomes several
 * lines that each carry the full prefix, so every physical line stays greppable and parseable.
 */
export function formatLogLines(time: Date, level: LogLevel, operation: string, message: string): string[] {
  const prefix = `[${isoSeconds(time)}] [${level.toUpperCase()}] [${operation}] `;
  const parts = message
    .split(/\r?\n|\r/)
    .map((l) => l.replace(ANSI_RE, '').replace(CONTROL_RE, '').trimEnd())
    .filter((l) => l.trim() !== '');
  if (parts.length === 0) parts.push('-');
  return parts.map((p) => prefix + p);
}

/** The shape of a line, for readers (`pxdeploy logs`) and tests. */
export const LOG_LINE_RE = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\] \[(DEBUG|INFO|WARN|ERROR|SUCCESS)\] \[([a-z-]+)\] (.+)$/;

export interface ParsedLogLine {
  time: string;
  level: LogLevel;
  operation: string;
  message: string;
}

export function parseLogLine(line: string): ParsedLogLine | undefined {
  const m = LOG_LINE_RE.exec(line);
  if (!m) return undefined;
  return { time: m[1]!, level: m[2]!.toLowerCase() as LogLevel, operation: m[3]!, message: m[4]! };
}
