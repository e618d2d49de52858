// Worker tasks as the CLI runs them: output streamed to stdout, the error printed on one stderr line afterwards.
import { ParamError } from './errors.js';
import { formatError } from './cli.js';

export class Task {
  warnings = 0;

  log(line: string): void {
    process.stdout.write(line.endsWith('\n') ? line : `${line}\n`);
  }

  /** Raw text as a subprocess produced it (already line-terminated or not). */
  write(text: string): void {
    if (text) process.stdout.write(text);
  }

  warn(msg: string): void {
    this.warnings++;
    this.log(`WARN: ${msg}`);
  }
}

/** fork_worker in the CLI: run synchronously; on failure print the error (newlines → spaces) to stderr. */
export async function runWorker(fn: (task: Task) => void | Promise<void>): Promise<boolean> {
  const task = new Task();
  try {
    await fn(task);
  } catch (err) {
    const text = err instanceof ParamError ? formatError(err) : err instanceof Error ? err.message : String(err);
    process.stderr.write(`${text.replace(/\n+$/, '').replace(/\n/g, ' ')}\n`);
    return false;
  }
  if (task.warnings) process.stderr.write(`Task finished with ${task.warnings} warning(s)!\n`);
  return true;
}

/** `$upid_exit`: 0 when the task ended OK (or with warnings), 255 on error. */
export async function runWorkerUpidExit(fn: (task: Task) => void | Promise<void>): Promise<number> {
  return (await runWorker(fn)) ? 0 : 255;
}
