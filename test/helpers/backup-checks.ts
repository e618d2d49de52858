// What the backup e2e tests check with GNU tools: the sidecar passes `sha256sum -c`, `tar -tzf` lists the archive.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';

/** Asserts both and returns the archive's member names and its top folder (`pxdeploy-backup-<ts>`). */
export function expectGnuReadable(file: string): { names: string[]; top: string } {
  const base = path.basename(file);
  const sum = spawnSync('sha256sum', ['-c', `${base}.sha256`], { cwd: path.dirname(file), encoding: 'utf8' });
  expect(sum.status, sum.stderr).toBe(0);
  expect(sum.stdout).toBe(`${base}: OK\n`);
  const listed = spawnSync('tar', ['-tzf', file], { encoding: 'utf8' });
  expect(listed.status, listed.stderr).toBe(0);
  return { names: listed.stdout.trim().split('\n'), top: `pxdeploy-backup-${base.split('.')[0]}` };
}
