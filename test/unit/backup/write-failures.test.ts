// Writer failure paths: a compressor that dies, a tar stream with members a restore would refuse.
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyArchive, writeBackupArchive } from '../../../src/backup/index.js';
import { makeTree, run, tarStreamOf, tempDir } from './helpers.js';

let work: { dir: string; cleanup: () => void };
beforeEach(() => {
  work = tempDir();
});
afterEach(() => work.cleanup());

describe('writeBackupArchive failures', () => {
  it('names the compressor, its exit code and stderr when it dies, and leaves no partial archive', async () => {
    const bin = path.join(work.dir, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'pigz'), '#!/bin/sh\nhead -c 1000 >/dev/null\necho "pigz: write error: disk on fire" >&2\nexit 3\n');
    chmodSync(path.join(bin, 'pigz'), 0o755);
    const src = path.join(work.dir, 'src');
    makeTree(src);
    const out = path.join(work.dir, 'out');
    await expect(
      writeBackupArchive({ dir: out, id: 'demo', timestamp: 7, entries: [{ name: 'files', kind: 'dir', source: src }], searchPath: bin }),
    ).rejects.toThrow(/compressor exited with code 3 .*pigz -6 -p \d+ -c\npigz: write error: disk on fire/s);
    expect(readdirSync(out)).toEqual([]);
  });

  it('skips FIFOs and escaping symlinks from a CT tar stream, reports them, and the archive verifies', async () => {
    const vol = path.join(work.dir, 'vol');
    makeTree(vol);
    run('mkfifo', [path.join(vol, 'pipe')]);
    run('ln', ['-s', '/etc/passwd', path.join(vol, 'abs-link')]);
    const r = await writeBackupArchive({ dir: path.join(work.dir, 'out'), id: 'demo', timestamp: 8, entries: [{ name: 'database', kind: 'tar-stream', source: tarStreamOf(vol) }] });
    expect([...r.skipped].sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: './abs-link', reason: 'symbolic link to an absolute path (/etc/passwd)' },
      { path: './pipe', reason: 'FIFO entries are not backed up' },
    ]);
    expect(r.metadata.skipped).toEqual(r.skipped);
    const listing = run('tar', ['-tzf', r.path]);
    expect(listing).toContain('pxdeploy-backup-8/database/a/b/two.txt');
    expect(listing).not.toContain('pipe');
    await expect(verifyArchive(r.path)).resolves.toMatchObject({ sha256: r.sha256 });
  });

  it('fails when a sized stream is shorter than declared', async () => {
    const { Readable } = await import('node:stream');
    await expect(
      writeBackupArchive({ dir: work.dir, id: 'demo', timestamp: 9, entries: [{ name: 'database/dump', kind: 'file', source: Readable.from([Buffer.from('abc')]), size: 10 }] }),
    ).rejects.toThrow(/while writing database\/dump: stream ended after 3 of its declared 10 bytes/);
    expect(readdirSync(work.dir)).toEqual([]);
  });
});
