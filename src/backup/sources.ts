// The members each kind of entry contributes: a host file, a host folder walked in order, or a tar stream from a CT.
import { lstat, open, opendir, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { linkTargetProblem } from './safety.js';
import type { MemberHeader } from './tar-format.js';
import { tarEntries } from './tar-entries.js';

export interface SourceMember extends Omit<MemberHeader, 'path'> {
  /** Path relative to the entry name; '' is the entry itself. */
  relative: string;
  /** Exactly `size` bytes for a File; absent otherwise. */
  body?: AsyncIterable<Buffer> | Buffer;
}

export interface Skipped {
  path: string;
  reason: string;
}

const READ_CHUNK = 256 * 1024;

/**
 * Reads exactly `size` bytes into `scratch`, yielding views of it: each view is valid only until the
 * next one is asked for (the writer copies it into the archive first), so reading allocates nothing
 * per file. A file that shrank is padded with zeros, one that grew is cut, both reported.
 */
async function* fileBody(file: string, size: number, scratch: Buffer, onChange: (why: string) => void): AsyncIterable<Buffer> {
  let read = 0;
  const handle = await open(file, 'r');
  try {
    while (read < size) {
      const { bytesRead } = await handle.read(scratch, 0, Math.min(scratch.length, size - read), read);
      if (bytesRead === 0) break;
      read += bytesRead;
      yield scratch.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
  if (read < size) {
    onChange(`shrank from ${size} to ${read} bytes while being read (zero-padded)`);
    for (let left = size - read; left > 0; left -= scratch.length) yield scratch.fill(0, 0, Math.min(left, scratch.length)).subarray(0, Math.min(left, scratch.length));
  }
}

/** The read buffer host-file bodies share (see fileBody). */
export function readScratch(): Buffer {
  return Buffer.allocUnsafeSlow(READ_CHUNK);
}

function ownerOf(st: { mode: number; mtime: Date; uid: number; gid: number }): Pick<MemberHeader, 'mode' | 'mtime' | 'uid' | 'gid'> {
  return { mode: st.mode & 0o7777, mtime: st.mtime, uid: st.uid, gid: st.gid };
}

/** One regular host file. */
export async function* hostFileMembers(file: string, onSkip: (s: Skipped) => void, scratch: Buffer = readScratch()): AsyncIterable<SourceMember> {
  const st = await lstat(file);
  if (!st.isFile()) throw new Error(`${file} is not a regular file`);
  yield { relative: '', type: 'File', size: st.size, ...ownerOf(st), body: fileBody(file, st.size, scratch, (why) => onSkip({ path: file, reason: why })) };
}

/** In-memory content (rendered config, redacted environment), readable by its owner only. */
export function bufferMember(content: Buffer, mtime: Date): SourceMember {
  return { relative: '', type: 'File', size: content.length, mode: 0o600, mtime, uid: 0, gid: 0, body: content };
}

/** A stream of known length (e.g. a database dump piped from pct exec). */
export async function* sizedStreamMembers(stream: Readable, size: number, mtime: Date): AsyncIterable<SourceMember> {
  async function* exact(): AsyncIterable<Buffer> {
    let seen = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      seen += chunk.length;
      if (seen > size) throw new Error(`stream is longer than its declared size ${size}`);
      yield chunk;
    }
    if (seen !== size) throw new Error(`stream ended after ${seen} of its declared ${size} bytes`);
  }
  yield { relative: '', type: 'File', size, mode: 0o600, mtime, uid: 0, gid: 0, body: exact() };
}

/**
 * A host folder, depth first, names sorted so the same tree gives the same archive. Sockets,
 * FIFOs and devices are skipped, as are symlinks a restore would refuse; both are reported.
 * Hard-linked files are stored as separate copies.
 */
export async function* hostDirMembers(dir: string, entryName: string, onSkip: (s: Skipped) => void, scratch: Buffer = readScratch()): AsyncIterable<SourceMember> {
  const rootStat = await lstat(dir);
  if (!rootStat.isDirectory()) throw new Error(`${dir} is not a directory`);
  yield { relative: '', type: 'Directory', size: 0, ...ownerOf(rootStat) };
  const pending: string[] = [''];
  while (pending.length > 0) {
    const relDir = pending.pop() as string;
    const names: string[] = [];
    for await (const d of await opendir(path.join(dir, relDir))) names.push(d.name);
    names.sort();
    const subdirs: string[] = [];
    for (const name of names) {
      const relative = relDir === '' ? name : `${relDir}/${name}`;
      const full = path.join(dir, relative);
      const st = await lstat(full);
      if (st.isFile()) {
        yield { relative, type: 'File', size: st.size, ...ownerOf(st), body: fileBody(full, st.size, scratch, (why) => onSkip({ path: full, reason: why })) };
      } else if (st.isDirectory()) {
        yield { relative, type: 'Directory', size: 0, ...ownerOf(st) };
        subdirs.push(relative);
      } else if (st.isSymbolicLink()) {
        const linkpath = await readlink(full);
        const problem = linkTargetProblem(`${entryName}/${relative}`, 'SymbolicLink', linkpath);
        if (problem) onSkip({ path: full, reason: problem });
        else yield { relative, type: 'SymbolicLink', size: 0, ...ownerOf(st), linkpath };
      } else {
        onSkip({ path: full, reason: 'not a regular file, folder or symbolic link' });
      }
    }
    // Reversed onto the stack so folders come out in sorted order.
    for (let i = subdirs.length - 1; i >= 0; i--) pending.push(subdirs[i] as string);
  }
}

/** Normalizes a path from a foreign tar stream to one relative to its root, or undefined if it escapes. */
function streamRelative(p: string): string | undefined {
  const stripped = p.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
  if (stripped === '' || stripped === '.') return '';
  const normal = path.posix.normalize(stripped);
  if (normal !== stripped || normal.split('/').includes('..')) return undefined;
  return normal;
}

/**
 * Re-roots a tar stream (a CT volume from `pct exec <id> -- tar -cf - -C <dir> .`) under the
 * entry name, member by member, data streamed through. Members a restore would refuse (devices,
 * FIFOs, escaping paths or links) are skipped and reported rather than stored.
 */
export async function* tarStreamMembers(stream: Readable, entryName: string, mtime: Date, onSkip: (s: Skipped) => void): AsyncIterable<SourceMember> {
  let sawRoot = false;
  const seenFiles = new Set<string>();
  for await (const entry of tarEntries(stream)) {
    const relative = streamRelative(entry.path);
    const base = { mode: (entry.mode ?? 0o644) & 0o7777, mtime: entry.mtime ?? mtime, uid: entry.uid ?? 0, gid: entry.gid ?? 0, uname: entry.uname ?? '', gname: entry.gname ?? '' };
    if (relative === undefined) {
      onSkip({ path: entry.path, reason: 'path leaves the stream root' });
      continue;
    }
    if (!sawRoot && relative !== '') yield { relative: '', type: 'Directory', size: 0, mode: 0o755, mtime, uid: 0, gid: 0 };
    sawRoot = true;
    switch (entry.type) {
      case 'File':
      case 'OldFile':
      case 'ContiguousFile':
        seenFiles.add(relative);
        yield { relative, type: 'File', size: entry.size, ...base, body: entry as AsyncIterable<Buffer> };
        break;
      case 'Directory':
        yield { relative, type: 'Directory', size: 0, ...base };
        break;
      case 'SymbolicLink': {
        const linkpath = entry.linkpath ?? '';
        const problem = linkTargetProblem(relative === '' ? entryName : `${entryName}/${relative}`, 'SymbolicLink', linkpath);
        if (problem) onSkip({ path: entry.path, reason: problem });
        else yield { relative, type: 'SymbolicLink', size: 0, ...base, linkpath };
        break;
      }
      case 'Link': {
        const target = streamRelative(entry.linkpath ?? '');
        if (target === undefined || target === '' || !seenFiles.has(target)) onSkip({ path: entry.path, reason: `hard link to ${entry.linkpath ?? ''}, not an earlier file of the stream` });
        else yield { relative, type: 'Link', size: 0, ...base, linkpath: target };
        break;
      }
      default:
        onSkip({ path: entry.path, reason: `${entry.type} entries are not backed up` });
    }
  }
  if (!sawRoot) yield { relative: '', type: 'Directory', size: 0, mode: 0o755, mtime, uid: 0, gid: 0 };
}

/** Spools a stream of unknown length to `file` so its size can go in the tar header. */
export async function spoolToFile(stream: Readable, file: string): Promise<void> {
  const handle = await open(file, 'wx', 0o600);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) await handle.write(chunk);
  } finally {
    await handle.close();
  }
}
