// The archive layout (seed "Backup Archive"): file names, the root folder, allowed top-level names, entry name rules.
import path from 'node:path';

export const BACKUP_FORMAT_VERSION = '1.0.0';
export const METADATA_NAME = 'metadata.json';

/** Top-level names inside the root folder and whether each is one file or a folder of entries. */
export const TOP_LEVEL = {
  'metadata.json': 'file',
  'deployment-config.yaml': 'file',
  environment: 'file',
  database: 'dir',
  files: 'dir',
  /** pxdeploy's own configuration of what was backed up (an instance's /etc/pxdeploy/instances/<id>.yaml). */
  config: 'dir',
} as const;
export type TopLevelName = keyof typeof TOP_LEVEL;

export type Compression = 'gzip' | 'zstd';

export function archiveExtension(compression: Compression): string {
  return compression === 'zstd' ? '.tar.zst' : '.tar.gz';
}

export function compressionOf(file: string): Compression | undefined {
  if (file.endsWith('.tar.gz')) return 'gzip';
  if (file.endsWith('.tar.zst')) return 'zstd';
  return undefined;
}

/** `<unix-ts>.tar.gz` (or .tar.zst): the seed's name, so files sort by time. */
export function archiveFileName(timestamp: number, compression: Compression): string {
  return `${timestamp}${archiveExtension(compression)}`;
}

export function sidecarPath(archive: string): string {
  return `${archive}.sha256`;
}

/** The one folder every member lives under, as in the seed (`<app>-backup-<timestamp>/`). */
export function rootFolder(timestamp: number): string {
  return `pxdeploy-backup-${timestamp}`;
}

export const ROOT_FOLDER_PATTERN = /^pxdeploy-backup-(\d+)$/;

/**
 * Why an entry name given to the writer is unusable, or undefined when it is fine. Names are
 * relative to the root folder: `deployment-config.yaml`, `environment`, `database`, `database/app.db`,
 * `files/uploads`; metadata.json is written by the library itself.
 */
export function entryNameProblem(name: string, kind: 'file' | 'dir' | 'tar-stream'): string | undefined {
  if (name === '' || name.startsWith('/') || name.endsWith('/')) return 'must be a relative path without a trailing slash';
  if (path.posix.normalize(name) !== name || name.split('/').some((p) => p === '..' || p === '.')) return 'must be a normalized path without . or ..';
  const top = name.split('/')[0] as string;
  if (!(top in TOP_LEVEL)) return `must start with one of ${Object.keys(TOP_LEVEL).filter((n) => n !== METADATA_NAME).join(', ')}`;
  if (top === METADATA_NAME) return 'metadata.json is written by the archive writer';
  const topKind = TOP_LEVEL[top as TopLevelName];
  if (topKind === 'file' && (name !== top || kind !== 'file')) return `${top} must be a single file entry`;
  return undefined;
}

/** True when `a` is `b` or lies inside it (both relative, normalized). */
export function isSameOrInside(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`);
}
