// Spec files from disk: every problem of bad.yaml with line and path, unreadable files, unknown kinds, ConfigError.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadContainerSpec, validateSpecFile } from '../../../src/config/index.js';
import { ConfigError, ExitCode, formatProblem } from '../../../src/errors.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/config/${name}`, import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'pxdeploy-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('validateSpecFile', () => {
  it('reports all three mistakes of bad.yaml with file, line and path (acceptance)', async () => {
    const file = fixture('bad.yaml');
    const r = await validateSpecFile(file, {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      { file, line: 7, path: 'container.resources.cores', message: 'must be between 1 and 128, got 200' },
      { file, line: 8, path: 'container.resources.memroy', message: 'unknown key (did you mean "memory"?)' },
      { file, line: 11, path: 'container.network.ip', message: '"10.0.0.5/33" is not a CIDR or "dhcp" (prefix length must be 8..32)' },
    ]);
    expect(r.problems.map(formatProblem)).toEqual([
      `${file}:7 container.resources.cores: must be between 1 and 128, got 200`,
      `${file}:8 container.resources.memroy: unknown key (did you mean "memory"?)`,
      `${file}:11 container.network.ip: "10.0.0.5/33" is not a CIDR or "dhcp" (prefix length must be 8..32)`,
    ]);
  });

  it('returns the spec of a valid file', async () => {
    const r = await validateSpecFile(fixture('good-minimal.yaml'), {});
    expect(r).toMatchObject({ ok: true, kind: 'container', spec: { container: { hostname: 'web', template: 'debian-12' } } });
  });

  it('labels problems with the file name as given', async () => {
    const file = join(tmp, 'ct.yaml');
    writeFileSync(file, 'container:\n  hostname: web\n');
    const r = await validateSpecFile(file, {});
    expect(r.ok ? [] : r.problems).toEqual([{ file, line: 1, path: 'container.template', message: 'required' }]);
  });

  it('reports a missing file as one problem', async () => {
    const file = join(tmp, 'nope.yaml');
    expect(await validateSpecFile(file)).toEqual({ ok: false, problems: [{ file, path: '', message: 'no such file' }] });
  });

  it('reports a directory as one problem', async () => {
    expect(await validateSpecFile(tmp)).toEqual({ ok: false, problems: [{ file: tmp, path: '', message: 'is a directory, not a spec file' }] });
  });

  it('names the accepted kinds for a document of unknown kind', async () => {
    const file = fixture('not-a-spec.yaml');
    expect(await validateSpecFile(file)).toEqual({
      ok: false,
      problems: [{ file, line: 1, path: '', message: 'not a pxdeploy spec (top-level keys: services); accepted kinds: container spec (top-level "container:")' }],
    });
  });

  it.each([
    ['', 'the file is empty; accepted kinds: container spec (top-level "container:")'],
    ['# only a comment\n', 'the file is empty; accepted kinds: container spec (top-level "container:")'],
    ['- a\n- b\n', 'expected a mapping at the top level, got a list; accepted kinds: container spec (top-level "container:")'],
    ['hello\n', 'expected a mapping at the top level, got a single value; accepted kinds: container spec (top-level "container:")'],
  ])('refuses %j', async (text, message) => {
    const file = join(tmp, 'odd.yaml');
    writeFileSync(file, text);
    expect(await validateSpecFile(file)).toEqual({ ok: false, problems: [{ file, line: 1, path: '', message }] });
  });

  it('validates a misspelt container section as a container spec', async () => {
    const file = join(tmp, 'typo.yaml');
    writeFileSync(file, 'containr:\n  hostname: web\n');
    const r = await validateSpecFile(file);
    expect(r.ok ? [] : r.problems.map(formatProblem)).toEqual([`${file}:1 container: required`, `${file}:1 containr: unknown key (did you mean "container"?)`]);
  });

  it('validates a spec with provisioning but no container section as a container spec', async () => {
    const file = join(tmp, 'prov.yaml');
    writeFileSync(file, 'provisioning:\n  docker: false\n');
    const r = await validateSpecFile(file);
    expect(r.ok ? [] : r.problems.map(formatProblem)).toEqual([`${file}:1 container: required`]);
  });
});

describe('loadContainerSpec', () => {
  it('returns the normalized spec', async () => {
    const spec = await loadContainerSpec(fixture('good-minimal.yaml'), {});
    expect(spec.container.resources).toEqual({ cores: 2, memory: 1024, swap: 512, disk: 10 });
  });

  it('throws one ConfigError carrying every problem', async () => {
    const file = fixture('bad.yaml');
    const err = await loadContainerSpec(file, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const ce = err as ConfigError;
    expect(ce.exitCode).toBe(ExitCode.badInput);
    expect(ce.problems).toHaveLength(3);
    expect(ce.message).toBe(
      [
        'invalid configuration (3 problems):',
        `  ${file}:7 container.resources.cores: must be between 1 and 128, got 200`,
        `  ${file}:8 container.resources.memroy: unknown key (did you mean "memory"?)`,
        `  ${file}:11 container.network.ip: "10.0.0.5/33" is not a CIDR or "dhcp" (prefix length must be 8..32)`,
      ].join('\n'),
    );
  });

  it('throws ConfigError for a missing file', async () => {
    const err = await loadContainerSpec(join(tmp, 'missing.yaml')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([{ file: join(tmp, 'missing.yaml'), path: '', message: 'no such file' }]);
  });
});
