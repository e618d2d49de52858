// Search ranking (exact name > name prefix > tag > name substring > description) and name/instance-id resolution.
import { describe, expect, it } from 'vitest';
import { requirePackage, resolvePackage, searchPackages } from '../../../src/catalog/index.js';
import type { Package } from '../../../src/catalog/index.js';
import { NotFoundError } from '../../../src/errors.js';

function pkg(name: string, description: string, tags: string[] = []): Package {
  return { name, description, sources: ['https://e.org'], tags };
}

const catalog = [
  pkg('graf', 'a graph tool'),
  pkg('grafana', 'dashboards'),
  pkg('monitor', 'uptime checks', ['grafana-like']),
  pkg('mygrafana', 'fork'),
  pkg('notes', 'works well with Grafana dashboards'),
  pkg('uptime', 'ping'),
  pkg('uptime-kuma', 'status pages', ['monitoring']),
  pkg('vikunja', 'to-do lists', ['todo']),
];

describe('searchPackages', () => {
  it('ranks exact name, name prefix, tag, name substring, description', () => {
    expect(searchPackages(catalog, 'grafana').map((h) => [h.pkg.name, h.match])).toEqual([
      ['grafana', 'name'],
      ['monitor', 'tag'],
      ['mygrafana', 'name-substring'],
      ['notes', 'description'],
    ]);
    expect(searchPackages(catalog, 'GRAF').map((h) => [h.pkg.name, h.match])).toEqual([
      ['graf', 'name'],
      ['grafana', 'name-prefix'],
      ['monitor', 'tag'],
      ['mygrafana', 'name-substring'],
      ['notes', 'description'],
    ]);
  });

  it('finds by tag prefix and lists everything for an empty term', () => {
    expect(searchPackages(catalog, 'monit').map((h) => h.pkg.name)).toEqual(['monitor', 'uptime-kuma']);
    expect(searchPackages(catalog, '  ').map((h) => h.pkg.name)).toEqual(catalog.map((p) => p.name).sort());
    expect(searchPackages(catalog, 'nothing-like-this')).toEqual([]);
  });
});

describe('resolvePackage', () => {
  it('takes an exact name as the package and the instance id', () => {
    expect(resolvePackage(catalog, 'vikunja')).toMatchObject({ ok: true, pkg: { name: 'vikunja' }, instanceId: 'vikunja' });
  });

  it('maps an instance id to the package whose name is its prefix before "-"', () => {
    expect(resolvePackage(catalog, 'vikunja-main')).toMatchObject({ ok: true, pkg: { name: 'vikunja' }, instanceId: 'vikunja-main' });
    // the longest owning name wins, and an exact hyphenated name is itself
    expect(resolvePackage(catalog, 'uptime-kuma-home')).toMatchObject({ ok: true, pkg: { name: 'uptime-kuma' } });
    expect(resolvePackage(catalog, 'uptime-kuma')).toMatchObject({ ok: true, pkg: { name: 'uptime-kuma' } });
    expect(resolvePackage(catalog, 'uptime-x')).toMatchObject({ ok: true, pkg: { name: 'uptime' } });
  });

  it('refuses what matches no package, with a did-you-mean', () => {
    expect(resolvePackage(catalog, 'vikunjamain')).toMatchObject({ ok: false });
    expect(resolvePackage(catalog, 'vikunja-')).toMatchObject({ ok: false });
    expect(resolvePackage(catalog, 'vikuna')).toMatchObject({ ok: false, suggestion: 'vikunja' });
    expect(() => requirePackage(catalog, 'vikuna')).toThrow(NotFoundError);
  });
});
