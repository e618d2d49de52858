// Every command under --dry-run --json: no host mutation, no file changed, and a plan that matches what the real run logs, in order.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { createIo } from '../../src/cli/io.js';
import { makeRoot, pxdeploy, snapshotTree, stubHostTools } from '../helpers/cli.js';
import { fixtures } from './fixtures.js';

interface Case {
  /** argv after `pxdeploy`. */
  args: string[];
  /** The exit code of the real run, which the plan must predict. */
  code: number;
  /** Host commands the stubs answer (reads only: a mutating one would make the stub fail). */
  answers?: Record<string, string>;
  /** Arrange the temporary root (e.g. a stale lock). */
  arrange?: (root: string) => void;
}

function staleLock(root: string, id: string, pid = 999_999): void {
  const dir = path.join(root, 'var/lock/pxdeploy', `${id}.lock`);
  mkdirSync(dir, { recursive: true });
  const meta = { pid: String(pid), timestamp: String(Math.floor(Date.now() / 1000)), owner: 'root', operation: 'update' };
  for (const [k, v] of Object.entries(meta)) writeFileSync(path.join(dir, k), `${v}\n`);
}

const cases: Record<string, Case[]> = {
  validate: [{ args: ['validate', '-f', fixtures('good-minimal.yaml')], code: 0 }],
  'ct list': [{ args: ['ct', 'list'], code: 0, answers: { 'pct list': '' } }],
  'lock status': [{ args: ['lock', 'status'], code: 0, arrange: (r) => staleLock(r, 'web') }],
  'lock release': [
    { args: ['lock', 'release', 'web'], code: 0, arrange: (r) => staleLock(r, 'web') },
    { args: ['lock', 'release', 'web'], code: 5, arrange: (r) => staleLock(r, 'web', process.pid) },
    { args: ['lock', 'release', 'web', '--force'], code: 0, arrange: (r) => staleLock(r, 'web', process.pid) },
  ],
};

/** `ct list`, `lock release`, …: every runnable leaf of the program. */
function leafCommands(cmd: Command, prefix: string[] = []): string[] {
  return cmd.commands.flatMap((c) => (c.commands.length > 0 ? leafCommands(c, [...prefix, c.name()]) : [[...prefix, c.name()].join(' ')]));
}

describe('--dry-run --json for every command', () => {
  it('has a case for every command the program registers', () => {
    expect(leafCommands(buildProgram(createIo(), '0.0.0')).sort()).toEqual(Object.keys(cases).sort());
  });

  for (const [name, list] of Object.entries(cases)) {
    list.forEach((c, i) => {
      it(`${name} #${i + 1}: changes nothing, exits as the real run would, and plans what the real run logs`, () => {
        const planRoot = makeRoot();
        const realRoot = makeRoot();
        c.arrange?.(planRoot);
        c.arrange?.(realRoot);
        const stubs = stubHostTools(c.answers);
        const before = snapshotTree(planRoot);
        const dry = pxdeploy([...c.args, '--dry-run', '--json'], { root: planRoot, pathPrefix: stubs.dir });
        expect(dry.code, dry.stderr).toBe(c.code);
        expect(snapshotTree(planRoot)).toEqual(before);
        expect(stubs.calls().every((call) => call in (c.answers ?? {}))).toBe(true);

        const real = pxdeploy([...c.args, '--json'], { root: realRoot, pathPrefix: stubHostTools(c.answers).dir });
        expect(real.code, real.stderr).toBe(c.code);
        if (c.code !== 0) return;
        const body = JSON.parse(dry.stdout) as { plan?: { kind: string; display: string }[] };
        const logFile = path.join(realRoot, 'var/log/pxdeploy', `${c.args[2] ?? ''}.log`);
        if (body.plan === undefined) {
          // A command that only reads has no plan and writes no operation log.
          expect(snapshotTree(realRoot)).toEqual(snapshotTree(planRoot));
          return;
        }
        const logged = readFileSync(logFile, 'utf8').trim().split('\n');
        expect(logged.at(-1)).toMatch(/\[SUCCESS\] \[[a-z-]+\] .*\(exit 0\)$/);
        expect(logged.length).toBe(body.plan.length + 1); // one line per effect, plus the final line
      });
    });
  }
});
