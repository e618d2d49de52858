// Per-resource operation log on disk (winston + size rotation); winston is loaded only when a log is opened.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Clock, Reporter } from '../context.js';
import { systemClock } from '../context.js';
import type { Paths } from '../state/paths.js';
import { assertSafeId } from '../state/paths.js';
import type { LogLevel } from './format.js';
import { WINSTON_LEVELS, assertOperationName, formatLogLines } from './format.js';
import { createRedactor } from './redact.js';
import type { OperationLog } from './types.js';
import { liveLogName, rotationNaming } from './files.js';
import { tidyRotatedParts } from './housekeeping.js';

/** The seed's rotation policy: 10 MB per file, 5 gzip-compressed rotated files kept (gzip done by tidyRotatedParts). */
export const LOG_ROTATION = { maxSize: '10m', keepRotated: 5, zippedArchive: true } as const;

export interface RotationOptions {
  /** Size after which the live file is rotated: bytes or `<n>k|m|g` (winston-daily-rotate-file syntax). */
  maxSize: string | number;
  /** Rotated (gzip) files kept besides the live one. */
  keepRotated: number;
}

export interface OpenOperationLogOptions {
  paths: Paths;
  resourceId: string;
  operation: string;
  /** Values that must never appear in the log (passwords, auth keys, tokens). */
  secrets?: readonly (string | undefined)[];
  /** Mirror INFO/SUCCESS (as info) and WARN/ERROR (as warn) to the terminal; DEBUG stays in the file. */
  echo?: Reporter;
  clock?: Clock;
  /** Least severe level written to the file; default `debug` (everything). */
  level?: LogLevel;
  /** Tests shrink the size to prove rotation without writing 10 MB. */
  rotation?: RotationOptions;
}

/** The options handed to winston-daily-rotate-file; exported so tests can check the policy as configured. */
export function rotateFileOptions(logDir: string, resourceId: string, rotation: RotationOptions = LOG_ROTATION) {
  const naming = rotationNaming(resourceId);
  return {
    dirname: logDir,
    filename: naming.filename,
    extension: naming.extension,
    // A literal moment pattern: the "date" never changes, so rotation is by size only (an audit
    // trail must not be cut into one file per day and then expire after five quiet days).
    datePattern: naming.datePattern,
    frequency: 'custom',
    maxSize: rotation.maxSize,
    // The live file counts as one of winston's files. Besides retention, this makes the library
    // keep its audit file, which is how the next run finds the live part to append to.
    maxFiles: rotation.keepRotated + 1,
    // Compression is ours, after the writer closed the part: see housekeeping.ts for why.
    zippedArchive: false,
    auditFile: path.join(logDir, `.${resourceId}.log-audit.json`),
    auditHashType: 'sha256',
    // Logs may quote hosts and paths; keep them root/adm-readable only.
    options: { flags: 'a', mode: 0o640 },
    // We maintain `<id>.log` ourselves (atomic replace); the library's symlink is unlink+create.
    createSymlink: false,
  };
}

/**
 * Point `<id>.log` at the live file: create the new link under a temporary name and rename it
 * over the old one, so readers never find `<id>.log` missing. A regular file left at that path
 * (older layout, manual copy) is moved aside instead of being replaced.
 */
function pointLinkAt(logDir: string, resourceId: string, liveFile: string): void {
  const link = path.join(logDir, liveLogName(resourceId));
  const target = path.basename(liveFile);
  try {
    const st = fs.lstatSync(link);
    if (st.isSymbolicLink() && fs.readlinkSync(link) === target) return;
    if (!st.isSymbolicLink()) fs.renameSync(link, `${link}.moved-${Date.now()}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const tmp = path.join(logDir, `.${resourceId}.log.${process.pid}.${randomBytes(4).toString('hex')}.lnk`);
  fs.symlinkSync(target, tmp);
  fs.renameSync(tmp, link);
}

export async function openOperationLog(opts: OpenOperationLogOptions): Promise<OperationLog> {
  const resourceId = assertSafeId(opts.resourceId);
  const operation = assertOperationName(opts.operation);
  const clock = opts.clock ?? systemClock;
  const redactor = createRedactor(opts.secrets ?? []);
  const logDir = opts.paths.logDir;
  const file = opts.paths.logFile(resourceId);

  // Fail early with a plain error (EACCES, EROFS) rather than from inside a stream later.
  fs.mkdirSync(logDir, { recursive: true, mode: 0o755 });
  fs.accessSync(logDir, fs.constants.W_OK);

  // Lazy: `pxdeploy --help` and read-only commands never pay for winston.
  const { default: winston } = await import('winston');
  const { default: DailyRotateFile } = await import('winston-daily-rotate-file');

  const transport = new DailyRotateFile(rotateFileOptions(logDir, resourceId, opts.rotation));
  let linkError: unknown;
  let reportedError = false;
  const onError = (err: unknown) => {
    // A lost audit line must not go unnoticed, but it must not abort the operation either.
    if (reportedError) return;
    reportedError = true;
    opts.echo?.warn(`cannot write operation log ${file}: ${err instanceof Error ? err.message : String(err)}`);
  };
  let liveFile = '';
  const firstFile = new Promise<void>((resolve) => {
    transport.on('new', (newFile: string) => {
      liveFile = newFile;
      try {
        pointLinkAt(logDir, resourceId, newFile);
      } catch (err) {
        linkError ??= err;
      }
      resolve();
    });
  });
  transport.on('error', onError);
  // Every file the transport opens must be flushed before its part is compressed: count them.
  const logStream = (transport as unknown as { logStream: NodeJS.EventEmitter & { end(): void } }).logStream;
  let opened = 1;
  let flushed = 0;
  transport.on('rotate', () => opened++);
  logStream.on('finish', () => flushed++);
  const rotation = opts.rotation ?? LOG_ROTATION;
  const tidy = () => tidyRotatedParts(opts.paths, resourceId, liveFile, rotation.keepRotated).catch(onError);

  const logger = winston.createLogger({
    levels: WINSTON_LEVELS,
    level: opts.level ?? 'debug',
    // Lines arrive fully formatted and redacted; winston only transports and rotates them.
    format: winston.format.printf((info) => String(info.message)),
    transports: [transport],
    exitOnError: false,
  });
  logger.on('error', onError);
  await firstFile;
  if (linkError) throw linkError;
  // Parts left uncompressed by a process that died before closing its log.
  await tidy();

  let closed: Promise<void> | undefined;
  const write = (level: LogLevel, message: string) => {
    if (closed) return;
    const text = redactor.redact(message);
    for (const line of formatLogLines(clock.now(), level, operation, text)) logger.log(level, line);
    if (opts.echo && level !== 'debug') {
      if (level === 'warn' || level === 'error') opts.echo.warn(text);
      else opts.echo.info(text);
    }
  };

  const close = async (): Promise<void> => {
    // Everything queued in winston reaches the transport, then the file stream is ended and
    // flushed; only then are the parts this run rotated away from compressed.
    await new Promise<void>((resolve) => {
      logger.once('finish', () => resolve());
      logger.end();
    });
    logStream.end();
    while (flushed < opened) await new Promise((resolve) => logStream.once('finish', resolve));
    await tidy();
  };

  return {
    file,
    operation,
    addSecret: (v) => redactor.add(v),
    debug: (m) => write('debug', m),
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
    success: (m) => write('success', m),
    close: () => (closed ??= close()),
  };
}
