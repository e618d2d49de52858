// writeBackupArchive: entries → tar (node-tar headers) → pigz/zlib/zstd → SHA-256 → file, in one streaming pass.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openCompressor, type CompressorName } from './compression.js';
import { EntryDigest, TREE_DIGEST, type EntryKind } from './entry-digest.js';
import { archiveFileName, entryNameProblem, isSameOrInside, METADATA_NAME, rootFolder, sidecarPath, type Compression } from './layout.js';
import { buildMetadata, type BackupMetadata, type EntryRecord } from './metadata.js';
import { formatSidecar } from './sidecar.js';
import { bufferMember, hostDirMembers, hostFileMembers, sizedStreamMembers, spoolToFile, tarStreamMembers, type Skipped, type SourceMember } from './sources.js';
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

const BATCH_BYTES = 128 * 1024;
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

/** Collects small buffers into larger chunks: one stream chunk per 512-byte header would cost more than the data. */
class Batcher {
  private parts: Buffer[] = [];
  private bytes = 0;
  *add(buf: Buffer): Generator<Buffer> {
    if (buf.length >= BATCH_BYTES) {
      yield* this.flush();
      yield buf;
      return;
    }
    this.parts.push(buf);
    this.bytes += buf.length;
    if (this.bytes >= BATCH_BYTES) yield* this.flush();
  }
  *flush(): Generator<Buffer> {
    if (this.bytes === 0) return;
    const out = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.bytes);
    this.parts = [];
    this.bytes = 0;
    yield out;
  }
}

export async function writeBackupArchive(opts: WriteBackupOptions): Promise<WriteBackupResult> {
  validateEntries(opts.entries);
  const compression = opts.compress ?? 'gzip';
  const mtime = new Date(opts.timestamp * 1000);
  const root = rootFolder(opts.timestamp);
  await mkdir(opts.dir, { recursive: true, mode: 0o700 });
  const finalPath = path.join(opts.dir, archiveFileName(opts.timestamp, compression));
  if (await exists(finalPath)) throw new Error(`backup ${finalPath} already exists`);
  const partial = path.join(opts.dir, `.${path.basename(finalPath)}.partial-${process.pid}`);
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
      if (e.kind === 'dir') return hostDirMembers(e.source as string, e.name, onSkip);
      if (e.kind === 'tar-stream') return tarStreamMembers(e.source as Readable, e.name, mtime, onSkip);
      if (typeof e.source === 'string') return hostFileMembers(e.source, onSkip);
      if (Buffer.isBuffer(e.source)) return (async function* () { yield bufferMember(e.source as Buffer, mtime); })();
      return sizedStreamMembers(e.source, e.size as number, mtime);
    };

    async function* tarChunks(): AsyncGenerator<Buffer> {
      const batch = new Batcher();
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

    const hash = createHash('sha256');
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        out.bytes += chunk.length;
        cb(null, chunk);
      },
    });
    const codec = await openCompressor(compression, opts.searchPath !== undefined ? { searchPath: opts.searchPath } : {});
    try {
      await pipeline(
        Readable.from(tarChunks(), { objectMode: false, highWaterMark: 256 * 1024 }),
        codec.stream,
        tap,
        createWriteStream(partial, { flags: 'wx', mode: 0o600 }),
      );
    } catch (err) {
      const why = codec.explain(err);
      throw new Error(`backup of ${opts.id} failed while writing ${current || 'the archive'}: ${why.message}`, { cause: why });
    }
    const sha256 = hash.digest('hex');
    await syncFile(partial);
    await rename(partial, finalPath);
    const sidecar = sidecarPath(finalPath);
    await writeAtomically(sidecar, formatSidecar(sha256, finalPath));
    await pointLatest(opts.dir, path.basename(finalPath));
    opts.onProgress?.({ entry: METADATA_NAME, bytesIn, bytesOut: out.bytes });
    return { path: finalPath, sidecar, sha256, size: out.bytes, entries: records, skipped, compressor: codec.name, metadata: built as unknown as BackupMetadata };
  } finally {
    await rm(partial, { force: true });
    await Promise.all(spools.map((s) => rm(s, { force: true })));
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
