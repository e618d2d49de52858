// The `[pve:pending]` section: queued deletions, merged views, and applying pending changes.
import type { CtConfig, CtSection } from './conffile.js';

export function pendingDeletes(conf: CtConfig): string[] {
  return (conf.pending.props.delete ?? '').split(',').filter(Boolean).map((k) => k.replace(/^!/, ''));
}

export function setPendingDeletes(conf: CtConfig, keys: string[]): void {
  if (keys.length) conf.pending.props.delete = [...new Set(keys)].join(',');
  else delete conf.pending.props.delete;
}

/** add_to_pending_delete: a queued value of the key is dropped, the key is queued for deletion. */
export function addPendingDelete(conf: CtConfig, key: string): void {
  delete conf.pending.props[key];
  if (key === 'description') delete conf.pending.description;
  if (key === 'env') conf.pending.lxc = [];
  setPendingDeletes(conf, [...pendingDeletes(conf).filter((k) => k !== key), key]);
}

export function removePendingDelete(conf: CtConfig, key: string): void {
  setPendingDeletes(conf, pendingDeletes(conf).filter((k) => k !== key));
}

/** The config as `pct config` shows it by default: pending values merged in, pending deletions dropped. */
export function mergedSection(conf: CtConfig): CtSection {
  const props = { ...conf.props };
  for (const [k, v] of Object.entries(conf.pending.props)) if (k !== 'delete') props[k] = v;
  for (const k of pendingDeletes(conf)) delete props[k];
  const merged: CtSection = { props, lxc: conf.pending.lxc.length ? conf.pending.lxc : conf.lxc };
  const description = conf.pending.description ?? conf.description;
  if (description !== undefined && !pendingDeletes(conf).includes('description')) merged.description = description;
  return merged;
}

function isSetNow(conf: CtConfig, key: string): boolean {
  if (key === 'description') return conf.description !== undefined;
  if (key === 'env') return conf.lxc.some(([k]) => k === 'lxc.environment.runtime');
  return conf.props[key] !== undefined;
}

/** cleanup_pending: drop pending values equal to the current ones and deletions of keys that are not set. */
export function cleanupPending(conf: CtConfig): void {
  for (const [k, v] of Object.entries(conf.pending.props)) {
    if (k !== 'delete' && conf.props[k] === v) delete conf.pending.props[k];
  }
  if (conf.pending.description !== undefined && conf.pending.description === conf.description) delete conf.pending.description;
  setPendingDeletes(conf, pendingDeletes(conf).filter((k) => isSetNow(conf, k)));
}

export function hasPending(conf: CtConfig): boolean {
  return Object.keys(conf.pending.props).length > 0 || conf.pending.description !== undefined || conf.pending.lxc.length > 0;
}
