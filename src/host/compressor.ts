// Compression filters as child processes (pigz, zstd): argv only, stdin → stdout streams, clear errors when they die.
import { constants as fsConstants } from 'node:fs';
import { access } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { Duplex, Writable, type Readable } from 'node:stream';
import { HostCommandError, PxError } from '../errors.js';
import { tailLines } from './failure.js';

export interface FilterCommand {
  readonly file: string;
  readonly args: readonly string[];
}

/** The first executable called `name` on `searchPath` (a PATH-style list), or undefined. */
export async function findProgram(name: string, searchPath: string = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      await access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  return undefined;
}

/** pigz at gzip's default level on every core: the archive stays a plain .tar.gz any gzip reads. */
export function pigzCompress(file: string, threads: number = availableParallelism()): FilterCommand {
  return { file, args: ['-6', '-p', String(Math.max(1, threads)), '-c'] };
}

/** zstd with one worker per core (-T0), default level, quiet, to stdout. */
export function zstdCompress(file: string): FilterCommand {
  return { file, args: ['-T0', '-q', '-c'] };
}

export function zstdDecompress(file: string): FilterCommand {
  return { file, args: ['-d', '-q', '-c'] };
}

function display(cmd: FilterCommand): string {
  return [cmd.file, ...cmd.args].join(' ');
}

/**
 * A child process as a Duplex: writes go to its stdin, its stdout is read back, with backpressure
 * both ways. The readable side ends only after the process exited 0, so a filter that dies
 * mid-stream can never pass for a short but complete output: the stream errors with the command,
 * exit code and stderr tail instead. Built on node:child_process rather than execa because execa
 * alone adds ~16 MB of resident memory, a sixth of the backup's 100 MB budget; the rules it
 * enforces (argv array, never a shell) are kept here.
 */
class ChildFilter extends Duplex {
  private readonly child: ChildProcess;
  private stderr = '';
  private pendingWrite: ((err?: Error | null) => void) | undefined;
  private exited = false;

  constructor(private readonly cmd: FilterCommand) {
    super({ readableHighWaterMark: 256 * 1024, writableHighWaterMark: 256 * 1024 });
    this.child = spawn(cmd.file, [...cmd.args], { shell: false, stdio: ['pipe', 'pipe', 'pipe'] });
    const { stdin, stdout, stderr } = this.child as ChildProcess & { stdin: Writable; stdout: Readable; stderr: Readable };
    stdout.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) stdout.pause();
    });
    stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-8192);
    });
    // EPIPE when the filter dies early: its exit status, reported on close, says more.
    stdin.on('error', () => undefined);
    this.child.on('error', (err: NodeJS.ErrnoException) => this.fail(filterFailure(cmd, err)));
    this.child.on('close', (code, signal) => {
      this.exited = true;
      if (code === 0) {
        this.pendingWrite?.();
        this.pendingWrite = undefined;
        this.push(null);
      } else {
        this.fail(filterFailure(cmd, { exitCode: code ?? undefined, signal: signal ?? undefined, stderr: this.stderr }));
      }
    });
  }

  private fail(err: Error): void {
    const cb = this.pendingWrite;
    this.pendingWrite = undefined;
    cb?.(err);
    this.destroy(err);
  }

  override _read(): void {
    this.child.stdout?.resume();
  }

  /**
   * Done only once the pipe has taken the chunk (stdin's write callback), not when it was merely
   * queued: the archive writer reuses the buffer after this, and that is what bounds its memory.
   * A write that fails because the filter died waits for the exit status, which `close` reports.
   */
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.pendingWrite = cb;
    this.child.stdin?.write(chunk, (err) => {
      if (err) return;
      const pending = this.pendingWrite;
      this.pendingWrite = undefined;
      pending?.();
    });
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.child.stdin?.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.exited) this.child.kill('SIGTERM');
    cb(err);
  }
}

/**
 * A filter whose output goes straight to an open file (its stdout is the descriptor): Node never
 * holds the compressed bytes, so they leave no buffers behind for the garbage collector. Writes
 * complete once the pipe has taken them; the stream finishes only after the filter exited 0.
 */
class ChildFilterToFile extends Writable {
  private readonly child: ChildProcess;
  private stderr = '';
  private exit: Promise<void>;

  constructor(private readonly cmd: FilterCommand, outputFd: number) {
    super({ highWaterMark: 256 * 1024 });
    this.child = spawn(cmd.file, [...cmd.args], { shell: false, stdio: ['pipe', outputFd, 'pipe'] });
    (this.child.stderr as Readable).on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-8192);
    });
    (this.child.stdin as Writable).on('error', () => undefined);
    this.exit = new Promise((resolve, reject) => {
      this.child.on('error', (err: NodeJS.ErrnoException) => reject(filterFailure(cmd, err)));
      this.child.on('close', (code, signal) => (code === 0 ? resolve() : reject(filterFailure(cmd, { exitCode: code ?? undefined, signal: signal ?? undefined, stderr: this.stderr }))));
    });
    // A filter that dies mid-stream fails the stream at once, not at the next write.
    this.exit.catch((err: Error) => this.destroy(err));
  }

  /** Resolves when the filter exited 0 (its output is complete); rejects with its exit status otherwise. */
  get exited(): Promise<void> {
    return this.exit;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    (this.child.stdin as Writable).write(chunk, (err) => {
      if (!err) cb();
      // else: the exit status explains it and destroys the stream
    });
  }

  override _final(cb: (err?: Error | null) => void): void {
    (this.child.stdin as Writable).end();
    this.exit.then(() => cb(), (err: Error) => cb(err));
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    cb(err);
  }
}

export type FileFilter = Writable & { readonly exited: Promise<void> };

/** Runs `cmd` with its output going to `outputFd`; see ChildFilterToFile. */
export async function spawnFilterToFile(cmd: FilterCommand, outputFd: number): Promise<FileFilter> {
  return new ChildFilterToFile(cmd, outputFd);
}

/** Runs `cmd` (argv, no shell) as a stream filter; see ChildFilter. */
export async function spawnFilter(cmd: FilterCommand): Promise<Duplex> {
  return new ChildFilter(cmd);
}

/** Turns whatever a filter stream failed with into a HostCommandError naming the command, exit and stderr. */
export function filterFailure(cmd: FilterCommand, err: unknown): Error {
  // Typed errors (a refused member, a host command) already say what happened; their exitCode is pxdeploy's, not the filter's.
  if (err instanceof PxError) return err;
  const e = err as { exitCode?: number; signal?: string; stderr?: unknown; code?: string; message?: string };
  const stderr = e.stderr instanceof Uint8Array ? Buffer.from(e.stderr).toString('utf8') : typeof e.stderr === 'string' ? e.stderr : '';
  const tail = tailLines(stderr, 5);
  const shown = display(cmd);
  if (e.code === 'ENOENT') {
    return new HostCommandError({ display: shown, exitCode: undefined, stderrTail: '', message: `compressor could not be started: ${shown}`, hint: `is ${path.basename(cmd.file)} installed?` });
  }
  if (typeof e.exitCode === 'number' || e.signal) {
    const how = e.signal ? `was killed by ${e.signal}` : `exited with code ${e.exitCode}`;
    return new HostCommandError({
      display: shown,
      exitCode: e.exitCode,
      stderrTail: tail,
      message: `compressor ${how} before the stream was complete: ${shown}${tail ? `\n${tail}` : ''}`,
    });
  }
  return err instanceof Error ? err : new Error(String(err));
}
