// Fast start: --version loads no package at all, --help only commander (winston, zod, yaml, tar load per command; execa never).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../../..');

function packagesLoaded(args: string[]): string[] {
  const r = spawnSync(process.execPath, ['--import', './test/helpers/register-trace-imports.mjs', 'bin/pxdeploy.js', ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, PXDEPLOY_ROOT: '/nonexistent-root' },
  });
  const names = new Set<string>();
  for (const line of r.stderr.split('\n')) {
    const m = /^LOADED .*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line);
    if (m) names.add(m[1]!);
  }
  return [...names].sort();
}

describe('startup imports', () => {
  beforeAll(() => {
    if (!existsSync(path.join(repo, 'dist/main.js'))) spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: repo });
  });

  it('--version loads no package', () => {
    expect(packagesLoaded(['--version'])).toEqual([]);
  });

  it('--help loads only commander', () => {
    expect(packagesLoaded(['--help'])).toEqual(['commander']);
  });

  it('the tracer sees packages when they do load (validate loads yaml and zod)', () => {
    const loaded = packagesLoaded(['validate', '-f', 'examples/ct.yaml']);
    expect(loaded).toContain('yaml');
    expect(loaded).toContain('zod');
    expect(loaded).not.toContain('execa');
    expect(loaded).not.toContain('winston');
  });
});
