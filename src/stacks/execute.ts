// Runs jobs in dependency order, independent ones in parallel up to a limit; a failed job's dependents are skipped, naming it, and the rest go on.

export interface Job<R> {
  name: string;
  /** Jobs this one needs; names that are not jobs (unchanged resources) count as done. */
  deps: readonly string[];
  run: () => Promise<R>;
}

export type JobOutcome<R> =
  | { name: string; status: 'ok'; result: R; seconds: number }
  | { name: string; status: 'failed'; error: unknown; seconds: number }
  | { name: string; status: 'skipped'; reason: string };

/** Outcomes in the order the jobs were given. Never rejects: each job's error is its outcome. */
export async function runJobs<R>(jobs: readonly Job<R>[], opts: { parallel: number; now?: () => number }): Promise<JobOutcome<R>[]> {
  const now = opts.now ?? (() => performance.now());
  const names = new Set(jobs.map((j) => j.name));
  const outcomes = new Map<string, JobOutcome<R>>();
  /** The failed job behind each skip, so "depends on X which failed" names the cause, not the messenger. */
  const cause = new Map<string, string>();
  const running = new Map<string, Promise<void>>();

  const pending = () => jobs.filter((j) => !outcomes.has(j.name) && !running.has(j.name));
  const settle = (): void => {
    // Skips cascade: repeat until no pending job has a failed or skipped dependency left.
    let changed = true;
    while (changed) {
      changed = false;
      for (const j of pending()) {
        const bad = j.deps.find((d) => names.has(d) && outcomes.get(d) && outcomes.get(d)!.status !== 'ok');
        if (!bad) continue;
        const root = cause.get(bad) ?? bad;
        cause.set(j.name, root);
        outcomes.set(j.name, { name: j.name, status: 'skipped', reason: root === bad ? `depends on ${bad} which failed` : `depends on ${bad}, which depends on ${root} which failed` });
        changed = true;
      }
    }
  };
  const start = (j: Job<R>): void => {
    const t0 = now();
    const seconds = () => Math.round((now() - t0) / 100) / 10;
    running.set(
      j.name,
      j.run().then(
        (result) => void outcomes.set(j.name, { name: j.name, status: 'ok', result, seconds: seconds() }),
        (error: unknown) => void outcomes.set(j.name, { name: j.name, status: 'failed', error, seconds: seconds() }),
      ).finally(() => running.delete(j.name)),
    );
  };

  for (;;) {
    settle();
    const ready = pending().filter((j) => j.deps.every((d) => !names.has(d) || outcomes.get(d)?.status === 'ok'));
    for (const j of ready.slice(0, Math.max(0, Math.max(1, opts.parallel) - running.size))) start(j);
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  return jobs.map((j) => outcomes.get(j.name)!);
}
