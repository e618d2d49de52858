// Inventory resources as flat field maps, and the one diff that decides what a sync writes (created/updated/deleted/discovered).

export type Kind = 'node' | 'container' | 'storage';
export type Value = string | number | null;
export type Fields = Record<string, Value>;
export type ChangeType = 'created' | 'updated' | 'deleted' | 'discovered';
/** `field: [old, new]`; absent fields are null. */
export type FieldDiff = Record<string, [Value, Value]>;

export interface Change {
  kind: Kind;
  id: string;
  change: ChangeType;
  /** The resource as it is now (as it was, for `deleted`). */
  fields: Fields;
  diff: FieldDiff;
}

/** What one sync saw of one kind of resource (a batch of it, or none: the stored rows are then checked for deletion). */
export interface KindObservation {
  kind: Kind;
  rows: ReadonlyMap<string, Fields>;
  /** Stored rows not seen are deleted when their node is one of these (all rows of the kind when undefined). */
  scopeNodes?: ReadonlySet<string>;
}

/** Columns stored but not history: bookkeeping that changes without the resource changing. */
export const UNTRACKED = new Set(['id', 'config_digest', 'created_at', 'updated_at']);

export function diffFields(before: Fields | undefined, after: Fields): FieldDiff {
  const out: FieldDiff = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]);
  for (const k of keys) {
    if (UNTRACKED.has(k)) continue;
    const a = before?.[k] ?? null;
    const b = after[k] ?? null;
    if (a !== b) out[k] = [a, b];
  }
  return out;
}

export interface KindDiff {
  changes: Change[];
  /** Rows whose only difference is bookkeeping (a new config digest): rewritten without a snapshot. */
  quiet: Array<[string, Fields]>;
}

/**
 * Stored rows against what the node reports. A new resource is `discovered` when its node was not in
 * the inventory before this sync (first sync, new node), `created` when it appeared on a known node.
 */
export function diffKind(current: ReadonlyMap<string, Fields>, seen: KindObservation, knownNodes: ReadonlySet<string>): KindDiff {
  const out: Change[] = [];
  const quiet: Array<[string, Fields]> = [];
  for (const [id, fields] of seen.rows) {
    const before = current.get(id);
    if (!before) {
      const node = seen.kind === 'node' ? undefined : String(fields.node_id ?? '');
      const known = seen.kind === 'node' ? knownNodes.size > 0 : knownNodes.has(node!);
      out.push({ kind: seen.kind, id, change: known ? 'created' : 'discovered', fields, diff: diffFields(undefined, fields) });
      continue;
    }
    const diff = diffFields(before, fields);
    if (Object.keys(diff).length > 0) out.push({ kind: seen.kind, id, change: 'updated', fields, diff });
    else if ((before.config_digest ?? null) !== (fields.config_digest ?? null)) quiet.push([id, fields]);
  }
  for (const [id, before] of current) {
    if (seen.rows.has(id)) continue;
    const node = seen.kind === 'node' ? id : String(before.node_id ?? '');
    if (seen.scopeNodes && !seen.scopeNodes.has(node)) continue;
    const gone: Fields = {};
    for (const [k, v] of Object.entries(before)) if (!UNTRACKED.has(k)) gone[k] = v;
    out.push({ kind: seen.kind, id, change: 'deleted', fields: before, diff: diffFields(gone, {}) });
  }
  return { changes: out, quiet };
}
