// An in-memory OperationLog for unit tests of other modules: same line format and redaction, no files.
import type { Clock } from '../context.js';
import { systemClock } from '../context.js';
import type { LogLevel } from './format.js';
import { assertOperationName, formatLogLines } from './format.js';
import { createRedactor } from './redact.js';
import type { OperationLog } from './types.js';

export interface MemoryLog extends OperationLog {
  readonly lines: string[];
}

export function createMemoryLog(operation: string, opts: { clock?: Clock; secrets?: readonly string[] } = {}): MemoryLog {
  assertOperationName(operation);
  const clock = opts.clock ?? systemClock;
  const redactor = createRedactor(opts.secrets ?? []);
  const lines: string[] = [];
  const write = (level: LogLevel) => (m: string) => {
    lines.push(...formatLogLines(clock.now(), level, operation, redactor.redact(m)));
  };
  return {
    lines,
    file: '(memory)',
    operation,
    addSecret: (v) => redactor.add(v),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    success: write('success'),
    close: async () => {},
  };
}
