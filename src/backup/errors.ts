// The one error a backup archive check raises, naming which kind of problem it found.
import { ExitCode, PxError } from '../errors.js';

/**
 * missing: no archive; checksum-missing: no usable sidecar; truncated: the archive was cut short;
 * corrupt: bytes changed (hash mismatch and the data no longer decodes); modified: hash mismatch
 * but it still decodes (replaced or re-compressed); structure: not laid out as a pxdeploy backup or
 * metadata.json disagrees with the contents; unsafe: a member a restore must refuse.
 */
export type ArchiveProblem = 'missing' | 'checksum-missing' | 'truncated' | 'corrupt' | 'modified' | 'structure' | 'unsafe';

const HINTS: Record<ArchiveProblem, string> = {
  missing: 'list backups with `pxdeploy backups`',
  'checksum-missing': 'the .sha256 file beside the archive is needed to trust it',
  truncated: 'the archive is incomplete (disk full or an interrupted copy?); use another backup',
  corrupt: 'the archive is damaged; use another backup',
  modified: 'the archive changed after it was written; use another backup unless you know why',
  structure: 'this is not a pxdeploy backup archive, or it was altered',
  unsafe: 'nothing was extracted; the archive was refused before any file was written',
};

export class BackupArchiveError extends PxError {
  constructor(
    readonly file: string,
    readonly problem: ArchiveProblem,
    message: string,
  ) {
    super(`${file}: ${message}`, ExitCode.other, HINTS[problem]);
  }
  override details(): Record<string, unknown> {
    return { file: this.file, problem: this.problem };
  }
}
