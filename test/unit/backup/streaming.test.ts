// The writer's bounded-memory parts (buffer pool, batcher, hashing a file as it grows) and two regressions: real mtimes for GNU tar, and damage found mid-member.
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BufferPool, PooledBatcher } from '../../../src/backup/buffer-pool.js';
import { FollowingHasher } from '../../../src/backup/following-hasher.js';
import { BackupArchiveError, extractArchive, writeBackupArchive } from '../../../src/backup/index.js';
import { run, tempDir } from './helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
const temp = () => {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
};

describe('BufferPool and PooledBatcher', () => {
  it('hands out at most `count` buffers, makes the next acquire wait for a release, and reuses the released one', async () => {
    const pool = new BufferPool(8, 2);
    const a = await pool.acquire();
    const b = await pool.acquire();
    let third: Buffer | undefined;
    const waiting = pool.acquire().then((x) => (third = x));
    await new Promise((r) => setImmediate(r));
    expect(third).toBeUndefined();
    pool.release(a.subarray(0, 3)); // a view finds its buffer
    await waiting;
    expect(third).toBe(a);
    expect(pool.allocated).toBe(2);
    pool.release(Buffer.alloc(8)); // not from the pool: ignored
    expect(b).not.toBe(a);
  });

  it('copies pieces of any size into full buffers and flushes the rest, bytes in order', async () => {
    const pool = new BufferPool(4, 8);
    const batch = new PooledBatcher(pool);
    const out: string[] = [];
    for (const piece of ['ab', 'cdefghij', '', 'k']) for await (const chunk of batch.add(Buffer.from(piece))) out.push(chunk.toString());
    for (const chunk of batch.flush()) out.push(chunk.toString());
    expect(out).toEqual(['abcd', 'efgh', 'ijk']);
  });
});

describe('FollowingHasher', () => {
  it('hashes a file that grows while it follows it, each byte once', async () => {
    const file = path.join(temp(), 'growing');
    writeFileSync(file, 'first ');
    const hasher = await FollowingHasher.open(file);
    for (let i = 0; i < 20; i++) {
      appendFileSync(file, Buffer.alloc(100_000, i));
      await new Promise((r) => setTimeout(r, 2));
    }
    const r = await hasher.finish();
    const all = readFileSync(file);
    expect(r).toEqual({ sha256: createHash('sha256').update(all).digest('hex'), size: all.length });
  });
});

describe('archive regressions', () => {
  it('members keep their own mtimes for GNU tar (the entry index header carries none)', async () => {
    const dir = temp();
    const data = path.join(dir, 'data');
    mkdirSync(data);
    writeFileSync(path.join(data, 'old.txt'), 'x');
    utimesSync(path.join(data, 'old.txt'), new Date('2020-05-17T12:00:00Z'), new Date('2020-05-17T12:00:00Z'));
    const r = await writeBackupArchive({ dir: path.join(dir, 'out'), id: 't', timestamp: 1_800_000_000, entries: [{ name: 'files', kind: 'dir', source: data }] });
    const listing = run('tar', ['-tvzf', r.path, '--full-time', '--utc']);
    expect(listing).toMatch(/2020-05-17 12:00:00 pxdeploy-backup-1800000000\/files\/old\.txt/);
    expect(listing).not.toMatch(/1970-01-01/);
  });

  it('damage inside a large member fails the one-pass extract with a clear error, and leaves no scratch folder', async () => {
    const dir = temp();
    const data = path.join(dir, 'data');
    mkdirSync(data);
    writeFileSync(path.join(data, 'big.bin'), Buffer.from(Array.from({ length: 3_000_000 }, (_, i) => (i * 7919) % 251)));
    const r = await writeBackupArchive({ dir: path.join(dir, 'out'), id: 't', timestamp: 1_800_000_000, entries: [{ name: 'files', kind: 'dir', source: data }] });
    const bytes = readFileSync(r.path);
    bytes[Math.floor(bytes.length * 0.7)]! ^= 0xff;
    writeFileSync(r.path, bytes);
    const target = path.join(dir, 'restore', 'data');
    const err = await extractArchive(r.path, target).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackupArchiveError);
    expect((err as BackupArchiveError).problem).toMatch(/^(corrupt|modified)$/);
    expect((err as Error).message).toMatch(/does not match/);
    expect(readdirSync(path.join(dir, 'restore'))).toEqual([]);
  });
});
