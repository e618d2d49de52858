// The .deb for a PVE node: built by scripts/build-deb.sh from this tree, its control fields, its files, and the binary run from the unpacked package.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRoot, repoRoot } from '../helpers/cli.js';

const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
let deb: string;
let unpacked: string;

beforeAll(() => {
  const out = makeRoot('pxdeploy-deb-');
  const r = spawnSync('bash', [path.join(repoRoot, 'scripts/build-deb.sh'), out], { encoding: 'utf8', env: { ...process.env, SKIP_BUILD: '1' } });
  expect(r.status, r.stderr).toBe(0);
  deb = path.join(out, `pxdeploy_${version}_${execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim()}.deb`);
  unpacked = makeRoot('pxdeploy-deb-x-');
  execFileSync('dpkg-deb', ['-x', deb, unpacked]);
}, 180_000);

describe('pxdeploy .deb', () => {
  it('declares the package, its version and the runtime it needs', () => {
    const field = (f: string) => execFileSync('dpkg-deb', ['-f', deb, f], { encoding: 'utf8' }).trim();
    expect(field('Package')).toBe('pxdeploy');
    expect(field('Version')).toBe(version);
    expect(field('Depends')).toContain('nodejs (>= 20)');
    expect(field('Depends')).toContain('skopeo');
  });

  it('holds the binary, the catalog, the systemd units, the man page and the completion, and no dev dependency', () => {
    const files = execFileSync('dpkg-deb', ['-c', deb], { encoding: 'utf8', maxBuffer: 64 << 20 });
    for (const f of ['./usr/lib/pxdeploy/dist/main.js', './usr/lib/pxdeploy/packages/vikunja.yml', './usr/lib/pxdeploy/systemd/pxdeploy-backup@.timer', './usr/share/man/man1/pxdeploy.1.gz', './usr/share/bash-completion/completions/pxdeploy']) {
      expect(files, f).toContain(f);
    }
    expect(files).toMatch(/root\/root .* \.\/usr\/lib\/pxdeploy\/node_modules\/better-sqlite3\/build\/Release\/better_sqlite3\.node/);
    expect(files).not.toMatch(/node_modules\/(vitest|typescript|@types\/node)\//);
    expect(readlinkSync(path.join(unpacked, 'usr/bin/pxdeploy'))).toBe('../lib/pxdeploy/bin/pxdeploy.js');
  });

  it('runs from the unpacked package: version, a command that loads SQLite, and its man page formats cleanly', () => {
    const bin = path.join(unpacked, 'usr/bin/pxdeploy');
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8' })).toBe(`${version}\n`);
    const root = makeRoot();
    const show = spawnSync(bin, ['--json', 'inventory', 'show'], { encoding: 'utf8', env: { ...process.env, PXDEPLOY_ROOT: root } });
    expect(show.status, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ containers: [] });
    const page = gunzipSync(readFileSync(path.join(unpacked, 'usr/share/man/man1/pxdeploy.1.gz'))).toString('utf8');
    expect(page).toMatch(new RegExp(`^\\.TH PXDEPLOY 1 "\\d{4}-\\d{2}-\\d{2}" "pxdeploy ${version.replace(/\./g, '\\.')}"`));
    const groff = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z'], { input: page, encoding: 'utf8' });
    expect(groff.stderr).toBe('');
    expect(readFileSync(path.join(unpacked, 'usr/share/bash-completion/completions/pxdeploy'), 'utf8')).toContain('complete -F _pxdeploy pxdeploy');
  });
});
