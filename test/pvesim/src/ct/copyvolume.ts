// Copy a volume directory's contents (ownership, modes, xattrs kept) — clones and snapshots are full copies in pvesim.
import { runChecked } from '../common/run.js';

export function copyVolumeContents(fromDir: string, toDir: string): void {
  runChecked('cp', ['-a', '--reflink=auto', `${fromDir}/.`, `${toDir}/`]);
}
