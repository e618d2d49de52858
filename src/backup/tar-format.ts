// Tar member encoding with node-tar's Header and Pax (ustar, PAX records for long names), block padding, end marker.
import { Header } from 'tar/header';
import { Pax } from 'tar/pax';

export type MemberType = 'File' | 'Directory' | 'SymbolicLink' | 'Link';

export interface MemberHeader {
  /** Full path inside the archive, without a trailing slash. */
  path: string;
  type: MemberType;
  mode: number;
  size: number;
  mtime: Date;
  uid: number;
  gid: number;
  uname?: string;
  gname?: string;
  linkpath?: string;
}

export const BLOCK = 512;
/** Two zero blocks end a tar archive; a reader that never sees them knows the archive was cut. */
export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);

/** The header block(s) for one member: a PAX extended header first when ustar cannot hold a field. */
export function encodeHeader(h: MemberHeader): Buffer {
  const data = {
    path: h.type === 'Directory' ? `${h.path}/` : h.path,
    type: h.type,
    mode: h.mode & 0o7777,
    size: h.type === 'File' ? h.size : 0,
    // Whole seconds: sub-second mtimes would force a PAX record per member for nothing.
    mtime: new Date(Math.floor(h.mtime.getTime() / 1000) * 1000),
    uid: h.uid,
    gid: h.gid,
    uname: h.uname ?? '',
    gname: h.gname ?? '',
    ...(h.linkpath !== undefined ? { linkpath: h.linkpath } : {}),
  };
  const header = new Header(data);
  const block = Buffer.alloc(BLOCK);
  const needPax = header.encode(block, 0);
  if (!needPax) return block;
  const pax = new Pax({ path: data.path, linkpath: data.linkpath, size: data.size, uid: data.uid, gid: data.gid, mtime: data.mtime, uname: data.uname, gname: data.gname });
  return Buffer.concat([pax.encode(), block]);
}

/** Zero bytes that bring a member's data up to a whole block. */
export function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return rest === 0 ? Buffer.alloc(0) : Buffer.alloc(BLOCK - rest);
}

const INDEX_PREFIX = 'pxdeploy-entries ';

/**
 * A PAX global header at the very start listing the entries (names and kinds; hashes come in
 * metadata.json at the end). It lets a reader assign every member to its entry in one pass;
 * tar tools treat it as a comment.
 */
export function encodeEntryIndex(entries: ReadonlyArray<{ name: string; kind: string }>): Buffer {
  const list = entries.map((e) => ({ name: e.name, kind: e.kind }));
  // No mtime: a global header's fields apply to every later member (GNU tar would date them all 1970).
  return new Pax({ comment: `${INDEX_PREFIX}${JSON.stringify(list)}` }, true).encode();
}

export function decodeEntryIndex(comment: string | undefined): Array<{ name: string; kind: string }> | undefined {
  if (!comment?.startsWith(INDEX_PREFIX)) return undefined;
  try {
    const list: unknown = JSON.parse(comment.slice(INDEX_PREFIX.length));
    if (!Array.isArray(list) || !list.every((e) => typeof e?.name === 'string' && typeof e?.kind === 'string')) return undefined;
    return list as Array<{ name: string; kind: string }>;
  } catch {
    return undefined;
  }
}
