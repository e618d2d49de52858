// A name or instance id → its package: `vikunja` is the package itself, `vikunja-main` an instance of it.
import { NotFoundError } from '../errors.js';
import { closest } from '../config/problems/did-you-mean.js';
import type { Package } from './schema.js';

export type Resolution =
  | { ok: true; pkg: Package; /** `ref` itself: the instance id to use (equal to the name when no suffix was given). */ instanceId: string }
  | { ok: false; message: string; suggestion?: string };

/**
 * Exact package name first; otherwise the package whose name followed by "-" starts `ref`,
 * the longest such name winning (`uptime-kuma-home` → `uptime-kuma`, not a package named `uptime`).
 */
export function resolvePackage(packages: readonly Package[], ref: string): Resolution {
  const exact = packages.find((p) => p.name === ref);
  if (exact) return { ok: true, pkg: exact, instanceId: ref };
  const owners = packages.filter((p) => ref.startsWith(`${p.name}-`) && ref.length > p.name.length + 1);
  const best = owners.sort((a, b) => b.name.length - a.name.length)[0];
  if (best) return { ok: true, pkg: best, instanceId: ref };
  const suggestion = closest(ref, packages.map((p) => p.name));
  return {
    ok: false,
    message: `no package "${ref}" in the catalog, and it is not <package>-<suffix> of any package`,
    ...(suggestion === undefined ? {} : { suggestion }),
  };
}

/** resolvePackage, throwing NotFoundError (exit 3) with a did-you-mean or a pointer to `oci search`. */
export function requirePackage(packages: readonly Package[], ref: string): { pkg: Package; instanceId: string } {
  const r = resolvePackage(packages, ref);
  if (r.ok) return { pkg: r.pkg, instanceId: r.instanceId };
  throw new NotFoundError(r.message, r.suggestion ? `did you mean "${r.suggestion}"?` : 'list the catalog with `pxdeploy oci search ""`');
}
