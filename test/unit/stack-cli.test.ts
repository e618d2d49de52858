// plan/apply through the CLI in-process, host tools stubbed: the text plan, --detailed-exitcode, apply refusing without --yes off a terminal, bad --parallel.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';
import { makeRoot, repoRoot, stubHostTools } from '../helpers/cli.js';

const stack = path.join(repoRoot, 'test/fixtures/stacks/small.yaml');
const saved = { PATH: process.env.PATH, PXDEPLOY_ROOT: process.env.PXDEPLOY_ROOT };

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const io = createIo((s) => void (out += s), (s) => void (err += s));
  const code = await runCli(args, { version: '0.0.0', io });
  return { code, out, err };
}

let calls: () => string[];
beforeEach(() => {
  const stubs = stubHostTools({ 'pvesh get /cluster/resources --type vm --output-format json': '[]' });
  calls = stubs.calls;
  process.env.PATH = `${stubs.dir}:${saved.PATH}`;
  process.env.PXDEPLOY_ROOT = makeRoot('pxd-stack-cli-');
});
afterEach(() => {
  process.env.PATH = saved.PATH;
  if (saved.PXDEPLOY_ROOT === undefined) delete process.env.PXDEPLOY_ROOT;
  else process.env.PXDEPLOY_ROOT = saved.PXDEPLOY_ROOT;
});

describe('pxdeploy plan / apply', () => {
  it('plan prints one line per resource with its sign and the summary; exit 0, or 2 with --detailed-exitcode', async () => {
    const r = await cli(['plan', '-f', stack]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(
      [
        'stack small (resources tagged pxstack-small)',
        '  + tpl  template tpl from tpl.yaml, vmid 970',
        '  + a    clone of tpl, vmid 270, 10.203.0.110/24',
        '  + b    clone of tpl, vmid 271, 10.203.0.111/24',
        '  + c    container c, vmid 272',
        '',
        'Plan: 4 to add, 0 to change, 0 to destroy.',
        '',
      ].join('\n'),
    );
    expect((await cli(['plan', '-f', stack, '--detailed-exitcode'])).code).toBe(2);
    expect(calls()).toEqual(Array(2).fill('pvesh get /cluster/resources --type vm --output-format json'));
  });

  it('apply without --yes and without a terminal refuses in one line with a hint, after reading only', async () => {
    const r = await cli(['apply', '-f', stack]);
    expect(r.code).toBe(2);
    expect(r.err).toBe('error: apply these changes to stack small? — refusing without a terminal to ask\nhint: re-run with --yes to confirm\n');
    expect(calls()).toEqual(['pvesh get /cluster/resources --type vm --output-format json']);
  });

  it('a bad --parallel is refused before anything is read', async () => {
    const r = await cli(['apply', '-f', stack, '--parallel', '0', '--yes']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: invalid --parallel '0': expected a number from 1 to 32\n/);
    expect(calls()).toEqual([]);
  });
});
