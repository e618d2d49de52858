// metadata.json: the seed's fields, figures summed from the entries, and each entry's size and SHA-256.
import { BACKUP_FORMAT_VERSION, isSameOrInside } from './layout.js';
import type { EntryKind } from './entry-digest.js';
import type { Skipped } from './sources.js';

export interface EntryRecord {
  name: string;
  kind: EntryKind;
  /** Bytes of regular-file content in the entry. */
  size_bytes: number;
  files_count: number;
  sha256: string;
  /** 'sha256' (plain content hash) for a file, 'sha256-tree-v1' for a folder (see entry-digest.ts). */
  digest: string;
}

export interface BackupMetadata {
  backup_version: string;
  instance_id: string;
  created_at: string;
  database_size_bytes: number;
  files_count: number;
  files_size_bytes: number;
  /** Uncompressed content bytes of all entries: the archive's own size and hash are only known after it is written. */
  total_size_bytes: number;
  /** The archive cannot hold its own hash: it is in `checksum_file` beside it (`sha256sum -c` format). */
  checksum_sha256: null;
  checksum_file: string;
  compression: 'gzip' | 'zstd';
  entries: EntryRecord[];
  skipped: Skipped[];
  [extra: string]: unknown;
}

/** Fields the writer computes; caller metadata cannot override them. */
const COMPUTED = new Set([
  'backup_version', 'instance_id', 'created_at', 'database_size_bytes', 'files_count', 'files_size_bytes',
  'total_size_bytes', 'checksum_sha256', 'checksum_file', 'compression', 'entries', 'skipped',
]);

export function buildMetadata(opts: {
  id: string;
  timestamp: number;
  compression: 'gzip' | 'zstd';
  checksumFile: string;
  entries: EntryRecord[];
  skipped: Skipped[];
  extra: Record<string, unknown>;
}): BackupMetadata {
  const sum = (pick: (e: EntryRecord) => number, top?: string): number =>
    opts.entries.filter((e) => top === undefined || isSameOrInside(e.name, top)).reduce((n, e) => n + pick(e), 0);
  const extra = Object.fromEntries(Object.entries(opts.extra).filter(([k]) => !COMPUTED.has(k)));
  return {
    backup_version: BACKUP_FORMAT_VERSION,
    instance_id: opts.id,
    created_at: new Date(opts.timestamp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...extra,
    database_size_bytes: sum((e) => e.size_bytes, 'database'),
    files_count: sum((e) => e.files_count, 'files'),
    files_size_bytes: sum((e) => e.size_bytes, 'files'),
    total_size_bytes: sum((e) => e.size_bytes),
    checksum_sha256: null,
    checksum_file: opts.checksumFile,
    compression: opts.compression,
    entries: opts.entries,
    skipped: opts.skipped,
  };
}

/** Parses metadata.json from an archive, or says what is wrong with it. */
export function parseMetadata(text: string): BackupMetadata | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `metadata.json is not valid JSON: ${(err as Error).message}`;
  }
  if (typeof value !== 'object' || value === null) return 'metadata.json is not an object';
  const m = value as Partial<BackupMetadata>;
  if (typeof m.backup_version !== 'string' || !m.backup_version.startsWith('1.')) return `unsupported backup_version ${String(m.backup_version)}`;
  if (typeof m.instance_id !== 'string') return 'metadata.json has no instance_id';
  if (!Array.isArray(m.entries)) return 'metadata.json has no entries list';
  for (const e of m.entries) {
    if (typeof e?.name !== 'string' || typeof e.sha256 !== 'string' || typeof e.size_bytes !== 'number' || typeof e.files_count !== 'number') {
      return 'metadata.json has a malformed entry record';
    }
  }
  return m as BackupMetadata;
}
