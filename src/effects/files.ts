// The real file effects: atomic replace with fsync, mkdir -p, rm -rf, atomic symlink swap.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, symlink } from 'node:fs/promises';
import path from 'node:path';

async function fsyncDir(dir: string): Promise<void> {
  // A rename is durable only once the directory entry is on disk.
  const fd = await open(dir, 'r');
  try {
    await fd.sync();
  } finally {
    await fd.close();
  }
}

/** A temporary name beside `file`, so the final rename never crosses filesystems. */
function scratchBeside(file: string, tag: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${tag}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

export async function writeFileAtomic(file: string, data: string | Uint8Array, mode: number): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const tmp = scratchBeside(file, 'tmp');
  const fd = await open(tmp, 'wx', mode);
  try {
    await fd.writeFile(data);
    await fd.chmod(mode); // the umask must not weaken a 0644 or widen nothing: set exactly
    await fd.sync();
  } catch (err) {
    await fd.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await fd.close();
  try {
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(dir);
}

export async function makeDir(dir: string, mode: number): Promise<void> {
  await mkdir(dir, { recursive: true, mode });
}

export async function removePath(target: string): Promise<void> {
  await rm(target, { recursive: true, force: true });
}

export async function symlinkAtomic(target: string, link: string): Promise<void> {
  await mkdir(path.dirname(link), { recursive: true });
  const tmp = scratchBeside(link, 'ln');
  await symlink(target, tmp);
  try {
    await rename(tmp, link);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export async function renamePath(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  await rename(from, to);
}

export async function readTextFile(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
