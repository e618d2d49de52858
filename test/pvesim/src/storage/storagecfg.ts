// Read $PVESIM_ROOT/etc/pve/storage.cfg (PVE's section-config syntax) into storage definitions.
import fs from 'node:fs';
import path from 'node:path';
import { PveError } from '../common/errors.js';
import { simPaths } from '../common/paths.js';

export interface StorageDef {
  id: string;
  type: string;
  /** Where pvesim keeps this storage's files (also for lvmthin, which is directory-backed here). */
  path: string;
  content: Set<string>;
  disabled: boolean;
  shared: boolean;
  nodes?: string[];
}

let cache: Map<string, StorageDef> | undefined;

export function readStorageConfig(): Map<string, StorageDef> {
  if (cache) return cache;
  const res = new Map<string, StorageDef>();
  let raw = '';
  try {
    raw = fs.readFileSync(simPaths().storageCfg, 'utf8');
  } catch {
    /* no storage.cfg: no storages */
  }
  let cur: StorageDef | undefined;
  for (const line of raw.split('\n')) {
    if (/^\s*(#|$)/.test(line)) continue;
    const head = /^(\S+):\s*(\S+)\s*$/.exec(line);
    if (head) {
      cur = {
        id: head[2]!,
        type: head[1]!,
        path: path.join(simPaths().root, 'storage', head[2]!),
        content: new Set(),
        disabled: false,
        shared: false,
      };
      res.set(cur.id, cur);
      continue;
    }
    const kv = /^\s+(\S+)(?:\s+(.*?))?\s*$/.exec(line);
    if (!kv || !cur) continue;
    const [, key, value = ''] = kv;
    if (key === 'path') cur.path = value;
    else if (key === 'content') cur.content = new Set(value.split(/[,\s]+/).filter(Boolean));
    else if (key === 'disable') cur.disabled = value !== '0';
    else if (key === 'shared') cur.shared = value !== '0';
    else if (key === 'nodes') cur.nodes = value.split(/[,\s]+/).filter(Boolean);
  }
  cache = res;
  return res;
}

/** storage_config + storage_check_enabled: `storage '<id>' does not exist` / `... is disabled`. */
export function storageDef(id: string, checkEnabled = true): StorageDef {
  const def = readStorageConfig().get(id);
  if (!def) throw new PveError(`storage '${id}' does not exist\n`);
  if (checkEnabled && def.disabled) throw new PveError(`storage '${id}' is disabled\n`);
  if (checkEnabled && def.nodes && !def.nodes.includes(simPaths().node)) {
    throw new PveError(`storage '${id}' is not available on node '${simPaths().node}'\n`);
  }
  return def;
}

/** Storages that can take snapshots (pvesim: lvmthin, backed by directory copies). */
export function supportsSnapshots(def: StorageDef): boolean {
  return def.type === 'lvmthin' || def.type === 'zfspool' || def.type === 'btrfs';
}
