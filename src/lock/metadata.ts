// Lock directory contents (pid, timestamp, owner, operation): written complete before the lock exists, read consistently.
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LockHolder } from '../errors.js';
import { CorruptStateError } from '../errors.js';

export const METADATA_FILES = ['pid', 'timestamp', 'owner', 'operation'] as const;

export type LockSnapshot =
  | { kind: 'absent' }
  | {
      kind: 'present';
      /** Identity of this particular lock directory: a rename keeps it, a new lock gets another. */
      ino: number;
      mtimeSec: number;
      holder: LockHolder | undefined;
      problem: string | undefined;
    };

export function currentOwner(): string {
  let user: string;
  try {
    user = os.userInfo().username;
  } catch {
    // No passwd entry (containers running with an arbitrary uid).
    user = `uid${process.getuid?.() ?? '?'}`;
  }
  return `${user}@${os.hostname()}`;
}

/** Hidden siblings of `<id>.lock`: never matched by listLocks, swept when their pid is gone. */
export function scratchPath(lockDir: string, resourceId: string, kind: 'new' | 'rm'): string {
  return path.join(lockDir, `.${resourceId}.lock.${kind}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/**
 * Write the holder's metadata into a fresh private directory. It is renamed to `<id>.lock` only
 * when complete, so no other process can ever see a pxdeploy lock with partial metadata.
 */
export async function writeStaging(lockDir: string, resourceId: string, holder: LockHolder): Promise<{ path: string; ino: number }> {
  const dir = scratchPath(lockDir, resourceId, 'new');
  await mkdir(dir, { mode: 0o755 });
  const values: Record<(typeof METADATA_FILES)[number], string> = {
    pid: String(holder.pid),
    timestamp: String(holder.timestamp),
    owner: holder.owner,
    operation: holder.operation,
  };
  for (const name of METADATA_FILES) {
    await writeFile(path.join(dir, name), `${values[name]}\n`, { flag: 'wx', mode: 0o644 });
  }
  return { path: dir, ino: (await lstat(dir)).ino };
}

async function readField(dir: string, name: string): Promise<string | undefined> {
  try {
    return (await readFile(path.join(dir, name), 'utf8')).trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

function parseHolder(raw: Record<string, string | undefined>): { holder?: LockHolder; problem?: string } {
  const missing = METADATA_FILES.filter((f) => raw[f] === undefined || raw[f] === '');
  if (missing.length > 0) return { problem: `missing ${missing.join(', ')}` };
  const pid = raw.pid!;
  const timestamp = raw.timestamp!;
  if (!/^\d{1,10}$/.test(pid) || Number(pid) <= 0) return { problem: `pid is not a process id: ${JSON.stringify(pid)}` };
  if (!/^\d{1,12}$/.test(timestamp)) return { problem: `timestamp is not Unix seconds: ${JSON.stringify(timestamp)}` };
  return { holder: { pid: Number(pid), timestamp: Number(timestamp), owner: raw.owner!, operation: raw.operation! } };
}

/**
 * Read the lock at `lockPath`. The directory's inode is checked before and after reading the
 * files, so fields from two different locks (one released, the next one taken) are never mixed.
 */
export async function readLock(lockPath: string): Promise<LockSnapshot> {
  for (let attempt = 0; ; attempt++) {
    let before;
    try {
      before = await lstat(lockPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
      throw err;
    }
    if (!before.isDirectory()) throw new CorruptStateError(lockPath, 'is not a lock directory');
    const raw: Record<string, string | undefined> = {};
    for (const name of METADATA_FILES) raw[name] = await readField(lockPath, name);
    let after;
    try {
      after = await lstat(lockPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
      throw err;
    }
    if (after.ino !== before.ino && attempt < 5) continue;
    const { holder, problem } = parseHolder(raw);
    return { kind: 'present', ino: after.ino, mtimeSec: Math.floor(after.mtimeMs / 1000), holder, problem };
  }
}
