// writeBackupArchive: entries → tar (node-tar headers) → pigz/zlib/zstd → SHA-256 → file, in one streaming pass.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { BufferPool, PooledBatcher } from './buffer-pool.js';
import { openCompressor, openCompressorToFile, type CodecOptions, type CompressorName, type FileCodec } from './compression.js';
import { FollowingHasher } from './following-hasher.js';
import { EntryDigest, TREE_DIGEST, type EntryKind } from './entry-digest.js';
import { archiveFileName, entryNameProblem, isSameOrInside, METADATA_NAME, rootFolder, sidecarPath, type Compression } from './layout.js';
import { buildMetadata, type BackupMetadata, type EntryRecord } from './metadata.js';
import { formatSidecar } from './sidecar.js';
import { bufferMember, hostDirMembers, hostFileMembers, readScratch, sizedStreamMembers, spoolToFile, tarStreamMembers, type Skipped, type SourceMember } from './sources.js';
import { encodeEntryIndex, encodeHeader, END_OF_ARCHIVE, padding, type MemberHeader } from './tar-format.js';

export interface BackupEntry {
  /** Path under the archive root: `deployment-config.yaml`, `environment`, `database[/...]`, `files[/...]`. */
  name: string;
  kind: EntryKind;
  /**
   * 'file': a host path, a Buffer, or a Readable (with `size` it streams straight in; without, it
   * is spooled to a temporary file beside the archive first, since a tar header needs the size).
   * 'dir': a host folder. 'tar-stream': a Readable tar stream, re-rooted under `name`.
   */
  source: string | Buffer | Readable;
  size?: number;
}

export interface BackupProgress {
  entry: string;
  /** Uncompressed tar bytes produced so far. */
  bytesIn: number;
  /** Compressed bytes written so far. */
  bytesOut: number;
}

export interface WriteBackupOptions {
  /** Folder of this instance's backups, e.g. /var/backups/pxdeploy/<id>. */
  dir: string;
  id: string;
  /** Unix seconds; names the archive. */
  timestamp: number;
  entries: BackupEntry[];
  /** Seed fields the caller knows (app version, database type, hostname, trigger...). */
  metadata?: Record<string, unknown>;
  compress?: Compression;
  onProgress?: (p: BackupProgress) => void;
  /** Where to look for pigz/zstd; PATH by default. */
  searchPath?: string;
}

export interface WriteBackupResult {
  path: string;
  sidecar: string;
  sha256: string;
  /** Compressed archive size in bytes. */
  size: number;
  entries: EntryRecord[];
  skipped: Skipped[];
  compressor: CompressorName;
  metadata: BackupMetadata;
}

/** Pooled chunk size and count: what the writer may hold at once on its way into the compressor. */
const CHUNK_BYTES = 256 * 1024;
const CHUNKS = 4;
const PROGRESS_EVERY = 16 * 1024 * 1024;

export function validateEntries(entries: BackupEntry[]): void {
  const problems: string[] = [];
  entries.forEach((e, i) => {
    const p = entryNameProblem(e.name, e.kind);
    if (p) problems.push(`entries[${i}] '${e.name}': ${p}`);
    if (e.kind === 'dir' && typeof e.source !== 'string') problems.push(`entries[${i}] '${e.name}': a dir entry needs a host folder path`);
    if (e.kind === 'tar-stream' && (typeof e.source === 'string' || Buffer.isBuffer(e.source))) problems.push(`entries[${i}] '${e.name}': a tar-stream entry needs a Readable`);
    entries.slice(0, i).forEach((o) => {
      if (isSameOrInside(e.name, o.name) || isSameOrInside(o.name, e.name)) problems.push(`entries[${i}] '${e.name}' overlaps '${o.name}'`);
    });
  });
  if (problems.length > 0) throw new Error(`invalid backup entries:\n  ${problems.join('\n  ')}`);
}

/** An archive written and fsynced under a hidden partial name; the caller moves it into place (through its effects). */
export interface StagedArchive extends WriteBackupResult {
  partial: string;
}

/** The hidden name the archive is written under until it is complete: known before writing, so a plan can name it. */
export function partialPathOf(dir: string, timestamp: number, compression: Compression): string {
  return path.join(dir, `.${archiveFileName(timestamp, compression)}.partial-${process.pid}`);
}

/** Writes, sidecar and `latest` with plain fs calls: for callers without an effects seam (tests, bench). */
export async function writeBackupArchive(opts: WriteBackupOptions): Promise<WriteBackupResult> {
  const staged = await stageBackupArchive(opts);
  try {
    await rename(staged.partial, staged.path);
  } catch (err) {
    await rm(staged.partial, { force: true });
    throw err;
  }
  await writeAtomically(staged.sidecar, formatSidecar(staged.sha256, staged.path));
  await pointLatest(opts.dir, path.basename(staged.path));
  const { partial: _partial, ...result } = staged;
  return result;
}

/**
 * The one streaming pass into `partialPathOf(...)`, fsynced; nothing else is touched. On failure
 * the partial file (and any spool) is removed. The sidecar text is `formatSidecar(sha256, path)`.
 */
export async function stageBackupArchive(opts: WriteBackupOptions): Promise<StagedArchive> {
  validateEntries(opts.entries);
  const compression = opts.compress ?? 'gzip';
  const mtime = new Date(opts.timestamp * 1000);
  const root = rootFolder(opts.timestamp);
  await mkdir(opts.dir, { recursive: true, mode: 0o700 });
  const finalPath = path.join(opts.dir, archiveFileName(opts.timestamp, compression));
  if (await exists(finalPath)) throw new Error(`backup ${finalPath} already exists`);
  const partial = partialPathOf(opts.dir, opts.timestamp, compression);
  const spools: string[] = [];
  const skipped: Skipped[] = [];
  const records: EntryRecord[] = [];
  let bytesIn = 0;
  let current = '';

  try {
    // Streams without a length are spooled first, before the compressor starts.
    const sources = await Promise.all(
      opts.entries.map(async (e, i) => {
        if (e.kind !== 'file' || typeof e.source === 'string' || Buffer.isBuffer(e.source) || e.size !== undefined) return e;
        const spool = path.join(opts.dir, `.${opts.timestamp}.spool-${i}-${process.pid}`);
        spools.push(spool);
        await spoolToFile(e.source, spool);
        return { ...e, source: spool };
      }),
    );

    let built: BackupMetadata | undefined;
    const out = { bytes: 0 };
    const membersOf = (e: BackupEntry): AsyncIterable<SourceMember> => {
      const onSkip = (s: Skipped): void => void skipped.push(s);
      if (e.kind === 'dir') return hostDirMembers(e.source as string, e.name, onSkip, scratch);
      if (e.kind === 'tar-stream') return tarStreamMembers(e.source as Readable, e.name, mtime, onSkip);
      if (typeof e.source === 'string') return hostFileMembers(e.source, onSkip, scratch);
      if (Buffer.isBuffer(e.source)) return (async function* () { yield bufferMember(e.source as Buffer, mtime); })();
      return sizedStreamMembers(e.source, e.size as number, mtime);
    };

    const pool = new BufferPool(CHUNK_BYTES, CHUNKS);
    const scratch = readScratch();
    async function* tarChunks(): AsyncGenerator<Buffer> {
      const batch = new PooledBatcher(pool);
      const dirsWritten = new Set<string>();
      const header = (h: MemberHeader): Buffer => {
        const block = encodeHeader(h);
        bytesIn += block.length;
        return block;
      };
      const implicitDir = (p: string): Buffer => header({ path: p, type: 'Directory', mode: 0o755, size: 0, mtime, uid: 0, gid: 0 });
      const index = encodeEntryIndex(sources);
      bytesIn += index.length;
      yield* batch.add(index);
      yield* batch.add(implicitDir(root));
      for (const e of sources) {
        current = e.name;
        const parts = e.name.split('/');
        for (let i = 1; i < parts.length; i++) {
          const parent = parts.slice(0, i).join('/');
          if (!dirsWritten.has(parent)) {
            dirsWritten.add(parent);
            yield* batch.add(implicitDir(`${root}/${parent}`));
          }
        }
        const digest = new EntryDigest(e.kind);
        for await (const m of membersOf(e)) {
          const name = m.relative === '' ? e.name : `${e.name}/${m.relative}`;
          if (m.type === 'Directory') dirsWritten.add(name);
          digest.member(m.relative, m.type, m.size, m.linkpath);
          const linkpath = m.type === 'Link' ? `${root}/${e.name}/${m.linkpath}` : m.linkpath;
          yield* batch.add(header({ ...m, path: `${root}/${name}`, ...(linkpath !== undefined ? { linkpath } : {}) }));
          if (m.type !== 'File' || m.body === undefined) continue;
          const body = Buffer.isBuffer(m.body) ? [m.body] : m.body;
          for await (const chunk of body) {
            digest.data(chunk);
            bytesIn += chunk.length;
            yield* batch.add(chunk);
            if (bytesIn % PROGRESS_EVERY < chunk.length) opts.onProgress?.({ entry: current, bytesIn, bytesOut: out.bytes });
          }
          const pad = padding(m.size);
          bytesIn += pad.length;
          yield* batch.add(pad);
        }
        records.push({ name: e.name, kind: e.kind, size_bytes: digest.sizeBytes, files_count: digest.filesCount, sha256: digest.digest(), digest: e.kind === 'file' ? 'sha256' : TREE_DIGEST });
      }
      current = METADATA_NAME;
      // Last member, so it can list every other entry's hash without buffering the archive.
      const metadata = buildMetadata({ id: opts.id, timestamp: opts.timestamp, compression, checksumFile: path.basename(sidecarPath(finalPath)), entries: records, skipped, extra: opts.metadata ?? {} });
      built = metadata;
      const json = Buffer.from(`${JSON.stringify(metadata, null, 2)}\n`);
      yield* batch.add(header({ path: `${root}/${METADATA_NAME}`, type: 'File', mode: 0o644, size: json.length, mtime, uid: 0, gid: 0 }));
      yield* batch.add(json);
      yield* batch.add(padding(json.length));
      yield* batch.add(END_OF_ARCHIVE);
      yield* batch.flush();
    }

    const codecOpts = opts.searchPath !== undefined ? { searchPath: opts.searchPath } : {};
    const written = await writeCompressed(partial, compression, codecOpts, tarChunks(), pool, out);
    if ('error' in written) throw new Error(`backup of ${opts.id} failed while writing ${current || 'the archive'}: ${written.error.message}`, { cause: written.error });
    const { sha256, compressor } = written;
    await syncFile(partial);
    opts.onProgress?.({ entry: METADATA_NAME, bytesIn, bytesOut: out.bytes });
    return { partial, path: finalPath, sidecar: sidecarPath(finalPath), sha256, size: out.bytes, entries: records, skipped, compressor, metadata: built as unknown as BackupMetadata };
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  } finally {
    await Promise.all(spools.map((s) => rm(s, { force: true })));
  }
}

/**
 * Compresses `chunks` into `partial` (created here, 0600): pigz/zstd write the file themselves while
 * a FollowingHasher hashes it (no compressed byte passes through a Node buffer); without them, zlib
 * in-process with the hash on the way to the file. `out.bytes` counts compressed bytes for progress.
 */
async function writeCompressed(partial: string, compression: Compression, codecOpts: CodecOptions, chunks: AsyncGenerator<Buffer>, pool: BufferPool, out: { bytes: number }): Promise<{ sha256: string; compressor: CompressorName } | { error: Error }> {
  const handle = await open(partial, 'wx', 0o600);
  let fileCodec: FileCodec | undefined;
  try {
    fileCodec = await openCompressorToFile(compression, handle.fd, codecOpts);
  } catch (err) {
    await handle.close();
    throw err;
  }
  if (fileCodec) {
    const hasher = await FollowingHasher.open(partial);
    const progress = setInterval(() => (out.bytes = hasher.size), 250);
    try {
      const done = finished(fileCodec.input);
      done.catch(() => undefined);
      await feed(fileCodec.input, chunks, pool, done);
      await done;
      const { sha256, size } = await hasher.finish();
      out.bytes = size;
      return { sha256, compressor: fileCodec.name };
    } catch (err) {
      await hasher.abort();
      return { error: fileCodec.explain(err) };
    } finally {
      clearInterval(progress);
      await handle.close();
    }
  }
  await handle.close();
  const codec = await openCompressor(compression, codecOpts);
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      out.bytes += chunk.length;
      cb(null, chunk);
    },
  });
  try {
    const drained = pipeline(codec.stream, tap, createWriteStream(partial, { flags: 'r+' }));
    drained.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
    await feed(codec.stream, chunks, pool, drained);
    await drained;
  } catch (err) {
    return { error: codec.explain(err) };
  }
  return { sha256: hash.digest('hex'), compressor: codec.name };
}

/**
 * Writes pooled chunks into the compressor; each goes back to the pool only when its write callback
 * says the pipe has taken the bytes (see ChildFilter), so at most CHUNKS are ever alive. Stops at the
 * first failure of the output side.
 */
async function feed(input: Writable, chunks: AsyncGenerator<Buffer>, pool: BufferPool, drained: Promise<void>): Promise<void> {
  let failed: unknown;
  const failure = drained.then(() => undefined, (err: unknown) => (failed = err));
  void failure;
  try {
    for await (const chunk of chunks) {
      if (failed !== undefined) throw failed;
      input.write(chunk, (err) => {
        if (err) failed ??= err;
        pool.release(chunk);
      });
    }
    if (failed !== undefined) throw failed;
    input.end();
  } catch (err) {
    input.destroy(err as Error);
    await drained.catch(() => undefined);
    throw failed ?? err;
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeAtomically(file: string, content: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, content, { mode: 0o644, flush: true });
  await rename(tmp, file);
}

/** Replaces `latest` in one rename, so it never dangles or goes missing mid-update. */
async function pointLatest(dir: string, target: string): Promise<void> {
  const tmp = path.join(dir, `.latest.tmp-${process.pid}`);
  await rm(tmp, { force: true });
  await symlink(target, tmp);
  await rename(tmp, path.join(dir, 'latest'));
}
