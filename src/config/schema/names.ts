// Proxmox identifiers: storage ids, node names and template references, in the formats PVE accepts.
import { z } from 'zod';
import { matching } from './primitives.js';

/** pve-storage-id: `[a-z][a-z0-9\-_.]*[a-z0-9]` (case-insensitive). */
const STORAGE_ID = /^[A-Za-z][A-Za-z0-9_.-]*[A-Za-z0-9]$/;

export function storageId() {
  return matching(STORAGE_ID, 'is not a storage id: letters, digits, "-", "_" and ".", starting with a letter');
}

/** pve-node: a DNS label, upper case allowed. */
const NODE = /^(?=.{1,63}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/;

export function nodeName() {
  return matching(NODE, 'is not a node name: letters, digits and "-", at most 63 characters');
}

/** `<storage>:vztmpl/<file>` with one of the archive extensions pveam/pct accept (pve-cli.md §4). */
const TEMPLATE_VOLID = /^([A-Za-z][A-Za-z0-9_.-]*[A-Za-z0-9]):vztmpl\/([^/\s]+\.tar(?:\.(?:gz|xz|zst|bz2))?)$/;
/** A short name resolved later against `pveam available` / the cache (`debian-12`, `alpine-3.20`), or a cached file name. */
const TEMPLATE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,254}$/;

export type TemplateRef = { kind: 'volid'; storage: string; file: string } | { kind: 'name'; name: string };

/** How a validated `container.template` is to be resolved. */
export function parseTemplateRef(template: string): TemplateRef {
  const m = TEMPLATE_VOLID.exec(template);
  if (m) return { kind: 'volid', storage: m[1] ?? '', file: m[2] ?? '' };
  return { kind: 'name', name: template };
}

export function templateRef() {
  return z.string().superRefine((s, ctx) => {
    if (TEMPLATE_VOLID.test(s) || (!s.includes(':') && TEMPLATE_NAME.test(s))) return;
    const message = s.includes(':')
      ? `${JSON.stringify(s)} is not a template volume id: expected "<storage>:vztmpl/<file>.tar[.gz|.xz|.zst|.bz2]"`
      : `${JSON.stringify(s)} is not a template: use a short name like "debian-12" or a volume id like "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"`;
    ctx.addIssue({ code: 'custom', message });
  });
}
