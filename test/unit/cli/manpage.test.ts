// pxdeploy(1): rendered from the command tree, it names every command and global option, and groff formats it without a warning.
import { spawnSync } from 'node:child_process';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { createIo } from '../../../src/cli/io.js';
import { renderManPage } from '../../../src/cli/manpage.js';
import { buildProgram } from '../../../src/cli/program.js';

const leaves = (cmd: Command, prefix: string[] = []): string[] =>
  cmd.commands.flatMap((c) => (c.commands.length > 0 ? leaves(c, [...prefix, c.name()]) : [[...prefix, c.name()].join(' ')]));

describe('man page', () => {
  const program = buildProgram(createIo(), '1.2.3');
  const page = renderManPage(program, '1.2.3', '2026-12-02');

  it('has the sections of a man page and names every command, its options and examples', () => {
    expect(page.split('\n')[0]).toBe('.TH PXDEPLOY 1 "2026-12-02" "pxdeploy 1.2.3" "User Commands"');
    for (const s of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'GLOBAL OPTIONS', 'COMMANDS', 'EXIT STATUS', 'ENVIRONMENT', 'FILES', 'SEE ALSO']) expect(page).toContain(`.SH ${s}\n`);
    for (const leaf of leaves(program)) expect(page, leaf).toContain(`.B pxdeploy ${leaf.replace(/-/g, '\\-')}`);
    expect(page).toContain('.B \\-\\-dry\\-run');
    expect(page).toContain('.B \\-\\-color <color>');
    expect(page).toContain('$ sudo pxdeploy schedule enable demo'); // a command's own examples
  });

  it('groff formats it with no warning, and the text reads as the help does', () => {
    const r = spawnSync('groff', ['-man', '-Tutf8', '-ww'], { input: page, encoding: 'utf8', env: { ...process.env, GROFF_NO_SGR: '1' } });
    expect(r.error).toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const text = r.stdout.replace(/.\x08/g, ''); // overstrike bold/underline
    expect(text).toContain('pxdeploy update [options] [id]');
    expect(text).toMatch(/10\s+health check failed; the serving colour is unchanged/);
  });
});
