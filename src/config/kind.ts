// Which kind of spec a document is; today only container specs (top-level `container:`).
import { closest } from './problems/did-you-mean.js';

export type SpecKind = 'container';

export const SPEC_KINDS: readonly { kind: SpecKind; key: string }[] = [{ kind: 'container', key: 'container' }];

/** Top-level keys that only a container spec has, so a misspelt `container:` is still validated as one. */
const CONTAINER_HINTS = ['provisioning'];

export function detectKind(doc: unknown): { kind: SpecKind } | { problem: string } {
  const accepted = `accepted kinds: ${SPEC_KINDS.map((k) => `${k.kind} spec (top-level "${k.key}:")`).join(', ')}`;
  if (doc === null || doc === undefined) return { problem: `the file is empty; ${accepted}` };
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    return { problem: `expected a mapping at the top level, got ${Array.isArray(doc) ? 'a list' : 'a single value'}; ${accepted}` };
  }
  const keys = Object.keys(doc);
  if (keys.includes('container')) return { kind: 'container' };
  // A typo of `container` or a container-only section: validate as a container spec so the user gets
  // "unknown key (did you mean "container"?)" and "container: required" instead of a vague refusal.
  if (keys.some((k) => closest(k, ['container']) !== undefined || CONTAINER_HINTS.includes(k))) return { kind: 'container' };
  return { problem: `not a pxdeploy spec (top-level keys: ${keys.length > 0 ? keys.join(', ') : 'none'}); ${accepted}` };
}
