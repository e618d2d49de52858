// Terminal progress for the person running pxdeploy: short lines on stderr, nothing under --json.
import type { Reporter } from '../context.js';
import type { Redactor } from './redact.js';
import { createRedactor } from './redact.js';

export interface ConsoleReporterOptions {
  /** Under --json stdout carries the result document and the terminal stays quiet. */
  json: boolean;
  /** Where to write; stderr so that stdout stays machine-readable. */
  stream?: { write(chunk: string): unknown };
  redactor?: Redactor;
}

export function createConsoleReporter(opts: ConsoleReporterOptions): Reporter {
  const stream = opts.stream ?? process.stderr;
  const redactor = opts.redactor ?? createRedactor();
  const write = (prefix: string, message: string) => {
    if (opts.json) return;
    stream.write(`${prefix}${redactor.redact(message)}\n`);
  };
  return {
    info: (m) => write('==> ', m),
    warn: (m) => write('warning: ', m),
  };
}
