// Which CTs use which OCI archive: app records (current archive and the one kept for rollback) and `ostemplate`-free PVE configs.
import type { AppState } from '../apps/state.js';

export interface ArchiveUse {
  /** `web (CT 410)` */
  users: string[];
  /** Apps whose rollback needs it. */
  rollback: string[];
}

export function usesOf(volid: string, apps: readonly AppState[]): ArchiveUse {
  const users = apps.filter((a) => a.archive.volid === volid).map((a) => `${a.hostname} (CT ${a.vmid})`);
  const rollback = apps.filter((a) => a.previous?.archive.volid === volid).map((a) => a.hostname);
  return { users, rollback };
}
