// Test helpers for backup archives: temp folders, a small data tree, GNU tar and sha256sum through child_process.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';

export function tempDir(prefix = 'pxd-backup-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A small tree: nested files, an empty file, a 300 KiB file and an inside symlink. */
export function makeTree(dir: string): void {
  mkdirSync(path.join(dir, 'a/b'), { recursive: true });
  writeFileSync(path.join(dir, 'a/one.txt'), 'one\n');
  writeFileSync(path.join(dir, 'a/b/two.txt'), 'two\n'.repeat(1000));
  writeFileSync(path.join(dir, 'empty'), '');
  writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(300 * 1024, 7));
  symlinkSync('a/one.txt', path.join(dir, 'link-inside'));
}

/** What `pct exec <id> -- tar -cf - -C <dir> .` would stream, from the host's GNU tar. */
export function tarStreamOf(dir: string): Readable {
  const child = spawn('tar', ['-cf', '-', '-C', dir, '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return child.stdout;
}

export function run(file: string, args: string[], cwd?: string): string {
  return execFileSync(file, args, { encoding: 'utf8', ...(cwd ? { cwd } : {}) });
}
