// runJobs: dependency order, at most N at once, a failure skips its dependents (naming the cause) and the rest go on.
import { describe, expect, it } from 'vitest';
import { runJobs, type Job } from '../../src/stacks/execute.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

function tracker() {
  const started: string[] = [];
  let running = 0;
  let peak = 0;
  const job = (name: string, deps: string[] = [], fail = false): Job<string> => ({
    name,
    deps,
    run: async () => {
      started.push(name);
      peak = Math.max(peak, ++running);
      await tick();
      running--;
      if (fail) throw new Error(`${name} broke\nsecond line`);
      return `${name} done`;
    },
  });
  return { started, job, peak: () => peak };
}

describe('runJobs', () => {
  it('never runs more than `parallel` at once, and a job only after its dependencies', async () => {
    const t = tracker();
    const out = await runJobs([t.job('a'), t.job('b'), t.job('c'), t.job('d', ['a', 'b']), t.job('e', ['d'])], { parallel: 2 });
    expect(t.peak()).toBe(2);
    expect(t.started.indexOf('d')).toBeGreaterThan(t.started.indexOf('b'));
    expect(t.started.at(-1)).toBe('e');
    expect(out.map((o) => o.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
  });

  it('parallel 1 runs them one after another', async () => {
    const t = tracker();
    await runJobs([t.job('a'), t.job('b'), t.job('c')], { parallel: 1 });
    expect(t.peak()).toBe(1);
  });

  it('a failure skips its dependents, directly and through others, and the independent ones still run', async () => {
    const t = tracker();
    const out = await runJobs([t.job('db', [], true), t.job('api', ['db']), t.job('web', ['api']), t.job('cache')], { parallel: 2 });
    expect(t.started.sort()).toEqual(['cache', 'db']);
    expect(out).toEqual([
      expect.objectContaining({ name: 'db', status: 'failed', error: expect.any(Error) }),
      { name: 'api', status: 'skipped', reason: 'depends on db which failed' },
      { name: 'web', status: 'skipped', reason: 'depends on api, which depends on db which failed' },
      expect.objectContaining({ name: 'cache', status: 'ok', result: 'cache done' }),
    ]);
  });

  it('dependencies that are not jobs (unchanged resources) count as done', async () => {
    const t = tracker();
    const out = await runJobs([t.job('web', ['unchanged-db'])], { parallel: 2 });
    expect(out[0]!.status).toBe('ok');
  });
});
