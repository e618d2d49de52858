// What winston-daily-rotate-file 5.0.0 / file-stream-rotator 0.6.1 cannot do safely: the stable link, gzip, pruning.
import fs, { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import type { Paths } from '../state/paths.js';
import { listLogFiles, partIndex } from './files.js';

const tmpName = (file: string, ext: string) =>
  path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.${ext}`);

/**
 * Point `<id>.log` at the live part atomically (new link under a temporary name, renamed over the old one).
 * Why not `createSymlink`/`symlinkName`: the library replaces the link by unlink + symlink on every open (twice)
 * and rotation, and links a part before its stream has created the file. Measured (rotation.test.ts, "never goes
 * missing": a reader polls `<id>.log` while another process opens a log 30 times and rotates at 4 KB): with the
 * library's link 10,632 of 81,100 reads failed with ENOENT; with this function 0 of 71,900.
 */
export function pointLinkAt(link: string, liveFile: string): void {
  const target = path.basename(liveFile);
  // Create the part if the library's stream has not yet (append mode: nothing is truncated), so the link never dangles.
  fs.closeSync(fs.openSync(liveFile, 'a', 0o640));
  try {
    if (fs.readlinkSync(link) === target) return;
  } catch {
    // missing, or not a link: replaced below
  }
  const tmp = tmpName(link, 'lnk');
  fs.symlinkSync(target, tmp);
  fs.renameSync(tmp, link);
}

async function compressPart(file: string): Promise<void> {
  const gz = `${file}.gz`;
  const tmp = tmpName(gz, 'tmp');
  try {
    await pipeline(createReadStream(file), createGzip(), createWriteStream(tmp, { flags: 'wx', mode: 0o640 }));
    // A part name comes round again if the library's audit file was lost; gzip members concatenate, so the
    // older archive stays first and nothing is overwritten.
    const previous = await readFile(gz).catch(() => undefined);
    if (previous) await writeFile(tmp, Buffer.concat([previous, await readFile(tmp)]), { mode: 0o640 });
    await rename(tmp, gz);
    await unlink(file);
  } catch (err) {
    await rm(tmp, { force: true });
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // another process got there first
  }
}

/**
 * Compress every plain part older than `liveFile`, then keep only the newest `keepRotated` archives. Callers
 * run it once the parts' streams are flushed. Why not `zippedArchive` and `maxFiles`: the library gzips a part
 * on 'rotate' only if the file already exists, without waiting for its stream to flush, and prunes only files
 * that exist when they leave its list; under a burst no part is open yet. Measured (maxSize 4k, 2,000 lines in
 * one burst): 0 of 68 rotated parts compressed; 20,000 lines with maxSize 100k and maxFiles 6: 29 plain parts
 * kept; 20,000 lines in bursts of 300: 110 of 177 left plain. Waiting for 'archive' cannot help: it never starts.
 */
export async function tidyRotatedParts(paths: Paths, resourceId: string, liveFile: string, keepRotated: number): Promise<void> {
  const liveIdx = partIndex(resourceId, path.basename(liveFile)) ?? 0;
  const older = async () =>
    (await listLogFiles(paths, resourceId)).parts.filter((f) => partIndex(resourceId, path.basename(f))! < liveIdx);
  for (const f of await older()) if (!f.endsWith('.gz')) await compressPart(f);
  const archives = (await older()).filter((f) => f.endsWith('.gz'));
  for (const old of archives.slice(0, Math.max(0, archives.length - keepRotated))) await rm(old, { force: true });
}
