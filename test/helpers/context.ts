// Contexts for unit tests of operations: real or planned effects over a RecordingRunner, an in-memory log, a temp root.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Clock, Context } from '../../src/context.js';
import { PlanEffects } from '../../src/effects/plan.js';
import { RealEffects } from '../../src/effects/real.js';
import type { Runner } from '../../src/host/command.js';
import { createMemoryLog, type MemoryLog } from '../../src/log/memory-log.js';
import { makePaths } from '../../src/state/paths.js';

export interface TestContext {
  ctx: Context;
  log: MemoryLog;
  root: string;
  /** Lines a plan printed (dry-run contexts only). */
  printed: string[];
}

const fixedClock: Clock = { now: () => new Date('2026-12-02T10:00:00Z') };

export function testContext(runner: Runner, opts: { dryRun?: boolean; root?: string; clock?: Clock; secrets?: string[] } = {}): TestContext {
  const root = opts.root ?? mkdtempSync(path.join(tmpdir(), 'pxd-ctx-'));
  const paths = makePaths(root);
  const clock = opts.clock ?? fixedClock;
  const log = createMemoryLog('test-op', { clock, secrets: opts.secrets });
  const printed: string[] = [];
  const redact = (t: string) => (opts.secrets ?? []).reduce((acc, s) => acc.split(s).join('***'), t);
  const effects = opts.dryRun
    ? new PlanEffects({ runner, paths, clock, redact, write: (l) => printed.push(l) })
    : new RealEffects({ runner, paths, clock, log, redact });
  const ctx: Context = {
    effects,
    paths,
    clock,
    flags: { json: false, dryRun: !!opts.dryRun, verbose: false, yes: true },
    report: { info() {}, warn() {} },
    log,
  };
  return { ctx, log, root, printed };
}
