// Chooses the compressor once: pigz on every core when installed, else zlib; zstd only where the zstd tool exists.
import type { Duplex } from 'node:stream';
import { createGunzip, createGzip, constants as zlibConstants } from 'node:zlib';
import { filterFailure, findProgram, pigzCompress, spawnFilter, spawnFilterToFile, zstdCompress, zstdDecompress, type FileFilter, type FilterCommand } from '../host/compressor.js';
import type { Compression } from './layout.js';

export type CompressorName = 'pigz' | 'zlib' | 'zstd';

export interface Codec {
  name: CompressorName;
  stream: Duplex;
  /** Explains a failure of the stream in terms of the tool that ran (exit code, stderr). */
  explain(err: unknown): Error;
}

export interface CodecOptions {
  /** Where to look for pigz and zstd; PATH by default (tests pass a folder without them). */
  searchPath?: string;
}

const ZLIB_CHUNK = 256 * 1024;

function fromCommand(name: CompressorName, cmd: FilterCommand, stream: Duplex): Codec {
  return { name, stream, explain: (err) => filterFailure(cmd, err) };
}

export async function openCompressor(compression: Compression, opts: CodecOptions = {}): Promise<Codec> {
  if (compression === 'zstd') {
    const zstd = await findProgram('zstd', opts.searchPath);
    if (!zstd) throw new Error('zstd compression needs the zstd program (apt install zstd)');
    const cmd = zstdCompress(zstd);
    return fromCommand('zstd', cmd, await spawnFilter(cmd));
  }
  const pigz = await findProgram('pigz', opts.searchPath);
  if (pigz) {
    const cmd = pigzCompress(pigz);
    return fromCommand('pigz', cmd, await spawnFilter(cmd));
  }
  // Node's async zlib already deflates on a libuv pool thread, off the event loop, so a worker
  // thread would add copying without adding a core: gzip is one stream, one core either way.
  return { name: 'zlib', stream: createGzip({ level: 6, chunkSize: ZLIB_CHUNK }), explain: (err) => (err instanceof Error ? err : new Error(String(err))) };
}

export interface FileCodec {
  name: CompressorName;
  /** Uncompressed bytes in; compressed bytes go to the file descriptor, not through Node. */
  input: FileFilter;
  explain(err: unknown): Error;
}

/** pigz or zstd writing straight into `outputFd`; undefined when only zlib is available (it runs in-process). */
export async function openCompressorToFile(compression: Compression, outputFd: number, opts: CodecOptions = {}): Promise<FileCodec | undefined> {
  const found = compression === 'zstd' ? await findProgram('zstd', opts.searchPath) : await findProgram('pigz', opts.searchPath);
  if (!found) {
    if (compression === 'zstd') throw new Error('zstd compression needs the zstd program (apt install zstd)');
    return undefined;
  }
  const cmd = compression === 'zstd' ? zstdCompress(found) : pigzCompress(found);
  return { name: compression === 'zstd' ? 'zstd' : 'pigz', input: await spawnFilterToFile(cmd, outputFd), explain: (err) => filterFailure(cmd, err) };
}

/**
 * Decompression for reading: zlib for gzip (measured: a pigz -d child was no faster here, its 64 KiB
 * output chunks cost more than inflating in-process saves), the zstd tool for zstd.
 */
export async function openDecompressor(compression: Compression, opts: CodecOptions = {}): Promise<Codec> {
  if (compression === 'zstd') {
    const zstd = await findProgram('zstd', opts.searchPath);
    if (!zstd) throw new Error('reading a .tar.zst archive needs the zstd program (apt install zstd)');
    const cmd = zstdDecompress(zstd);
    return fromCommand('zstd', cmd, await spawnFilter(cmd));
  }
  return {
    name: 'zlib',
    // Default finishFlush throws on a cut stream ("unexpected end of file"), which is what tells truncation apart.
    stream: createGunzip({ chunkSize: ZLIB_CHUNK, finishFlush: zlibConstants.Z_FINISH }),
    explain: (err) => (err instanceof Error ? err : new Error(String(err))),
  };
}
