// Per-resource operation log on disk (winston + winston-daily-rotate-file); winston is loaded only when a log is opened.
import fs from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import type { Clock, Reporter } from '../context.js';
import { systemClock } from '../context.js';
import type { Paths } from '../state/paths.js';
import { assertSafeId } from '../state/paths.js';
import type { LogLevel } from './format.js';
import { WINSTON_LEVELS, assertOperationName } from './format.js';
import { pointLinkAt, tidyRotatedParts } from './housekeeping.js';
import { createRedactor } from './redact.js';
import type { OperationLog } from './types.js';
import { buildOperationLog } from './writer.js';

/** The seed's rotation policy: 10 MB per file, 5 gzip-compressed rotated files kept besides the live one. */
export const LOG_ROTATION = { maxSize: '10m', keepRotated: 5 } as const;

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
  return {
    dirname: logDir,
    // The library never renames its live file: it opens `<id>.part.log`, `<id>.part.1.log`, … in turn (hence the
    // `<id>.log` link). The literal moment pattern `[part]` never changes, so rotation is by size only: an audit
    // trail must not be cut into one file per day.
    filename: assertSafeId(resourceId),
    datePattern: '[part]',
    extension: '.log',
    maxSize: rotation.maxSize,
    // The live file counts as one. This also keeps the library's audit file: how the next run finds the live part.
    maxFiles: rotation.keepRotated + 1,
    auditFile: path.join(logDir, `.${resourceId}.log-audit.json`),
    // Logs may quote hosts and paths; keep them root/adm-readable only.
    options: { flags: 'a', mode: 0o640 },
    // Both done by housekeeping.ts, which says why and what was measured.
    zippedArchive: false,
    createSymlink: false,
  };
}

export async function openOperationLog(opts: OpenOperationLogOptions): Promise<OperationLog> {
  const resourceId = assertSafeId(opts.resourceId);
  const operation = assertOperationName(opts.operation);
  const rotation = opts.rotation ?? LOG_ROTATION;
  const file = opts.paths.logFile(resourceId);
  // Fail early with a plain error (EACCES, EROFS) rather than from inside a stream later.
  fs.mkdirSync(opts.paths.logDir, { recursive: true, mode: 0o755 });
  fs.accessSync(opts.paths.logDir, fs.constants.W_OK);

  let reported = false;
  const onError = (err: unknown) => {
    // A lost audit line must not go unnoticed, but it must not abort the operation either.
    if (!reported) opts.echo?.warn(`cannot write operation log ${file}: ${err instanceof Error ? err.message : String(err)}`);
    reported = true;
  };
  // winston loads while the operation already runs (its first host commands are under way): lines
  // written before it is ready wait here, stamped with their own time, and go out in order.
  const pending: [LogLevel, string][] = [];
  let sink: ((level: LogLevel, line: string) => void) | undefined;
  const opening = openWinston(opts, resourceId, rotation, onError).then(
    (w) => {
      for (const [level, line] of pending.splice(0)) w.logger.log(level, line);
      sink = (level, line) => w.logger.log(level, line);
      return w;
    },
    (err: unknown) => {
      onError(err);
      return undefined;
    },
  );

  return buildOperationLog({
    file,
    operation,
    clock: opts.clock ?? systemClock,
    redactor: createRedactor(opts.secrets ?? []),
    echo: opts.echo,
    store: (level, line) => (sink ? sink(level, line) : void pending.push([level, line])),
    close: async () => {
      const w = await opening;
      if (!w) return;
      const { logger, transport, counts } = w;
      // Every queued line reaches the transport; then the live part's stream is ended, and all parts flushed.
      await new Promise<void>((resolve) => logger.once('finish', resolve).end());
      transport.close?.();
      try {
        while (counts.flushed < counts.opened) await once(transport.logStream, 'finish');
      } catch (err) {
        return onError(err);
      }
      // Also compresses parts left plain by an earlier process that died before closing its log.
      await tidyRotatedParts(opts.paths, resourceId, w.liveFile(), rotation.keepRotated).catch(onError);
    },
  });
}

/** The winston logger over a rotating file transport, once its first file is open. */
async function openWinston(opts: OpenOperationLogOptions, resourceId: string, rotation: RotationOptions, onError: (err: unknown) => void) {
  // Lazy: `pxdeploy --help` and read-only commands never pay for winston.
  const { default: winston } = await import('winston');
  const { default: DailyRotateFile } = await import('winston-daily-rotate-file');
  const file = opts.paths.logFile(resourceId);
  const transport = new DailyRotateFile(rotateFileOptions(opts.paths.logDir, resourceId, rotation));
  let liveFile = '';
  transport.on('new', (newFile: string) => {
    liveFile = newFile;
    try {
      pointLinkAt(file, newFile);
    } catch (err) {
      onError(err);
    }
  });
  // The library ends a part's stream on rotation without waiting for it; `logStream` (public in its typings)
  // re-emits every part stream's 'finish', so close() can wait until all of them are flushed.
  const counts = { opened: 1, flushed: 0 };
  transport.on('rotate', () => counts.opened++);
  transport.logStream.on('finish', () => counts.flushed++);
  transport.logStream.on('error', onError); // the library leaves it unhandled: a full disk would crash pxdeploy

  const logger = winston.createLogger({
    levels: WINSTON_LEVELS,
    level: opts.level ?? 'debug',
    // Lines arrive formatted and redacted; winston only transports and rotates them.
    format: winston.format.printf((info) => String(info.message)),
    transports: [transport],
    exitOnError: false,
  });
  logger.on('error', onError); // transport errors arrive here too
  await once(transport, 'new');
  return { logger, transport, counts, liveFile: () => liveFile };
}
