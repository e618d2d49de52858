// Hand-made archives for refusal tests: raw tar members (node-tar headers), gzip, and a matching sidecar.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar/header';
import { encodeEntryIndex } from '../../../src/backup/tar-format.js';

export interface RawMember {
  path: string;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'FIFO' | 'CharacterDevice' | 'BlockDevice';
  linkpath?: string;
  content?: string;
}

export const ROOT = 'pxdeploy-backup-100';

export function rawTar(members: RawMember[], index: Array<{ name: string; kind: string }> = [{ name: 'files', kind: 'dir' }]): Buffer {
  const parts: Buffer[] = [encodeEntryIndex(index)];
  for (const m of members) {
    const content = Buffer.from(m.content ?? '');
    const type = m.type ?? 'File';
    const block = Buffer.alloc(512);
    new Header({ path: m.path, type, mode: type === 'Directory' ? 0o755 : 0o644, size: type === 'File' ? content.length : 0, mtime: new Date(100_000), uid: 0, gid: 0, linkpath: m.linkpath ?? '' }).encode(block, 0);
    parts.push(block);
    if (type === 'File' && content.length > 0) parts.push(content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** Writes `<file>` (gzip of `tar`) and a correct sidecar, so only the contents can be refused. */
export function writeArchiveWithSidecar(file: string, tar: Buffer): void {
  const gz = gzipSync(tar);
  writeFileSync(file, gz);
  writeFileSync(`${file}.sha256`, `${createHash('sha256').update(gz).digest('hex')}  ${file.split('/').pop()}\n`);
}
