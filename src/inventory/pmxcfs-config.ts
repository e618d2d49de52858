// CT configs read straight from pmxcfs (`/etc/pve/nodes/<node>/lxc/<vmid>.conf`), as PVE's own code reads them: one file read and a SHA-1 instead of a pvesh process per CT.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { lookupKey } from '../host/pct/keys.js';
import { parsePctConfig, type PctConfig } from '../host/pct/parse-config.js';
import type { Fields, Value } from './model.js';
import { CT_CONFIG_KEYS } from './pve-reads.js';

/** Where pmxcfs keeps a CT's config; readable by root on every node of a cluster. */
export function ctConfigPath(pveDir: string, node: string, vmid: number): string {
  return path.join(pveDir, 'nodes', node, 'lxc', `${Math.trunc(vmid)}.conf`);
}

/**
 * The digest PVE reports for a CT config (`GET /nodes/<n>/lxc/<vmid>/config` → `digest`, the value
 * `pct set --digest` checks): pve-container `src/PVE/LXC/Config.pm` `parse_pct_config($filename, $raw)`
 * sets `digest => Digest::SHA::sha1_hex($raw)`, `$raw` being the file's bytes as pmxcfs returns them
 * (`PVE::Cluster::cfs_read_file`). So the SHA-1 of the raw bytes, not of any parsed form.
 */
export function configDigest(raw: Uint8Array): string {
  return createHash('sha1').update(raw).digest('hex');
}

/** Lines that can matter for the kept keys: the keys themselves, `delete:` (pending) and section headers; the rest is not parsed. */
const KEPT_LINE = new RegExp(`^(?:${[...CT_CONFIG_KEYS, 'delete'].join('|')}):|^\\[`);

/** The file's current section (before the first `[...]` line) and its `[pve:pending]` section; snapshots are not the CT's config. */
function sections(text: string): { current: string; pending?: string } {
  const lines = text.split('\n').filter((l) => KEPT_LINE.test(l));
  const head = lines.findIndex((l) => /^\[[^\]]+\]\s*$/.test(l));
  if (head < 0) return { current: text };
  let pending: string[] | undefined;
  for (let i = head; i < lines.length; i++) {
    if (/^\[pve:pending\]\s*$/i.test(lines[i]!)) pending = [];
    else if (/^\[[^\]]+\]\s*$/.test(lines[i]!)) {
      if (pending) break;
    } else pending?.push(lines[i]!);
  }
  return { current: lines.slice(0, head).join('\n'), pending: pending?.join('\n') };
}

/** A kept key's value as the API reports it: numbers and booleans (0/1) typed, everything else the stored text. */
function apiValue(cfg: PctConfig, key: string): Value | undefined {
  const known = lookupKey(key);
  if (!known) return cfg.unknown[key];
  const typed = (cfg as unknown as Record<string, unknown>)[known.name];
  const v = known.index === undefined ? typed : (typed as Record<number, unknown> | undefined)?.[known.index];
  if (v === undefined) return cfg.unknown[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return Number(v);
  return cfg.raw[key];
}

/**
 * The kept keys of a config file's text, as `GET …/config` (no `--current`) reports them: pending values
 * over current ones, then pending `delete:` keys (`!` = forced) removed (pve-guest-common `AbstractConfig.pm` `load_current_config`).
 */
export function ctFieldsFromConfig(text: string): Fields {
  const s = sections(text);
  const current = parsePctConfig(s.current);
  const pending = s.pending === undefined ? undefined : parsePctConfig(s.pending);
  const deleted = new Set((pending?.unknown.delete ?? '').split(/[,;\s]+/).map((k) => k.replace(/^!/, '')).filter(Boolean));
  const out: Fields = {};
  for (const k of CT_CONFIG_KEYS) {
    out[k] = deleted.has(k) ? null : ((pending && apiValue(pending, k)) ?? apiValue(current, k) ?? null);
  }
  return out;
}

export interface PmxcfsConfig {
  digest: string;
  /** The kept keys; only when the digest differs from the one already known (an unchanged file is not parsed). */
  fields?: Fields;
}

/**
 * Read a CT's config from pmxcfs. Undefined when the file cannot be read (no /etc/pve here, not root,
 * the CT moved or went away): the caller falls back to pvesh, which also says whether it is gone.
 */
export function readCtConfig(pveDir: string, node: string, vmid: number, knownDigest?: Value): PmxcfsConfig | undefined {
  let raw: Buffer;
  try {
    // Synchronous on purpose: thousands of small reads, nothing else to do meanwhile, and far less garbage than fs.promises.
    raw = readFileSync(ctConfigPath(pveDir, node, vmid));
  } catch {
    return undefined;
  }
  const digest = configDigest(raw);
  if (digest === knownDigest) return { digest };
  return { digest, fields: { config_digest: digest, ...ctFieldsFromConfig(raw.toString('utf8')) } };
}
