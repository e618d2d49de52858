// Streams an archive file once: SHA-256 of its bytes, decompression and tar parsing side by side.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ReadEntry } from 'tar/read-entry';
import { openDecompressor, type CodecOptions } from './compression.js';
import type { Compression } from './layout.js';
import { tarEntries } from './tar-entries.js';

const READ_CHUNK = 1024 * 1024;

export async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

export interface ReadResult {
  sha256: string;
  size: number;
  sawEndMarker: boolean;
}

/**
 * Calls `visit` for every member in order; `visit` must read the member's data (or leave it, and
 * it is skipped). A throw from `visit` stops reading at once. Decoding errors propagate as thrown
 * by zlib, zstd or node-tar; `decodeFailureKind` sorts them.
 */
export async function readArchive(file: string, compression: Compression, visit: (entry: ReadEntry) => Promise<void>, opts: CodecOptions = {}): Promise<ReadResult> {
  const hash = createHash('sha256');
  let size = 0;
  const input = createReadStream(file, { highWaterMark: READ_CHUNK });
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  const codec = await openDecompressor(compression, opts);
  input.on('error', (err) => codec.stream.destroy(err));
  tap.on('error', (err) => codec.stream.destroy(err));
  input.pipe(tap).pipe(codec.stream);
  const entries = tarEntries(codec.stream);
  try {
    for await (const entry of entries) await visit(entry);
    await finished(tap);
  } catch (err) {
    throw codec.explain(err);
  } finally {
    input.destroy();
    tap.destroy();
    codec.stream.destroy();
  }
  return { sha256: hash.digest('hex'), size, sawEndMarker: entries.sawEndMarker };
}

/** Whether a decoding failure means the data ends early or that it is damaged. */
export function decodeFailureKind(err: unknown): 'truncated' | 'corrupt' {
  const e = err as { code?: string; message?: string; stderr?: unknown; tarCode?: string };
  const text = `${e.message ?? ''} ${String(e.stderr ?? '')}`;
  if (e.code === 'Z_BUF_ERROR' || /unexpected end of file|Truncated input|truncated|premature end/i.test(text)) return 'truncated';
  return 'corrupt';
}
