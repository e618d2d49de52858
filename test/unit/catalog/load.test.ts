// Loading from disk: PXDEPLOY_PACKAGES override, a file's name checked against name:, missing templates and directories.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog, loadPackageFile, packagesDir } from '../../../src/catalog/index.js';
import { formatProblem } from '../../../src/errors.js';
import { ociPackage } from './helpers.js';

describe('packagesDir', () => {
  it('follows PXDEPLOY_PACKAGES', () => {
    expect(packagesDir({ PXDEPLOY_PACKAGES: '/srv/pkgs' })).toBe('/srv/pkgs');
  });
});

describe('loadCatalog', () => {
  it('keeps valid packages and reports the others by file and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pxcat-'));
    writeFileSync(join(dir, 'web.yml'), ociPackage('web'));
    writeFileSync(join(dir, 'other.yml'), ociPackage('wrong'));
    writeFileSync(join(dir, 'notes.txt'), 'not a package');
    const c = await loadCatalog(dir);
    expect(c.packages.map((p) => p.name)).toEqual(['web']);
    expect(c.problems.map(formatProblem)).toEqual([`${join(dir, 'other.yml')}:1 name: "wrong" must equal the file name "other" (rename one of them)`]);
  });

  it('reports a missing directory as one problem', async () => {
    const c = await loadCatalog('/nonexistent/pxdeploy-packages');
    expect(c.problems.map(formatProblem)).toEqual(['/nonexistent/pxdeploy-packages no such file']);
  });

  it('checks that a bluegreen config template exists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pxcat-'));
    const real = readFileSync(new URL('../../../packages/vikunja.yml', import.meta.url), 'utf8');
    writeFileSync(join(dir, 'vikunja.yml'), real);
    const r = await loadPackageFile(join(dir, 'vikunja.yml'));
    expect(r.ok ? [] : r.problems.map(formatProblem)).toEqual([
      `${join(dir, 'vikunja.yml')} bluegreen.config.template: template ${join(dir, 'vikunja/config.yml.tmpl')} does not exist`,
    ]);
    mkdirSync(join(dir, 'vikunja'));
    writeFileSync(join(dir, 'vikunja/config.yml.tmpl'), 'service: {}\n');
    expect((await loadPackageFile(join(dir, 'vikunja.yml'))).ok).toBe(true);
  });
});
