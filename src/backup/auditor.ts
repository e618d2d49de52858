// Checks each member of an archive as it streams by: safety, entry membership, per-entry digests, metadata.json last.
import type { ReadEntry } from 'tar/read-entry';
import { EntryDigest, type EntryKind } from './entry-digest.js';
import { BackupArchiveError } from './errors.js';
import { isSameOrInside, METADATA_NAME } from './layout.js';
import { parseMetadata, type BackupMetadata } from './metadata.js';
import { MemberSafety } from './safety.js';
import { decodeEntryIndex, type MemberType } from './tar-format.js';

const METADATA_LIMIT = 16 * 1024 * 1024;

export interface AuditedMember {
  /** Path relative to the archive root folder ('' for the root itself). */
  relative: string;
  type: MemberType;
  /** For a hard link: the target relative to the root folder; for a symlink: its target as stored. */
  linkpath: string | undefined;
  mode: number;
  uid: number;
  gid: number;
  mtime: Date | undefined;
}

export interface MemberSink {
  begin(m: AuditedMember): Promise<void>;
  data(chunk: Buffer): Promise<void>;
  end(m: AuditedMember): Promise<void>;
}

export class ArchiveAuditor {
  private readonly safety = new MemberSafety();
  private index: Array<{ name: string; kind: EntryKind }> | undefined;
  private readonly digests = new Map<string, EntryDigest>();
  private metadataText: string | undefined;
  private root = '';
  members = 0;

  constructor(private readonly file: string) {}

  private structure(message: string): BackupArchiveError {
    return new BackupArchiveError(this.file, 'structure', message);
  }

  async visit(entry: ReadEntry, sink?: MemberSink): Promise<void> {
    if (this.metadataText !== undefined) throw this.structure(`${entry.path} comes after metadata.json, which must be the last member`);
    const checked = this.safety.check({ path: entry.path, type: entry.type, linkpath: entry.linkpath });
    if (!checked.ok) throw new BackupArchiveError(this.file, 'unsafe', `refused: ${checked.reason}`);
    // Safety first: a hostile archive is refused for what it does, whatever else is wrong with it.
    if (this.index === undefined) {
      const index = decodeEntryIndex(entry.globalExtended?.comment);
      if (!index) throw this.structure('no pxdeploy entry index at the start: not a pxdeploy backup archive');
      this.index = index as Array<{ name: string; kind: EntryKind }>;
      for (const e of this.index) this.digests.set(e.name, new EntryDigest(e.kind));
    }
    this.root = checked.root;
    this.members += 1;
    const rel = checked.relative;
    const linkpath = checked.type === 'Link' ? (entry.linkpath ?? '').slice(checked.root.length + 1) : entry.linkpath;
    const member: AuditedMember = { relative: rel, type: checked.type, linkpath, mode: entry.mode ?? 0o644, uid: entry.uid ?? 0, gid: entry.gid ?? 0, mtime: entry.mtime };

    if (rel === METADATA_NAME) {
      if (entry.size > METADATA_LIMIT) throw this.structure('metadata.json is implausibly large');
      const parts: Buffer[] = [];
      await sink?.begin(member);
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        parts.push(chunk);
        await sink?.data(chunk);
      }
      await sink?.end(member);
      this.metadataText = Buffer.concat(parts).toString('utf8');
      return;
    }

    const owner = this.index.find((e) => isSameOrInside(rel, e.name));
    if (!owner) {
      const isParent = checked.type === 'Directory' && (rel === '' || this.index.some((e) => e.name.startsWith(`${rel}/`)));
      if (!isParent) throw this.structure(`${entry.path} belongs to no entry listed in the archive's index`);
      await sink?.begin(member);
      await sink?.end(member);
      return;
    }
    const digest = this.digests.get(owner.name) as EntryDigest;
    if (owner.kind === 'file' && (rel !== owner.name || checked.type !== 'File')) throw this.structure(`${entry.path}: entry ${owner.name} must be one regular file`);
    const inEntry = rel === owner.name ? '' : rel.slice(owner.name.length + 1);
    let digestLink = linkpath;
    if (checked.type === 'Link') {
      if (!isSameOrInside(linkpath ?? '', owner.name)) throw this.structure(`${entry.path}: hard link leaves its entry ${owner.name}`);
      digestLink = (linkpath as string).slice(owner.name.length + 1);
    }
    digest.member(inEntry, checked.type, entry.size, digestLink);
    await sink?.begin(member);
    if (checked.type === 'File') {
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        digest.data(chunk);
        await sink?.data(chunk);
      }
    }
    await sink?.end(member);
  }

  /** After the last member: metadata.json present, its entries matching what was read. */
  finish(): BackupMetadata {
    if (this.index === undefined) throw this.structure('the archive holds no members');
    if (this.metadataText === undefined) throw this.structure('metadata.json is missing (it must be the last member)');
    const metadata = parseMetadata(this.metadataText);
    if (typeof metadata === 'string') throw this.structure(metadata);
    const problems: string[] = [];
    const listed = new Map(metadata.entries.map((e) => [e.name, e]));
    for (const e of this.index) {
      const record = listed.get(e.name);
      const digest = this.digests.get(e.name) as EntryDigest;
      if (!record) {
        problems.push(`${e.name}: not listed in metadata.json`);
        continue;
      }
      if (record.kind !== e.kind) problems.push(`${e.name}: kind ${record.kind} in metadata.json, ${e.kind} in the archive`);
      if (record.size_bytes !== digest.sizeBytes) problems.push(`${e.name}: ${digest.sizeBytes} bytes in the archive, ${record.size_bytes} in metadata.json`);
      if (record.files_count !== digest.filesCount) problems.push(`${e.name}: ${digest.filesCount} files in the archive, ${record.files_count} in metadata.json`);
      const sha = digest.digest();
      if (record.sha256 !== sha) problems.push(`${e.name}: sha256 ${sha} in the archive, ${record.sha256} in metadata.json`);
    }
    for (const name of listed.keys()) if (!this.index.some((e) => e.name === name)) problems.push(`${name}: listed in metadata.json but not in the archive`);
    if (problems.length > 0) throw this.structure(`metadata.json does not match the contents:\n  ${problems.join('\n  ')}`);
    return metadata;
  }

  get rootFolder(): string {
    return this.root;
  }
}
