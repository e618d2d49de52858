// Acceptance: 20 real processes race for one lock through dist/; exclusion holds, losers exit 5, stale locks are reclaimed once.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDist, repoRoot } from '../../helpers/lock-build.js';

const helper = path.join(repoRoot, 'test/helpers/lock-racer.mjs');
const LOG_LINE = /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\] \[(DEBUG|INFO|WARN|ERROR|SUCCESS)\] \[[a-z-]+\] .+$/;

interface Outcome {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Racer {
  pid: number;
  done: Promise<Outcome>;
  kill(sig: NodeJS.Signals): void;
  waitFor(text: string): Promise<void>;
}

function startRacer(args: Record<string, unknown>): Racer {
  const child = spawn(process.execPath, [helper, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  child.stdout.on('data', (d) => {
    stdout += d;
    for (const w of waiters) if (stdout.includes(w.text)) w.resolve();
  });
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<Outcome>((resolve) =>
    // 'close', not 'exit': only then has all of the racer's stderr been read.
    child.on('close', (code, signal) => resolve({ pid: child.pid!, code, signal, stdout, stderr })),
  );
  return {
    pid: child.pid!,
    done,
    kill: (sig) => child.kill(sig),
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        if (stdout.includes(text)) return resolve();
        waiters.push({ text, resolve });
        void done.then((o) => reject(new Error(`racer exited (${o.code ?? o.signal}) before "${text}": ${o.stderr}`)));
      }),
  };
}

interface Interval {
  pid: number;
  enter: bigint;
  exit: bigint | undefined;
}

function readEvents(dir: string): { intervals: Interval[]; collisions: string[] } {
  const file = path.join(dir, 'events.log');
  const lines = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];
  const byPid = new Map<number, Interval>();
  const collisions: string[] = [];
  for (const line of lines) {
    const [kind, pid, t] = line.split(' ');
    if (kind === 'collision') collisions.push(line);
    else if (kind === 'enter') byPid.set(Number(pid), { pid: Number(pid), enter: BigInt(t!), exit: undefined });
    else if (kind === 'exit') byPid.get(Number(pid))!.exit = BigInt(t!);
  }
  return { intervals: [...byPid.values()].sort((a, b) => (a.enter < b.enter ? -1 : 1)), collisions };
}

/** Critical sections must not overlap: each one ends before the next one starts. */
function overlaps(intervals: Interval[]): number {
  let n = 0;
  for (let i = 1; i < intervals.length; i++) {
    const prev = intervals[i - 1]!;
    if (prev.exit === undefined || prev.exit >= intervals[i]!.enter) n++;
  }
  return n;
}

let root: string;
const id = 'race-app';
let scenario = 0;
function scenarioDir(): string {
  const d = path.join(root, `scenario-${++scenario}`);
  mkdirSync(d);
  return d;
}

beforeAll(async () => {
  await buildDist(['lock/index.js', 'log/index.js', 'state/paths.js']);
  root = mkdtempSync(path.join(os.tmpdir(), 'pxdeploy-race-'));
}, 180_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

function checkRound(outcomes: Outcome[], dir: string, holderPids: Set<number> = new Set()) {
  const winners = outcomes.filter((o) => o.code === 0);
  const losers = outcomes.filter((o) => o.code === 5);
  const { intervals, collisions } = readEvents(dir);
  const overlapCount = overlaps(intervals);
  const unexpected = outcomes.filter((o) => o.code !== 0 && o.code !== 5);
  expect(unexpected.map((o) => `${o.pid}: ${o.code ?? o.signal} ${o.stderr}`)).toEqual([]);
  expect(collisions).toEqual([]);
  expect(overlapCount).toBe(0);
  expect(winners.length).toBeGreaterThanOrEqual(1);
  expect(intervals.map((i) => i.pid).sort()).toEqual(winners.map((w) => w.pid).sort());
  const legitimate = new Set([...winners.map((w) => w.pid), ...holderPids]);
  for (const l of losers) {
    // The loser names who holds the lock: owner, pid, operation and age.
    const m = /race-app is locked: held by (\S+@\S+) \(pid (\d+)\) for '([a-z-]+)' since (\d+)s/.exec(l.stderr);
    expect(m, l.stderr).not.toBeNull();
    expect(legitimate.has(Number(m![2]))).toBe(true);
    expect(m![3]).toBe('race');
    expect(l.stderr).toContain('LockedError');
  }
  // Nothing left behind: no lock, no staging dir, no tombstone, no guard.
  expect(readdirSync(path.join(root, 'var/lock/pxdeploy'))).toEqual([]);
  return { winners: winners.length, losers: losers.length, overlaps: overlapCount };
}

describe('20 processes racing for one lock', () => {
  it('simultaneous start: exactly one process at a time inside, every loser exits 5 naming the holder', async () => {
    const dir = scenarioDir();
    const startAt = Date.now() + 2000;
    const racers = Array.from({ length: 20 }, () => startRacer({ mode: 'race', root, id, op: 'race', dir, startAt, holdMs: 1500 }));
    const outcomes = await Promise.all(racers.map((r) => r.done));
    const result = checkRound(outcomes, dir);
    expect(result.winners + result.losers).toBe(20);
    console.log(`[race simultaneous] winners=${result.winners} losers=${result.losers} overlaps=${result.overlaps}`);
  }, 60_000);

  it('staggered start: several winners in turn, critical sections never overlap', async () => {
    const dir = scenarioDir();
    const startAt = Date.now() + 2000;
    const racers = Array.from({ length: 20 }, (_, i) =>
      startRacer({ mode: 'race', root, id, op: 'race', dir, startAt, delayMs: (i * 53) % 800, holdMs: 60 }),
    );
    const outcomes = await Promise.all(racers.map((r) => r.done));
    const result = checkRound(outcomes, dir);
    expect(result.winners + result.losers).toBe(20);
    console.log(`[race staggered] winners=${result.winners} losers=${result.losers} overlaps=${result.overlaps}`);
  }, 60_000);
});

describe('a holder killed with SIGKILL', () => {
  it('leaves a stale lock that exactly one of 20 racers reclaims, with a WARN line in the operation log', async () => {
    const dir = scenarioDir();
    const holder = startRacer({ mode: 'hold', root, id, op: 'hold', dir });
    await holder.waitFor('HOLDING');
    holder.kill('SIGKILL');
    const killed = await holder.done;
    expect(killed.signal).toBe('SIGKILL');
    const lockDir = path.join(root, 'var/lock/pxdeploy', `${id}.lock`);
    expect(readFileSync(path.join(lockDir, 'pid'), 'utf8').trim()).toBe(String(holder.pid));
    rmSync(path.join(dir, 'in-critical')); // the dead holder's marker; its lock stays
    rmSync(path.join(dir, 'events.log'));

    const startAt = Date.now() + 2000;
    const racers = Array.from({ length: 20 }, () => startRacer({ mode: 'race', root, id, op: 'race', dir, startAt, holdMs: 300 }));
    const outcomes = await Promise.all(racers.map((r) => r.done));
    const result = checkRound(outcomes, dir);
    expect(result.winners + result.losers).toBe(20);

    const logText = readFileSync(path.join(root, 'var/log/pxdeploy', `${id}.log`), 'utf8');
    const lines = logText.trim().split('\n');
    for (const line of lines) expect(line).toMatch(LOG_LINE);
    const reclaims = lines.filter((l) => l.includes('reclaimed stale lock'));
    expect(reclaims).toHaveLength(1);
    expect(reclaims[0]).toMatch(
      new RegExp(
        `^\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\] \\[WARN\\] \\[race\\] reclaimed stale lock of pid ${holder.pid} \\(\\S+@\\S+, 'hold', age \\d+s\\): process ${holder.pid} is no longer running$`,
      ),
    );
    console.log(`[race after SIGKILL] winners=${result.winners} losers=${result.losers} overlaps=${result.overlaps} reclaim lines=${reclaims.length}`);
  }, 60_000);
});

describe('a holder interrupted by a signal', () => {
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    it(`${sig}: releases the lock and dies by the signal (default action)`, async () => {
      const dir = scenarioDir();
      const holder = startRacer({ mode: 'hold', root, id, op: 'hold', dir });
      await holder.waitFor('HOLDING');
      const lockDir = path.join(root, 'var/lock/pxdeploy', `${id}.lock`);
      expect(existsSync(lockDir)).toBe(true);
      holder.kill(sig);
      const out = await holder.done;
      expect(out.signal).toBe(sig); // the shell reports 128 + n: 143 / 130
      expect(existsSync(lockDir)).toBe(false);
      expect(readdirSync(path.join(root, 'var/lock/pxdeploy'))).toEqual([]);
      // The next operation takes the lock at once, no reclaim needed.
      rmSync(path.join(dir, 'in-critical'));
      const next = await startRacer({ mode: 'race', root, id, op: 'race', dir, holdMs: 10 }).done;
      expect(next.code).toBe(0);
    }, 30_000);
  }
});
