// Storage usage from statvfs of the storage directory, as the dir plugin's status reports it.
import fs from 'node:fs';
import type { StorageDef } from './storagecfg.js';

export interface StorageStatus {
  active: boolean;
  total: number;
  used: number;
  avail: number;
}

export function storageStatus(def: StorageDef): StorageStatus {
  try {
    if (!fs.existsSync(def.path)) fs.mkdirSync(def.path, { recursive: true });
    const st = fs.statfsSync(def.path);
    const total = st.blocks * st.bsize;
    return { active: true, total, used: (st.blocks - st.bfree) * st.bsize, avail: st.bavail * st.bsize };
  } catch {
    return { active: false, total: 0, used: 0, avail: 0 };
  }
}
