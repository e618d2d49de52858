// Per-entry size, file count and SHA-256, computed the same way by the writer and by verification.
import { createHash, type Hash } from 'node:crypto';
import type { MemberType } from './tar-format.js';

export type EntryKind = 'file' | 'dir' | 'tar-stream';

/**
 * A 'file' entry's sha256 is the plain SHA-256 of its content, so `sha256sum` of the restored file
 * matches. A folder entry ('dir', 'tar-stream') hashes every member in archive order: one line
 * `<type> <path relative to the entry>\0<linkpath>\0<size>\n`, then the member's bytes; renaming,
 * re-linking or changing any member changes it, and it needs no per-file list in memory.
 */
export const TREE_DIGEST = 'sha256-tree-v1';

const TYPE_CODE: Record<MemberType, string> = { File: 'f', Directory: 'd', SymbolicLink: 'l', Link: 'h' };

export class EntryDigest {
  private readonly hash: Hash = createHash('sha256');
  filesCount = 0;
  sizeBytes = 0;
  constructor(readonly kind: EntryKind) {}

  member(relativePath: string, type: MemberType, size: number, linkpath: string | undefined): void {
    if (type === 'File') this.filesCount += 1;
    if (this.kind !== 'file') this.hash.update(`${TYPE_CODE[type]} ${relativePath}\0${linkpath ?? ''}\0${type === 'File' ? size : 0}\n`);
  }

  data(chunk: Buffer): void {
    this.sizeBytes += chunk.length;
    this.hash.update(chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}
