// E2E: the CLI surface itself — version, help with examples, usage errors as one line with a hint.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pxdeploy, repoRoot } from '../helpers/cli.js';

const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

describe('pxdeploy CLI', () => {
  it('prints its version', () => {
    for (const flag of ['--version', '-V']) {
      const r = pxdeploy([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
      expect(r.stderr).toBe('');
    }
  });

  it('shows help with examples, exit codes and the global flags', () => {
    const r = pxdeploy(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: pxdeploy');
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('$ pxdeploy validate -f ct.yaml');
    for (const flag of ['--json', '--dry-run', '--verbose', '--yes']) expect(r.stdout).toContain(flag);
    expect(r.stdout).toMatch(/5 locked/);
  });

  it('shows per-command help with examples', () => {
    const r = pxdeploy(['validate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: pxdeploy validate');
    expect(r.stdout).toContain('Examples:');
  });

  it('rejects an unknown command with one line, a hint and exit 2, no stack', () => {
    const r = pxdeploy(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^error: unknown command 'frobnicate'/);
    expect(lines.some((l) => l.startsWith('hint: '))).toBe(true);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints a bash completion script that bash accepts; another shell is one line, exit 2', () => {
    const r = pxdeploy(['completion', 'bash']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('complete -F _pxdeploy pxdeploy');
    expect(spawnSync('bash', ['-n'], { input: r.stdout }).status).toBe(0);
    const zsh = pxdeploy(['completion', 'zsh']);
    expect(zsh.code).toBe(2);
    expect(zsh.stderr).toMatch(/^error: unsupported shell 'zsh': only bash is supported\nhint: run `pxdeploy completion bash`\n$/);
  });

  it('rejects an unknown option naming it, exit 2', () => {
    const r = pxdeploy(['validate', '-f', 'x.yaml', '--frob']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown option '--frob'/);
    expect(r.stderr).toContain('hint: see `pxdeploy validate --help`');
  });

  it('rejects a missing required option, exit 2', () => {
    const r = pxdeploy(['validate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: required option '-f, --file <file>' not specified/);
  });

  it('renders usage errors as JSON under --json', () => {
    const r = pxdeploy(['--json', 'validate']);
    expect(r.code).toBe(2);
    const body = JSON.parse(r.stdout) as { ok: boolean; error: { exitCode: number; message: string } };
    expect(body.ok).toBe(false);
    expect(body.error.exitCode).toBe(2);
    expect(body.error.message).toMatch(/required option/);
  });
});
