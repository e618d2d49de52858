// What every operation log does before storing a line: redaction, the seed's format, terminal echo, the final line.
import type { Clock, Reporter } from '../context.js';
import type { LogLevel } from './format.js';
import { formatLogLines } from './format.js';
import type { Redactor } from './redact.js';
import type { OperationLog } from './types.js';

export interface LineStore {
  file: string;
  operation: string;
  clock: Clock;
  redactor: Redactor;
  /** Mirror INFO/SUCCESS (as info) and WARN/ERROR (as warn) to the terminal; DEBUG stays in the log. */
  echo?: Reporter;
  store(level: LogLevel, line: string): void;
  close(): Promise<void>;
}

export function buildOperationLog(s: LineStore): OperationLog {
  let closed: Promise<void> | undefined;
  let finished = false;
  const write = (level: LogLevel, message: string, toTerminal = true) => {
    if (closed) return;
    const text = s.redactor.redact(message);
    for (const line of formatLogLines(s.clock.now(), level, s.operation, text)) s.store(level, line);
    if (!toTerminal || !s.echo || level === 'debug') return;
    if (level === 'warn' || level === 'error') s.echo.warn(text);
    else s.echo.info(text);
  };
  return {
    file: s.file,
    operation: s.operation,
    addSecret: (v) => s.redactor.add(v),
    debug: (m) => write('debug', m),
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
    success: (m) => write('success', m),
    // A multi-line argument (heredoc, script) stays one audit line: newlines are shown as `\n`.
    effect: (display) => write('info', `effect: ${display.replace(/\r\n|\r|\n/g, '\\n')}`, false),
    finish(exitCode, message) {
      if (finished || closed) return;
      finished = true;
      const text = (message ?? '').replace(/\s*[\r\n]+\s*/g, ' ').trim() || `${s.operation} ${exitCode === 0 ? 'completed' : 'failed'}`;
      write(exitCode === 0 ? 'success' : 'error', `${text} (exit ${exitCode})`, false);
    },
    close: () => (closed ??= s.close()),
  };
}
