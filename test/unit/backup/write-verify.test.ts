// Round trip: write an archive from files, folders and a tar stream; GNU tar and sha256sum accept it; verify and extract it.
import { readFileSync, readlinkSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractArchive, verifyArchive, writeBackupArchive } from '../../../src/backup/index.js';
import { makeTree, run, tarStreamOf, tempDir } from './helpers.js';

let work: { dir: string; cleanup: () => void };
beforeEach(() => {
  work = tempDir();
});
afterEach(() => work.cleanup());

async function writeSample(extra: { compress?: 'gzip' | 'zstd'; searchPath?: string } = {}) {
  const src = path.join(work.dir, 'src');
  const vol = path.join(work.dir, 'vol');
  makeTree(src);
  makeTree(vol);
  writeFileSync(path.join(work.dir, 'config.yaml'), 'instance: demo\n');
  const dump = Buffer.from('PGDMP fake custom-format dump\n'.repeat(100));
  return writeBackupArchive({
    dir: path.join(work.dir, 'backups', 'demo'),
    id: 'demo',
    timestamp: 1729335600,
    entries: [
      { name: 'deployment-config.yaml', kind: 'file', source: path.join(work.dir, 'config.yaml') },
      { name: 'environment', kind: 'file', source: Buffer.from('DB_PASSWORD=[redacted]\n') },
      { name: 'database/app.dump', kind: 'file', source: Readable.from([dump]) },
      { name: 'files/uploads', kind: 'dir', source: src },
      { name: 'files/volume', kind: 'tar-stream', source: tarStreamOf(vol) },
    ],
    metadata: { database_type: 'postgresql', backup_trigger: 'manual', hostname: 'demo.example' },
    ...extra,
  });
}

describe('writeBackupArchive', () => {
  it('writes <ts>.tar.gz, a sha256sum sidecar, a latest symlink and metadata with per-entry hashes', async () => {
    const r = await writeSample();
    const dir = path.dirname(r.path);
    expect(path.basename(r.path)).toBe('1729335600.tar.gz');
    expect(readFileSync(r.sidecar, 'utf8')).toBe(`${r.sha256}  1729335600.tar.gz\n`);
    expect(readlinkSync(path.join(dir, 'latest'))).toBe('1729335600.tar.gz');
    expect(run('sha256sum', ['-c', '1729335600.tar.gz.sha256'], dir)).toBe('1729335600.tar.gz: OK\n');
    expect(statSync(r.path).size).toBe(r.size);
    expect(readdirSync(dir).sort()).toEqual(['1729335600.tar.gz', '1729335600.tar.gz.sha256', 'latest']);

    const listing = run('tar', ['-tzf', r.path]).trim().split('\n');
    const root = 'pxdeploy-backup-1729335600/';
    expect(listing[0]).toBe(root);
    expect(listing.at(-1)).toBe(`${root}metadata.json`);
    expect(listing).toContain(`${root}files/uploads/a/b/two.txt`);
    expect(listing).toContain(`${root}files/volume/big.bin`);
    expect(listing).toContain(`${root}database/app.dump`);

    const m = r.metadata;
    expect(m).toMatchObject({ backup_version: '1.0.0', instance_id: 'demo', created_at: '2024-10-19T11:00:00Z', database_type: 'postgresql', compression: 'gzip' });
    const dumpRecord = m.entries.find((e) => e.name === 'database/app.dump');
    expect(dumpRecord?.sha256).toBe(run('sh', ['-c', `tar -xzOf ${r.path} ${root}database/app.dump | sha256sum`]).split(' ')[0]);
    expect(m.database_size_bytes).toBe(dumpRecord?.size_bytes);
    expect(m.files_count).toBe(8);
    // metadata.json inside the archive is what the writer returned
    expect(JSON.parse(run('tar', ['-xzOf', r.path, `${root}metadata.json`]))).toEqual(m);
  });

  it('verifies and extracts to the same bytes and links (root folder stripped, target untouched)', async () => {
    const r = await writeSample();
    const report = await verifyArchive(r.path);
    expect(report.sha256).toBe(r.sha256);
    expect(report.metadata.entries).toEqual(r.entries);
    const target = path.join(work.dir, 'restore-target');
    const { dir } = await extractArchive(r.path, target);
    expect(path.dirname(dir)).toBe(work.dir);
    expect(readdirSync(dir).sort()).toEqual(['database', 'deployment-config.yaml', 'environment', 'files', 'metadata.json']);
    expect(readFileSync(path.join(dir, 'files/uploads/a/b/two.txt'), 'utf8')).toBe('two\n'.repeat(1000));
    expect(readFileSync(path.join(dir, 'files/volume/big.bin'))).toEqual(Buffer.alloc(300 * 1024, 7));
    expect(readlinkSync(path.join(dir, 'files/volume/link-inside'))).toBe('a/one.txt');
    expect(readFileSync(path.join(dir, 'deployment-config.yaml'), 'utf8')).toBe('instance: demo\n');
    expect(() => statSync(target)).toThrow();
  });

  it('falls back to zlib when pigz is not installed, and GNU tar still reads the result', async () => {
    const empty = path.join(work.dir, 'no-tools');
    const r = await writeSample({ searchPath: empty });
    expect(r.compressor).toBe('zlib');
    expect(run('tar', ['-tzf', r.path])).toContain('metadata.json');
    await expect(verifyArchive(r.path)).resolves.toMatchObject({ sha256: r.sha256 });
  });

  it('uses pigz when it is on the search path', async () => {
    const r = await writeSample();
    expect(r.compressor).toBe('pigz');
  });

  it('writes .tar.zst with zstd', async () => {
    const r = await writeSample({ compress: 'zstd' });
    expect(path.basename(r.path)).toBe('1729335600.tar.zst');
    expect(r.compressor).toBe('zstd');
    expect(run('tar', ['--zstd', '-tf', r.path])).toContain('pxdeploy-backup-1729335600/metadata.json');
    await expect(verifyArchive(r.path)).resolves.toMatchObject({ sha256: r.sha256 });
  });

  it('rejects entry names outside the layout before writing anything', async () => {
    await expect(
      writeBackupArchive({ dir: work.dir, id: 'x', timestamp: 1, entries: [{ name: 'etc/passwd', kind: 'file', source: Buffer.from('') }] }),
    ).rejects.toThrow(/must start with one of/);
    await expect(
      writeBackupArchive({ dir: work.dir, id: 'x', timestamp: 1, entries: [{ name: 'metadata.json', kind: 'file', source: Buffer.from('') }] }),
    ).rejects.toThrow(/written by the archive writer/);
    expect(readdirSync(work.dir)).toEqual([]);
  });
});
