// Read members of an uncompressed tar (an OCI archive) in-process: headers are walked by offset, data is read only for the members asked for.
import { open, type FileHandle } from 'node:fs/promises';

const BLOCK = 512;

export interface TarMember {
  name: string;
  /** Offset of the member's data in the file. */
  offset: number;
  size: number;
  type: string;
}

function field(h: Buffer, start: number, len: number): string {
  const raw = h.subarray(start, start + len);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? len : nul).toString('utf8');
}

/** Octal, or GNU base-256 for sizes past 8 GiB. */
function sizeField(h: Buffer): number {
  if ((h[124]! & 0x80) !== 0) {
    let n = 0;
    for (let i = 125; i < 136; i++) n = n * 256 + h[i]!;
    return n;
  }
  return parseInt(field(h, 124, 12).trim() || '0', 8);
}

/** `path=` of a PAX extended header (the long-name form Go's archive/tar writes). */
function paxPath(data: string): string | undefined {
  for (const rec of data.split('\n')) {
    const m = /^\d+ path=(.*)$/s.exec(rec);
    if (m) return m[1];
  }
  return undefined;
}

async function readAt(fh: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, offset);
  if (bytesRead !== length) throw new Error(`unexpected end of tar at byte ${offset + bytesRead}`);
  return buf;
}

async function walk(fh: FileHandle): Promise<TarMember[]> {
  const size = (await fh.stat()).size;
  const out: TarMember[] = [];
  let offset = 0;
  let longName: string | undefined;
  while (offset + BLOCK <= size) {
    const h = await readAt(fh, offset, BLOCK);
    if (h.every((b) => b === 0)) break;
    const len = sizeField(h);
    const type = h[156] ? String.fromCharCode(h[156]) : '0';
    const data = offset + BLOCK;
    if (type === 'x' || type === 'L') {
      const text = (await readAt(fh, data, len)).toString('utf8');
      longName = type === 'L' ? text.replace(/\0+$/, '') : paxPath(text) ?? longName;
    } else {
      const prefix = field(h, 345, 155);
      const name = longName ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
      out.push({ name: name.replace(/^\.\//, ''), offset: data, size: len, type });
      longName = undefined;
    }
    offset = data + Math.ceil(len / BLOCK) * BLOCK;
  }
  return out;
}

/** Every member (`./` prefixes dropped), in archive order. */
export async function listTarMembers(file: string): Promise<TarMember[]> {
  const fh = await open(file, 'r');
  try {
    return await walk(fh);
  } finally {
    await fh.close();
  }
}

/** Reads regular members by name: the headers are walked once, then each read is one pread. */
export async function withTarReader<T>(file: string, fn: (read: (name: string) => Promise<string | undefined>) => Promise<T>): Promise<T> {
  const fh = await open(file, 'r');
  try {
    const members = await walk(fh);
    return await fn(async (name) => {
      const m = members.find((x) => x.name === name && (x.type === '0' || x.type === '7'));
      return m ? (await readAt(fh, m.offset, m.size)).toString('utf8') : undefined;
    });
  } finally {
    await fh.close();
  }
}
