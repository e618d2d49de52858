// Where an operation log lives on disk: `<id>.log` (symlink to the live part) and its numbered parts.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Paths } from '../state/paths.js';
import { assertSafeId } from '../state/paths.js';

export function liveLogName(resourceId: string): string {
  return `${resourceId}.log`;
}

/** Rotation number of a part (`<id>.part.log` is 0, `<id>.part.3.log[.gz]` is 3); undefined for other names. */
export function partIndex(resourceId: string, name: string): number | undefined {
  if (!name.startsWith(`${resourceId}.part.`)) return undefined;
  const m = /^(?:(\d+)\.)?log(?:\.gz)?$/.exec(name.slice(resourceId.length + '.part.'.length));
  return m ? Number(m[1] ?? 0) : undefined;
}

export interface LogFiles {
  /** `<id>.log` when it exists (the symlink users tail). */
  current: string | undefined;
  /** Data files oldest first; the last plain (non-.gz) one is the live file. */
  parts: string[];
}

export async function listLogFiles(paths: Paths, resourceId: string): Promise<LogFiles> {
  const id = assertSafeId(resourceId);
  const names = await readdir(paths.logDir).catch((err: NodeJS.ErrnoException): string[] => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  const parts = names
    .map((n) => ({ n, idx: partIndex(id, n) }))
    .filter((x): x is { n: string; idx: number } => x.idx !== undefined)
    .sort((a, b) => a.idx - b.idx)
    .map((x) => path.join(paths.logDir, x.n));
  const current = names.includes(liveLogName(id)) ? path.join(paths.logDir, liveLogName(id)) : undefined;
  return { current, parts };
}
