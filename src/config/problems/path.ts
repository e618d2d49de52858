// Paths into a spec document: segments as zod and the YAML walker see them, and their dotted display form.

export type PathSegment = string | number;
export type SpecPath = readonly PathSegment[];

/** `['container', 'mount_points', 1, 'id']` → `container.mount_points[1].id` (the form users see in messages). */
export function formatPath(path: SpecPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/** True when `path` is `prefix` or lies below it. */
export function isUnder(path: SpecPath, prefix: SpecPath): boolean {
  if (path.length < prefix.length) return false;
  return prefix.every((seg, i) => path[i] === seg);
}
