// Worker tasks as the CLI runs them: output streamed to stdout, the error printed on one stderr line afterwards.
import fs from 'node:fs';
import path from 'node:path';
import { ParamError } from './errors.js';
import { formatError } from './cli.js';
import { simPaths } from './paths.js';

/** The node's task index (`/var/log/pve/tasks/index` under the sim root): one line per finished worker task. */
export function taskIndexFile(): string {
  return path.join(simPaths().root, 'var/log/pve/tasks/index');
}

/** What a worker is, for its UPID: PVE's task type (`vzcreate`, `vzstart`, …) and the object it acts on (the vmid). */
export interface TaskKind {
  type: string;
  id: string;
}

const hex8 = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');

/** `UPID:node:PID:PSTART:STARTTIME:type:id:user:` as PVE::Tools::upid_encode writes it (pstart: the process's start in clock ticks). */
function upidOf(kind: TaskKind, startSecs: number): string {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const pstart = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  return `UPID:${simPaths().node}:${hex8(process.pid)}:${hex8(pstart)}:${hex8(startSecs)}:${kind.type}:${kind.id}:root@pam:`;
}

/** Appends the finished task to the index as PVE does: UPID, end time in hex, then `OK`, `WARNINGS: n` or the error. */
function recordTask(kind: TaskKind, startSecs: number, status: string): void {
  const file = taskIndexFile();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, `${upidOf(kind, startSecs)} ${hex8(Math.floor(Date.now() / 1000))} ${status}\n`);
}

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
export async function runWorker(fn: (task: Task) => void | Promise<void>, kind?: TaskKind): Promise<boolean> {
  const task = new Task();
  const started = Math.floor(Date.now() / 1000);
  try {
    await fn(task);
  } catch (err) {
    const text = err instanceof ParamError ? formatError(err) : err instanceof Error ? err.message : String(err);
    const oneLine = text.replace(/\n+$/, '').replace(/\n/g, ' ');
    process.stderr.write(`${oneLine}\n`);
    if (kind) recordTask(kind, started, oneLine);
    return false;
  }
  if (task.warnings) process.stderr.write(`Task finished with ${task.warnings} warning(s)!\n`);
  if (kind) recordTask(kind, started, task.warnings ? `WARNINGS: ${task.warnings}` : 'OK');
  return true;
}

/** `$upid_exit`: 0 when the task ended OK (or with warnings), 255 on error. */
export async function runWorkerUpidExit(fn: (task: Task) => void | Promise<void>, kind?: TaskKind): Promise<number> {
  return (await runWorker(fn, kind)) ? 0 : 255;
}
