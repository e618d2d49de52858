// Builds dist/ once for tests that run compiled code in child processes (the lock race test).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const repoRoot = path.resolve(import.meta.dirname, '../..');

/**
 * `tsc -p tsconfig.json` emits even when some other module in the tree does not type-check yet
 * (others' work in progress), so a non-zero exit is tolerated as long as the files we need exist.
 */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** dist/ is fresh when every required file exists and is newer than every source file (npm test builds first). */
function distIsFresh(required: string[]): boolean {
  const files = required.map((f) => path.join(repoRoot, 'dist', f));
  if (!files.every((f) => existsSync(f))) return false;
  const oldestOut = Math.min(...files.map((f) => statSync(f).mtimeMs));
  return oldestOut >= newestMtime(path.join(repoRoot, 'src'));
}

export async function buildDist(required: string[]): Promise<void> {
  if (distIsFresh(required)) return;
  try {
    await run('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
  } catch {
    // checked below
  }
  const missing = required.filter((f) => !existsSync(path.join(repoRoot, 'dist', f)));
  if (missing.length > 0) throw new Error(`build did not produce ${missing.join(', ')}`);
}
