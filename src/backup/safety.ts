// Restore safety rules, checked per member before anything is written: paths, links, types, layout.
import path from 'node:path';
import { ROOT_FOLDER_PATTERN, TOP_LEVEL, type TopLevelName } from './layout.js';

/**
 * Why a link target would leave the extraction root, or undefined. `memberPath` and a hard link's
 * `linkpath` are relative to that root; a symlink's target is resolved from the member's folder.
 */
export function linkTargetProblem(memberPath: string, type: 'SymbolicLink' | 'Link', linkpath: string): string | undefined {
  if (linkpath === '') return `${type === 'Link' ? 'hard' : 'symbolic'} link without a target`;
  if (linkpath.startsWith('/')) return `${type === 'Link' ? 'hard' : 'symbolic'} link to an absolute path (${linkpath})`;
  const resolved = type === 'Link' ? path.posix.normalize(linkpath) : path.posix.normalize(path.posix.join(path.posix.dirname(memberPath), linkpath));
  if (resolved === '..' || resolved.startsWith('../') || (type === 'Link' && linkpath.split('/').includes('..'))) {
    return `${type === 'Link' ? 'hard' : 'symbolic'} link pointing outside the target (${linkpath})`;
  }
  return undefined;
}

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
const REFUSED_TYPE_NAMES: Record<string, string> = {
  CharacterDevice: 'character device',
  BlockDevice: 'block device',
  FIFO: 'FIFO',
};

export interface ArchiveMember {
  path: string;
  type: string;
  linkpath?: string | undefined;
}

export type CheckedMember =
  | { ok: true; root: string; relative: string; type: 'File' | 'Directory' | 'SymbolicLink' | 'Link' }
  | { ok: false; reason: string };

/**
 * Checks members in archive order. Keeps what later members depend on (files a hard link may
 * name, symlinks a path must not go through, paths already taken) so a refusal never depends on
 * extraction having happened.
 */
export class MemberSafety {
  private root: string | undefined;
  private readonly files = new Set<string>();
  private readonly symlinks = new Set<string>();
  private readonly dirs = new Set<string>();

  check(m: ArchiveMember): CheckedMember {
    const raw = m.path;
    if (raw.includes('\0')) return refuse(raw, 'NUL byte in path');
    if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw) || raw.includes('\\')) return refuse(raw, 'absolute path');
    const parts = raw.replace(/\/+$/, '').split('/');
    if (parts.some((p) => p === '..')) return refuse(raw, "path contains '..'");
    if (parts.some((p) => p === '' || p === '.')) return refuse(raw, 'path is not normalized');

    const [rootPart, top] = parts as [string, string | undefined];
    if (!ROOT_FOLDER_PATTERN.test(rootPart)) return refuse(raw, `unexpected top-level name '${rootPart}' (expected pxdeploy-backup-<timestamp>/)`);
    if (this.root === undefined) this.root = rootPart;
    else if (rootPart !== this.root) return refuse(raw, `second root folder '${rootPart}' (archive root is '${this.root}')`);

    const type = FILE_TYPES.has(m.type) ? 'File' : m.type;
    if (REFUSED_TYPE_NAMES[type]) return refuse(raw, `${REFUSED_TYPE_NAMES[type]} entries are not restored`);
    if (type !== 'File' && type !== 'Directory' && type !== 'SymbolicLink' && type !== 'Link') return refuse(raw, `unsupported entry type ${m.type}`);

    const relative = parts.slice(1).join('/');
    if (top === undefined) {
      if (type !== 'Directory') return refuse(raw, 'the root folder must be a directory');
      return this.accept(rootPart, '', type);
    }
    if (!(top in TOP_LEVEL)) return refuse(raw, `unexpected top-level name '${top}' (allowed: ${Object.keys(TOP_LEVEL).join(', ')})`);
    const topKind = TOP_LEVEL[top as TopLevelName];
    if (topKind === 'file' && (parts.length > 2 || type !== 'File')) return refuse(raw, `${top} must be a regular file`);
    if (topKind === 'dir' && parts.length === 2 && type !== 'Directory') return refuse(raw, `${top} must be a directory`);

    for (let i = 1; i < parts.length - 1; i++) {
      const ancestor = parts.slice(1, i + 1).join('/');
      if (this.symlinks.has(ancestor)) return refuse(raw, `path goes through the symbolic link ${ancestor}`);
      if (this.files.has(ancestor)) return refuse(raw, `path goes through the file ${ancestor}`);
    }
    const taken = this.files.has(relative) || this.symlinks.has(relative) || this.dirs.has(relative);
    if (taken && !(type === 'Directory' && this.dirs.has(relative))) return refuse(raw, 'appears twice in the archive (a later copy would replace the first)');

    if (type === 'SymbolicLink' || type === 'Link') {
      const linkpath = m.linkpath ?? '';
      if (type === 'Link') {
        // Hard link names are archive paths, so they carry the root folder too.
        const target = linkpath.startsWith(`${rootPart}/`) ? linkpath.slice(rootPart.length + 1) : undefined;
        if (target === undefined) {
          return refuse(raw, linkpath.startsWith('/') ? `hard link to an absolute path (${linkpath})` : `hard link pointing outside the target (${linkpath})`);
        }
        const problem = linkTargetProblem(relative, 'Link', target);
        if (problem) return refuse(raw, problem);
        if (!this.files.has(target)) return refuse(raw, `hard link to ${linkpath}, which is not an earlier regular file of the archive`);
      } else {
        const problem = linkTargetProblem(relative, 'SymbolicLink', linkpath);
        if (problem) return refuse(raw, problem);
      }
    }
    return this.accept(rootPart, relative, type);
  }

  private accept(root: string, relative: string, type: 'File' | 'Directory' | 'SymbolicLink' | 'Link'): CheckedMember {
    if (type === 'Directory') this.dirs.add(relative);
    else if (type === 'SymbolicLink') this.symlinks.add(relative);
    else this.files.add(relative);
    return { ok: true, root, relative, type };
  }
}

function refuse(raw: string, why: string): CheckedMember {
  return { ok: false, reason: `${raw}: ${why}` };
}
