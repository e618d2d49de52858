// E2E: `pxdeploy lock status|release` against real lock holders (compiled lock module in child processes).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRoot, pxdeploy, repoRoot } from '../helpers/cli.js';

const racer = path.join(repoRoot, 'test/helpers/lock-racer.mjs');

/** Starts a process that takes `<id>.lock` for operation `op` and holds it until killed. */
async function holdLock(root: string, id: string, op: string): Promise<ChildProcess> {
  const dir = makeRoot('pxdeploy-holder-');
  const child = spawn(process.execPath, [racer, JSON.stringify({ mode: 'hold', root, id, op, dir })], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('HOLDING')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`lock holder exited early (${code})`)));
  });
  return child;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

interface StatusJson {
  locks: { resourceId: string; holder?: { pid: number; operation: string; owner: string }; stale: boolean; reason?: string }[];
}

describe('pxdeploy lock', () => {
  it('reports no locks on a fresh host', () => {
    const r = pxdeploy(['lock', 'status'], { root: makeRoot() });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('no pxdeploy locks held\n');
  });

  it('shows a live holder, refuses to release it without --force (exit 5 naming the holder)', async () => {
    const root = makeRoot();
    const holder = await holdLock(root, 'web', 'update');
    children.push(holder);

    const st = pxdeploy(['lock', 'status', '--json'], { root });
    expect(st.code).toBe(0);
    const body = JSON.parse(st.stdout) as StatusJson;
    expect(body.locks).toHaveLength(1);
    expect(body.locks[0]).toMatchObject({ resourceId: 'web', stale: false, holder: { pid: holder.pid, operation: 'update' } });

    const text = pxdeploy(['lock', 'status'], { root });
    expect(text.stdout).toMatch(/^RESOURCE\s+OPERATION\s+HOLDER\s+AGE\s+STATE\n/);
    expect(text.stdout).toMatch(new RegExp(`web\\s+update\\s+\\S+@\\S+ \\(pid ${holder.pid}\\)\\s+\\d+s\\s+held`));

    const refused = pxdeploy(['lock', 'release', 'web'], { root });
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain(`pid ${holder.pid}`);
    expect(refused.stderr).toContain("'update'");
    expect(refused.stderr).toContain('hint: see `pxdeploy lock status`');
    expect(existsSync(path.join(root, 'var/lock/pxdeploy/web.lock'))).toBe(true);

    const dry = pxdeploy(['lock', 'release', 'web', '--force', '--dry-run'], { root });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('[dry-run] release lock web (forced)\n');
    const dryRefused = pxdeploy(['lock', 'release', 'web', '--dry-run'], { root });
    expect(dryRefused.code).toBe(5); // a plan refuses exactly as the run would
    expect(existsSync(path.join(root, 'var/lock/pxdeploy/web.lock'))).toBe(true);

    const forced = pxdeploy(['lock', 'release', 'web', '--force'], { root });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toBe('released lock of web\n');
    expect(existsSync(path.join(root, 'var/lock/pxdeploy/web.lock'))).toBe(false);
  });

  it('marks the lock of a SIGKILLed holder stale and releases it without --force, logging a WARN', async () => {
    const root = makeRoot();
    const holder = await holdLock(root, 'db', 'backup');
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));

    const st = JSON.parse(pxdeploy(['lock', 'status', 'db', '--json'], { root }).stdout) as StatusJson;
    expect(st.locks[0]).toMatchObject({ resourceId: 'db', stale: true });
    expect(st.locks[0]!.reason).toContain('no longer running');

    const rel = pxdeploy(['lock', 'release', 'db'], { root });
    expect(rel.code).toBe(0);
    const log = readFileSync(path.join(root, 'var/log/pxdeploy/db.log'), 'utf8');
    expect(log).toMatch(/^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\] \[WARN\] \[lock-release\] released stale lock of .*pid \d+/m);
  });

  it('rejects an unsafe resource id as bad input', () => {
    const r = pxdeploy(['lock', 'release', '../etc'], { root: makeRoot() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: invalid resource id '\.\.\/etc'/);
    const st = pxdeploy(['lock', 'status', '../x'], { root: makeRoot() });
    expect(st.code).toBe(2);
    expect(st.stderr).toMatch(/^error: invalid resource id '\.\.\/x'/);
    expect(st.stderr).not.toMatch(/looks like a bug/);
  });
});
