// An in-memory OperationLog for unit tests of other modules: same line format and redaction, no files.
import type { Clock } from '../context.js';
import { systemClock } from '../context.js';
import { assertOperationName } from './format.js';
import { createRedactor } from './redact.js';
import type { OperationLog } from './types.js';
import { buildOperationLog } from './writer.js';

export interface MemoryLog extends OperationLog {
  readonly lines: string[];
}

export function createMemoryLog(operation: string, opts: { clock?: Clock; secrets?: readonly string[] } = {}): MemoryLog {
  const lines: string[] = [];
  const log = buildOperationLog({
    file: '(memory)',
    operation: assertOperationName(operation),
    clock: opts.clock ?? systemClock,
    redactor: createRedactor(opts.secrets ?? []),
    store: (_level, line) => lines.push(line),
    close: async () => {},
  });
  return { ...log, lines };
}
