// A config lock file under $PVESIM_ROOT/run: held while it names a live pid; `can't lock file ... - got timeout`.
import fs from 'node:fs';
import path from 'node:path';
import { PveError } from './errors.js';
import { sleepMs } from './run.js';

const held = new Map<string, number>();

function ownerAlive(file: string): boolean {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch {
    return true; // vanished or unreadable: just retry
  }
  const pid = Number(text);
  if (!text || !Number.isInteger(pid) || pid <= 0) {
    try {
      return Date.now() - fs.statSync(file).mtimeMs < 10_000; // being written right now, or garbage
    } catch {
      return true;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function releaseAll(): void {
  for (const file of held.keys()) {
    try {
      fs.unlinkSync(file);
    } catch {
      /* already gone */
    }
  }
  held.clear();
}
process.on('exit', releaseAll);

/** Take the lock (re-entrant within this process); returns the release function. */
export function acquireFileLock(file: string, timeoutSec: number): () => void {
  const count = held.get(file);
  if (count) {
    held.set(file, count + 1);
    return () => release(file);
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const deadline = Date.now() + timeoutSec * 1000;
  for (;;) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      held.set(file, 1);
      return () => release(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (!ownerAlive(file)) {
      try {
        fs.unlinkSync(file);
      } catch {
        /* someone else cleaned it */
      }
      continue;
    }
    if (Date.now() >= deadline) throw new PveError(`can't lock file '${file}' - got timeout\n`);
    sleepMs(50);
  }
}

function release(file: string): void {
  const count = held.get(file) ?? 0;
  if (count > 1) {
    held.set(file, count - 1);
    return;
  }
  held.delete(file);
  try {
    fs.unlinkSync(file);
  } catch {
    /* already gone */
  }
}

export function lockTimeoutSec(defaultSec = 10): number {
  const v = Number(process.env.PVESIM_LOCK_TIMEOUT);
  return Number.isFinite(v) && v > 0 ? v : defaultSec;
}
