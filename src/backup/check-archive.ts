// verifyArchive / inspectArchive: sidecar hash first, then one streaming pass over structure, safety and metadata.
import { stat } from 'node:fs/promises';
import { ArchiveAuditor, type MemberSink } from './auditor.js';
import type { CodecOptions } from './compression.js';
import { BackupArchiveError } from './errors.js';
import { compressionOf, sidecarPath, type Compression } from './layout.js';
import type { BackupMetadata } from './metadata.js';
import { decodeFailureKind, hashFile, readArchive } from './read-archive.js';
import { readSidecar } from './sidecar.js';

export interface ArchiveReport {
  file: string;
  sha256: string;
  /** Compressed size in bytes. */
  size: number;
  compression: Compression;
  metadata: BackupMetadata;
  /** Tar members read (folders, files, links). */
  members: number;
  rootFolder: string;
}

export interface CheckOptions extends CodecOptions {}

export function archiveCompression(file: string): Compression {
  const compression = compressionOf(file);
  if (!compression) throw new BackupArchiveError(file, 'structure', 'not a .tar.gz or .tar.zst file');
  return compression;
}

/** The archive must exist and have a readable sidecar before anything else is looked at. */
async function expectedHash(file: string): Promise<{ sha256: string }> {
  try {
    await stat(file);
  } catch {
    throw new BackupArchiveError(file, 'missing', 'archive not found');
  }
  const expected = await readSidecar(sidecarPath(file), file);
  if ('problem' in expected) throw new BackupArchiveError(file, 'checksum-missing', expected.problem);
  return expected;
}

/**
 * The sidecar's hash against the file's bytes. On a mismatch the archive is decoded once more,
 * only to say whether it was cut short, damaged, or replaced with something that still decodes.
 */
export async function checkSidecar(file: string, opts: CheckOptions = {}): Promise<{ sha256: string; size: number }> {
  const compression = archiveCompression(file);
  const expected = await expectedHash(file);
  const actual = await hashFile(file);
  if (actual.sha256 === expected.sha256) return actual;

  const mismatch = `sha256 ${actual.sha256} does not match ${expected.sha256} from ${sidecarPath(file)}`;
  try {
    const r = await readArchive(file, compression, async (entry) => void entry.resume(), opts);
    if (!r.sawEndMarker) throw new BackupArchiveError(file, 'truncated', `archive is truncated: the tar end marker is missing (${actual.size} bytes; ${mismatch})`);
  } catch (err) {
    if (err instanceof BackupArchiveError) throw err;
    const kind = decodeFailureKind(err);
    const why = (err as Error).message.split('\n')[0];
    if (kind === 'truncated') throw new BackupArchiveError(file, 'truncated', `archive is truncated: its data ends early after ${actual.size} bytes (${why}; ${mismatch})`);
    throw new BackupArchiveError(file, 'corrupt', `archive is corrupt: ${why} (${mismatch})`);
  }
  throw new BackupArchiveError(file, 'modified', `archive was modified after it was written: it decodes, but its ${mismatch}`);
}

/**
 * One streaming pass: the file's SHA-256, decompression, tar parsing and the auditor (structure,
 * member safety, per-entry digests, metadata.json) side by side, each member also handed to `sink`.
 * The sidecar is read first, its hash compared at the end; any failure on the way is first checked
 * against the sidecar (`checkSidecar`), so a damaged or cut file is reported as such rather than as
 * whatever odd member its damage produced. Nothing is trusted until this returns.
 */
export async function auditArchive(file: string, opts: CheckOptions = {}, sink?: MemberSink): Promise<ArchiveReport> {
  const compression = archiveCompression(file);
  const expected = await expectedHash(file);
  const auditor = new ArchiveAuditor(file);
  let read;
  try {
    read = await readArchive(file, compression, (entry) => auditor.visit(entry, sink), opts);
  } catch (err) {
    // A hash mismatch explains any failure; with the hash right, the failure is the archive's own.
    await checkSidecar(file, opts);
    if (err instanceof BackupArchiveError) throw err;
    throw new BackupArchiveError(file, decodeFailureKind(err) === 'truncated' ? 'truncated' : 'corrupt', `archive cannot be decoded: ${(err as Error).message.split('\n')[0]}`);
  }
  if (read.sha256 !== expected.sha256) {
    await checkSidecar(file, opts);
    throw new BackupArchiveError(file, 'modified', 'archive changed while it was being read');
  }
  if (!read.sawEndMarker) throw new BackupArchiveError(file, 'truncated', 'archive is truncated: the tar end marker is missing');
  const metadata = auditor.finish();
  return { file, sha256: read.sha256, size: read.size, compression, metadata, members: auditor.members, rootFolder: auditor.rootFolder };
}

/** Sidecar hash, structure, member safety and metadata.json against the contents, in one pass; nothing is written. */
export async function verifyArchive(file: string, opts: CheckOptions = {}): Promise<ArchiveReport> {
  return auditArchive(file, opts);
}

/**
 * Everything verifyArchive checks, including the refusal rules (absolute or `..` paths, links
 * leaving the target, paths through links, devices and FIFOs, unexpected top-level names).
 * Throws BackupArchiveError; writes nothing.
 */
export async function inspectArchive(file: string, opts: CheckOptions = {}): Promise<ArchiveReport> {
  return auditArchive(file, opts);
}
