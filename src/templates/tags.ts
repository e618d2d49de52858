// Tags of templates and clones: the clone tag that ties a clone to its template, and the pct tag format.
import { UsageError } from '../errors.js';

/** pct's tag format (stored lower-case). */
const TAG = /^[a-z0-9_][a-z0-9_+.-]*$/;

/** Every clone carries this tag: how `template list` counts clones and a re-run finds its CT. */
export function cloneTag(template: string): string {
  return `pxclone-${template.toLowerCase()}`;
}

export function checkTags(tags: readonly string[] | undefined): void {
  for (const t of tags ?? []) if (!TAG.test(t.toLowerCase())) throw new UsageError(`invalid tag '${t}': letters, digits, "_", "-", "+" and ".", not starting with "-", "+" or "."`);
}
