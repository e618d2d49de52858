// Reading members of a zip archive in memory (central directory, stored or deflated), so the host needs no unzip.
import { crc32, inflateRawSync } from 'node:zlib';
import { ExitCode, PxError } from '../errors.js';

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Offset of the member's local header. */
  offset: number;
  /** Unix mode bits when the archive was made on Unix (0 otherwise). */
  mode: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function badZip(what: string, why: string): PxError {
  return new PxError(`${what} is not a readable zip archive: ${why}`, ExitCode.other, 'the download is damaged or not the release it claims to be; nothing was deployed');
}

/** Every entry the central directory lists, in its order. */
export function zipEntries(zip: Buffer, what = 'archive'): ZipEntry[] {
  // The end record is 22 bytes plus a comment of at most 65535 bytes, so it lies in the file's tail.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw badZip(what, 'no end-of-central-directory record');
  const count = zip.readUInt16LE(eocd + 10);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  // Release zips stay far below 4 GiB; zip64 marks these fields 0xffff…, which we refuse rather than misread.
  if (count === 0xffff || cdOffset === 0xffffffff) throw badZip(what, 'zip64 archives are not supported');
  const out: ZipEntry[] = [];
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== CENTRAL) throw badZip(what, `central directory entry ${n} is damaged`);
    const flags = zip.readUInt16LE(p + 8);
    const nameLen = zip.readUInt16LE(p + 28);
    const name = zip.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen);
    if (flags & 1) throw badZip(what, `${name} is encrypted`);
    const madeOnUnix = zip.readUInt8(p + 5) === 3;
    out.push({
      name,
      method: zip.readUInt16LE(p + 10),
      crc: zip.readUInt32LE(p + 16),
      compressedSize: zip.readUInt32LE(p + 20),
      size: zip.readUInt32LE(p + 24),
      offset: zip.readUInt32LE(p + 42),
      mode: madeOnUnix ? zip.readUInt32LE(p + 38) >>> 16 : 0,
    });
    p += 46 + nameLen + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  return out;
}

/** The bytes of one member, checked against its CRC-32. */
export function zipRead(zip: Buffer, entry: ZipEntry, what = 'archive'): Buffer {
  const h = entry.offset;
  if (h + 30 > zip.length || zip.readUInt32LE(h) !== LOCAL) throw badZip(what, `the local header of ${entry.name} is damaged`);
  const start = h + 30 + zip.readUInt16LE(h + 26) + zip.readUInt16LE(h + 28);
  const raw = zip.subarray(start, start + entry.compressedSize);
  if (raw.length !== entry.compressedSize) throw badZip(what, `${entry.name} is truncated`);
  let data: Buffer;
  if (entry.method === 0) data = raw;
  else if (entry.method === 8) {
    try {
      data = inflateRawSync(raw);
    } catch (err) {
      throw badZip(what, `${entry.name} does not inflate (${(err as Error).message})`);
    }
  } else throw badZip(what, `${entry.name} uses compression method ${entry.method} (only stored and deflate are read)`);
  if (data.length !== entry.size || crc32(data) >>> 0 !== entry.crc) throw badZip(what, `${entry.name} fails its CRC-32 check`);
  return data;
}

/** A member by its path inside the archive (a leading `./` ignored), or undefined. */
export function zipFind(entries: readonly ZipEntry[], name: string): ZipEntry | undefined {
  const norm = (n: string) => n.replace(/^\.\//, '');
  return entries.find((e) => norm(e.name) === norm(name));
}
