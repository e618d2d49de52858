// Restore refusals on hand-made archives: each is refused by inspectArchive and extractArchive before anything is written.
import { existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackupArchiveError, extractArchive, inspectArchive, verifyArchive, writeBackupArchive } from '../../../src/backup/index.js';
import { ROOT, rawTar, writeArchiveWithSidecar, type RawMember } from './handmade.js';
import { makeTree, tempDir } from './helpers.js';

let work: { dir: string; cleanup: () => void };
beforeEach(() => {
  work = tempDir();
});
afterEach(() => work.cleanup());

const base: RawMember[] = [
  { path: `${ROOT}/`, type: 'Directory' },
  { path: `${ROOT}/files/`, type: 'Directory' },
  { path: `${ROOT}/files/ok.txt`, content: 'fine\n' },
];

async function expectRefused(members: RawMember[], pattern: RegExp, problem = 'unsafe'): Promise<void> {
  const file = path.join(work.dir, '100.tar.gz');
  writeArchiveWithSidecar(file, rawTar(members));
  const target = path.join(work.dir, 'target');
  const before = readdirSync(work.dir).sort();
  const err = await inspectArchive(file).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(BackupArchiveError);
  expect((err as BackupArchiveError).problem).toBe(problem);
  expect((err as Error).message).toMatch(pattern);
  await expect(extractArchive(file, target)).rejects.toThrow(pattern);
  // Nothing written: no target, no temp folder beside it, nothing outside.
  expect(readdirSync(work.dir).sort()).toEqual(before);
  expect(existsSync('/tmp/pxdeploy-escape-test')).toBe(false);
}

describe('restore refusals', () => {
  it("refuses a '../' entry", async () => {
    await expectRefused([...base, { path: `${ROOT}/files/../../escape.txt`, content: 'x' }], /contains '\.\.'/);
  });

  it('refuses an absolute path', async () => {
    await expectRefused([...base, { path: '/tmp/pxdeploy-escape-test', content: 'x' }], /absolute path/);
  });

  it('refuses a symlink pointing outside, and so never writes a file through it', async () => {
    await expectRefused(
      [...base, { path: `${ROOT}/files/evil`, type: 'SymbolicLink', linkpath: '/tmp' }, { path: `${ROOT}/files/evil/pxdeploy-escape-test`, content: 'x' }],
      /symbolic link to an absolute path/,
    );
    await expectRefused(
      [...base, { path: `${ROOT}/files/evil`, type: 'SymbolicLink', linkpath: '../../..' }, { path: `${ROOT}/files/evil/x`, content: 'x' }],
      /symbolic link pointing outside the target/,
    );
  });

  it('refuses a path through a symlink even when the link stays inside', async () => {
    await expectRefused(
      [...base, { path: `${ROOT}/files/l`, type: 'SymbolicLink', linkpath: '..' }, { path: `${ROOT}/files/l/environment`, content: 'x' }],
      /goes through the symbolic link files\/l/,
    );
  });

  it('refuses hard links outside the target', async () => {
    await expectRefused([...base, { path: `${ROOT}/files/h`, type: 'Link', linkpath: '/etc/passwd' }], /hard link to an absolute path/);
    await expectRefused([...base, { path: `${ROOT}/files/h`, type: 'Link', linkpath: '../etc/passwd' }], /hard link pointing outside the target/);
    await expectRefused([...base, { path: `${ROOT}/files/h`, type: 'Link', linkpath: `${ROOT}/files/../../x` }], /hard link pointing outside|contains/);
  });

  it('refuses device files and FIFOs', async () => {
    await expectRefused([...base, { path: `${ROOT}/files/fifo`, type: 'FIFO' }], /FIFO entries are not restored/);
    await expectRefused([...base, { path: `${ROOT}/files/null`, type: 'CharacterDevice' }], /character device/);
    await expectRefused([...base, { path: `${ROOT}/files/sda`, type: 'BlockDevice' }], /block device/);
  });

  it('refuses unexpected top-level names', async () => {
    await expectRefused([...base, { path: `${ROOT}/etc/passwd`, content: 'x' }], /unexpected top-level name 'etc'/);
    await expectRefused([{ path: 'other/', type: 'Directory' }], /unexpected top-level name 'other'/);
    await expectRefused([...base, { path: `${ROOT}/environment/`, type: 'Directory' }], /environment must be a regular file/);
  });

  it('refuses a member that appears twice', async () => {
    await expectRefused([...base, { path: `${ROOT}/files/ok.txt`, content: 'again' }], /appears twice/);
  });
});

describe('integrity', () => {
  async function realArchive(): Promise<string> {
    const src = path.join(work.dir, 'src');
    makeTree(src);
    const r = await writeBackupArchive({ dir: path.join(work.dir, 'b'), id: 'demo', timestamp: 100, entries: [{ name: 'files', kind: 'dir', source: src }] });
    return r.path;
  }

  it('reports a flipped byte as corrupt', async () => {
    const file = await realArchive();
    const bytes = readFileSync(file);
    const mid = Math.floor(bytes.length / 2);
    bytes[mid] = (bytes[mid] as number) ^ 0xff;
    writeFileSync(file, bytes);
    const err = (await verifyArchive(file).catch((e: unknown) => e)) as BackupArchiveError;
    expect(err.problem).toBe('corrupt');
    expect(err.message).toMatch(/archive is corrupt: .* does not match/);
    await expect(extractArchive(file, path.join(work.dir, 't'))).rejects.toThrow(/corrupt/);
    expect(existsSync(path.join(work.dir, 't'))).toBe(false);
  });

  it('reports a truncated archive as truncated', async () => {
    const file = await realArchive();
    truncateSync(file, Math.floor(readFileSync(file).length / 2));
    const err = (await verifyArchive(file).catch((e: unknown) => e)) as BackupArchiveError;
    expect(err.problem).toBe('truncated');
    expect(err.message).toMatch(/archive is truncated/);
  });

  it('reports a missing sidecar', async () => {
    const file = await realArchive();
    writeFileSync(`${file}.sha256`, 'garbage\n');
    await expect(verifyArchive(file)).rejects.toMatchObject({ problem: 'checksum-missing' });
  });

  it('finds content that no longer matches metadata.json even when the sidecar was rewritten', async () => {
    const file = await realArchive();
    const tar = gunzipSync(readFileSync(file));
    const at = tar.indexOf('two\ntwo\n');
    tar.write('TWO\n', at);
    const gz = gzipSync(tar);
    writeFileSync(file, gz);
    writeFileSync(`${file}.sha256`, `${createHash('sha256').update(gz).digest('hex')}  100.tar.gz\n`);
    const err = (await verifyArchive(file).catch((e: unknown) => e)) as BackupArchiveError;
    expect(err.problem).toBe('structure');
    expect(err.message).toMatch(/metadata.json does not match the contents:\n {2}files: sha256 [0-9a-f]{64} in the archive/);
  });

  it('refuses an archive without the entry index or metadata.json', async () => {
    const file = path.join(work.dir, '100.tar.gz');
    writeArchiveWithSidecar(file, rawTar(base));
    await expect(verifyArchive(file)).rejects.toThrow(/metadata.json is missing/);
  });
});
