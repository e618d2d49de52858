// Test helpers for catalog/: package text as printed problems, and small valid packages to vary.
import { parsePackageText } from '../../../src/catalog/index.js';
import type { Package } from '../../../src/catalog/index.js';
import { formatProblem } from '../../../src/errors.js';

export function problemsOf(text: string, expectedName?: string): string[] {
  const r = parsePackageText(text, 'pkg.yml', expectedName === undefined ? {} : { expectedName });
  return r.ok ? [] : r.problems.map(formatProblem);
}

export function pkgOf(text: string): Package {
  const r = parsePackageText(text, 'pkg.yml');
  if (!r.ok) throw new Error(`expected a valid package, got:\n${r.problems.map(formatProblem).join('\n')}`);
  return r.pkg;
}

/** A minimal valid OCI package; `extra` lines are appended under `oci:` (4-space items at 2 spaces). */
export function ociPackage(name = 'web', extra = ''): string {
  return [
    `name: ${name}`,
    'description: a web app',
    'sources: [https://example.org/docs]',
    'tags: [web, http]',
    'oci:',
    '  image: docker.io/library/nginx',
    '  tag: "1.27"',
    '  ports:',
    '    - { port: 80, description: http }',
    '  health: { port: 80, path: /, status: 200 }',
    extra,
  ].join('\n');
}
