// Catalog search: a term over name, tags and description, ranked exact name > name prefix > tag > name substring > description.
import type { Package } from './schema.js';

export type MatchKind = 'name' | 'name-prefix' | 'tag' | 'name-substring' | 'description';

export interface SearchHit {
  pkg: Package;
  match: MatchKind;
}

const ORDER: readonly MatchKind[] = ['name', 'name-prefix', 'tag', 'name-substring', 'description'];

/** How well `pkg` matches the lower-cased `term`, or undefined when it does not. */
export function matchPackage(pkg: Package, term: string): MatchKind | undefined {
  const name = pkg.name.toLowerCase();
  if (name === term) return 'name';
  if (name.startsWith(term)) return 'name-prefix';
  if (pkg.tags.some((t) => t === term || t.startsWith(term))) return 'tag';
  if (name.includes(term)) return 'name-substring';
  if (pkg.description.toLowerCase().includes(term)) return 'description';
  return undefined;
}

/** Packages matching `term` (case-insensitive), best first, ties by name. An empty term lists everything by name. */
export function searchPackages(packages: readonly Package[], term: string): SearchHit[] {
  const t = term.trim().toLowerCase();
  const byName = (a: SearchHit, b: SearchHit): number => a.pkg.name.localeCompare(b.pkg.name);
  if (t === '') return packages.map((pkg): SearchHit => ({ pkg, match: 'name-substring' })).sort(byName);
  const hits: SearchHit[] = [];
  for (const pkg of packages) {
    const match = matchPackage(pkg, t);
    if (match) hits.push({ pkg, match });
  }
  return hits.sort((a, b) => ORDER.indexOf(a.match) - ORDER.indexOf(b.match) || byName(a, b));
}
