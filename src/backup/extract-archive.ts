// extractArchive: inspect first (refusal changes nothing), then extract into a fresh folder beside the target.
import { constants as fsConstants } from 'node:fs';
import { chmod, lchown, link, lutimes, mkdir, mkdtemp, open, rm, symlink, utimes, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ArchiveAuditor, type AuditedMember, type MemberSink } from './auditor.js';
import { archiveCompression, inspectArchive, type ArchiveReport, type CheckOptions } from './check-archive.js';
import { BackupArchiveError } from './errors.js';
import { readArchive } from './read-archive.js';

export interface ExtractOptions extends CheckOptions {
  /** Restore owners from the archive; by default only when running as root. */
  preserveOwner?: boolean;
}

export interface ExtractResult {
  /** The fresh folder holding the archive's contents (root folder stripped); the caller swaps it in. */
  dir: string;
  report: ArchiveReport;
}

/** Writes members under `dir`, never following a link and never replacing an existing path. */
class FolderSink implements MemberSink {
  private handle: FileHandle | undefined;
  private readonly dirModes: Array<{ dest: string; mode: number; mtime: Date | undefined }> = [];
  constructor(
    private readonly dir: string,
    private readonly preserveOwner: boolean,
  ) {}

  private dest(m: AuditedMember): string {
    return m.relative === '' ? this.dir : path.join(this.dir, m.relative);
  }

  async begin(m: AuditedMember): Promise<void> {
    const dest = this.dest(m);
    if (m.relative !== '') await mkdir(path.dirname(dest), { recursive: true, mode: 0o700 });
    switch (m.type) {
      case 'Directory':
        if (m.relative !== '') await mkdir(dest, { recursive: true, mode: 0o700 });
        this.dirModes.push({ dest, mode: m.mode & 0o1777, mtime: m.mtime });
        break;
      case 'File':
        // O_EXCL|O_NOFOLLOW: never write through a link, never overwrite.
        this.handle = await open(dest, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW, 0o600);
        break;
      case 'SymbolicLink':
        await symlink(m.linkpath ?? '', dest);
        break;
      case 'Link':
        await link(path.join(this.dir, m.linkpath ?? ''), dest);
        break;
    }
  }

  async data(chunk: Buffer): Promise<void> {
    let off = 0;
    while (off < chunk.length) off += (await (this.handle as FileHandle).write(chunk, off)).bytesWritten;
  }

  async end(m: AuditedMember): Promise<void> {
    const dest = this.dest(m);
    if (m.type === 'File' && this.handle) {
      const h = this.handle;
      this.handle = undefined;
      // Set-id bits are dropped: a restore must not mint setuid binaries from an archive.
      await h.chmod(m.mode & 0o777);
      if (this.preserveOwner) await h.chown(m.uid, m.gid);
      await h.close();
      if (m.mtime) await utimes(dest, m.mtime, m.mtime);
    } else if (m.type === 'SymbolicLink') {
      if (this.preserveOwner) await lchown(dest, m.uid, m.gid);
      if (m.mtime) await lutimes(dest, m.mtime, m.mtime);
    } else if (m.type === 'Directory' && this.preserveOwner && m.relative !== '') {
      await lchown(dest, m.uid, m.gid);
    }
  }

  /** Folder modes last (deepest first), so a read-only folder does not stop its own contents. */
  async close(): Promise<void> {
    await this.handle?.close();
    for (const d of this.dirModes.reverse()) {
      await chmod(d.dest, d.dest === this.dir ? 0o700 : d.mode & 0o777);
      if (d.mtime) await utimes(d.dest, d.mtime, d.mtime);
    }
  }
}

/**
 * Pass 1 `inspectArchive` (any refusal throws before a byte is written); pass 2 extracts into a new
 * folder `.<target>.restore-XXXXXX` beside `target`, checking every member again (the file could
 * change between passes). On any failure that folder is removed. `target` itself is never touched.
 */
export async function extractArchive(file: string, target: string, opts: ExtractOptions = {}): Promise<ExtractResult> {
  const report = await inspectArchive(file, opts);
  const parent = path.dirname(path.resolve(target));
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(path.join(parent, `.${path.basename(target)}.restore-`));
  const sink = new FolderSink(dir, opts.preserveOwner ?? process.getuid?.() === 0);
  try {
    const auditor = new ArchiveAuditor(file);
    const read = await readArchive(file, archiveCompression(file), (entry) => auditor.visit(entry, sink), opts);
    await sink.close();
    if (read.sha256 !== report.sha256 || !read.sawEndMarker) throw new BackupArchiveError(file, 'modified', 'archive changed between inspection and extraction');
    auditor.finish();
    return { dir, report };
  } catch (err) {
    await sink.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
