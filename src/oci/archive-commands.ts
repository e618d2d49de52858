// GNU tar and chown commands for app archives and volumes: unpack and repack an OCI layout, own volume directories.
import type { HostCommand } from '../host/command.js';

/** Unpack the whole layout (blobs stay compressed: this is the archive's own tar, not the layers). */
export function tarExtract(archive: string, dir: string): HostCommand {
  return { file: 'tar', args: ['-xf', archive, '-C', dir], timeoutMs: 30 * 60 * 1000 };
}

/**
 * Pack a layout again, owned by root. GNU tar's `--delete` followed by `-r` was tried first and
 * fails on skopeo's archives ("Unexpected EOF in archive"), so the archive is rebuilt whole.
 */
export function tarCreate(archive: string, dir: string, members: readonly string[]): HostCommand {
  return { file: 'tar', args: ['-cf', archive, '--owner=0', '--group=0', '--numeric-owner', '-C', dir, ...members], timeoutMs: 30 * 60 * 1000 };
}

/** Change owner (numeric `uid:gid`) of host directories: app volumes mapped for an unprivileged CT. */
export function chownDirs(owner: string, dirs: readonly string[]): HostCommand {
  return { file: 'chown', args: [owner, ...dirs] };
}
