// unusedN bookkeeping: detached volumes are kept as `unusedN` until deleted, and freed only when nothing uses them.
import type { CtConfig, CtSection } from './conffile.js';
import { sectionVolids } from './mountpoints.js';
import { MAX_MOUNT_POINTS } from './options.js';

export function addUnusedVolume(section: CtSection, volid: string): void {
  for (let i = 0; i < MAX_MOUNT_POINTS; i++) {
    const key = `unused${i}`;
    if (section.props[key] === volid) return;
    if (section.props[key] === undefined) {
      section.props[key] = volid;
      return;
    }
  }
  throw new Error('too many unused volumes');
}

/** is_volume_in_use: referenced by the config, optionally its snapshots and pending section. */
export function isVolumeInUse(conf: CtConfig, volid: string, includeSnapshots: boolean, includePending: boolean): boolean {
  if (sectionVolids(conf).includes(volid)) return true;
  if (includeSnapshots && Object.values(conf.snapshots).some((s) => sectionVolids(s).includes(volid))) return true;
  return includePending && sectionVolids(conf.pending).includes(volid);
}
