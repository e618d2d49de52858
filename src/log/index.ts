// Operation logs, terminal reporter and redaction; winston itself loads only inside openOperationLog.
export type { OperationLog, OperationLogger } from './types.js';
export type { LogLevel, ParsedLogLine } from './format.js';
export { LOG_LEVELS, LOG_LINE_RE, formatLogLines, isoSeconds, isOperationName, assertOperationName, parseLogLine } from './format.js';
export type { Redactor } from './redact.js';
export { REDACTED, createRedactor, redactSecrets } from './redact.js';
export type { ConsoleReporterOptions } from './console.js';
export { createConsoleReporter } from './console.js';
export type { OpenOperationLogOptions, RotationOptions } from './operation-log.js';
export { LOG_ROTATION, openOperationLog, rotateFileOptions } from './operation-log.js';
export type { LogFiles } from './files.js';
export { listLogFiles, liveLogName } from './files.js';
export type { MemoryLog } from './memory-log.js';
export { createMemoryLog } from './memory-log.js';
