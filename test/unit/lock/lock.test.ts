// Operation lock in one process: acquire/release, LockedError, staleness rules, reclaim, ownership, status and release.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/context.js';
import { LockedError } from '../../../src/errors.js';
import type { LockHolder } from '../../../src/errors.js';
import {
  acquireLock,
  assessLock,
  isProcessAlive,
  listLocks,
  lockStatus,
  readLock,
  releaseLock,
  withLock,
} from '../../../src/lock/index.js';
import type { LockDeps } from '../../../src/lock/index.js';
import { createMemoryLog } from '../../../src/log/index.js';
import type { MemoryLog } from '../../../src/log/index.js';
import type { Paths } from '../../../src/state/paths.js';
import { makePaths } from '../../../src/state/paths.js';

let root: string;
let paths: Paths;
let log: MemoryLog;
const NOW = new Date('2025-10-19T10:30:00Z');
const nowSec = NOW.getTime() / 1000;
const clock: Clock = { now: () => NOW };

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pxdeploy-lock-'));
  paths = makePaths(root);
  log = createMemoryLog('deploy', { clock });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const deps = (extra: Partial<LockDeps> = {}): LockDeps => ({ paths, log, clock, owner: 'root@pve1', ...extra });

/** A lock as another process (or the old bash tooling) would have left it. */
function plantLock(id: string, holder: Partial<LockHolder>, files: string[] = ['pid', 'timestamp', 'owner', 'operation']) {
  const dir = paths.lockPath(id);
  mkdirSync(dir, { recursive: true });
  const full = { pid: process.pid, timestamp: nowSec, owner: 'admin@pve1', operation: 'backup', ...holder };
  for (const f of files) writeFileSync(path.join(dir, f), `${String(full[f as keyof LockHolder])}\n`);
  return dir;
}

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  expect(isProcessAlive(r.pid!)).toBe(false);
  return r.pid!;
}

describe('acquire and release', () => {
  it('creates <id>.lock/ with pid, timestamp (Unix seconds), owner and operation, and removes it on release', async () => {
    const lock = await acquireLock(deps(), 'vikunja-main', 'deploy');
    const dir = path.join(root, 'var/lock/pxdeploy/vikunja-main.lock');
    expect(lock.path).toBe(dir);
    expect(readdirSync(dir).sort()).toEqual(['operation', 'owner', 'pid', 'timestamp']);
    expect(readFileSync(path.join(dir, 'pid'), 'utf8')).toBe(`${process.pid}\n`);
    expect(readFileSync(path.join(dir, 'timestamp'), 'utf8')).toBe(`${nowSec}\n`);
    expect(readFileSync(path.join(dir, 'owner'), 'utf8')).toBe('root@pve1\n');
    expect(readFileSync(path.join(dir, 'operation'), 'utf8')).toBe('deploy\n');
    expect(await lock.release()).toBe(true);
    expect(existsSync(dir)).toBe(false);
    expect(await lock.release()).toBe(false); // idempotent
    expect(readdirSync(paths.lockDir)).toEqual([]); // no staging dir, tombstone or guard left
    expect(log.lines).toEqual([]);
  });

  it('defaults the owner to user@host', async () => {
    const lock = await acquireLock({ paths, log }, 'app', 'deploy');
    expect(lock.holder.owner).toBe(`${os.userInfo().username}@${os.hostname()}`);
    await lock.release();
  });

  it('rejects operation names the log format cannot carry', async () => {
    await expect(acquireLock(deps(), 'app', 'Deploy Now')).rejects.toThrow(/invalid operation name/);
    await expect(acquireLock(deps(), '../etc', 'deploy')).rejects.toThrow(/invalid resource id/);
  });

  it('locks are per resource', async () => {
    const a = await acquireLock(deps(), 'a', 'deploy');
    const b = await acquireLock(deps(), 'b', 'deploy');
    await a.release();
    await b.release();
  });
});

describe('a held lock', () => {
  it('fails fast with LockedError (exit 5) naming holder, pid, operation and age, hint `pxdeploy lock status`', async () => {
    plantLock('app', { timestamp: nowSec - 42, owner: 'admin@pve1', operation: 'backup' });
    const err = await acquireLock(deps(), 'app', 'update').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockedError);
    const locked = err as LockedError;
    expect(locked.exitCode).toBe(5);
    expect(locked.message).toBe(`app is locked: held by admin@pve1 (pid ${process.pid}) for 'backup' since 42s`);
    expect(locked.hint).toContain('pxdeploy lock status');
    expect(locked.holder).toEqual({ pid: process.pid, timestamp: nowSec - 42, owner: 'admin@pve1', operation: 'backup' });
    // The loser leaves nothing behind and does not touch the holder's lock.
    expect(readdirSync(paths.lockDir)).toEqual(['app.lock']);
  });

  it('is not re-entrant within one process', async () => {
    const lock = await acquireLock(deps(), 'app', 'deploy');
    await expect(acquireLock(deps(), 'app', 'update')).rejects.toBeInstanceOf(LockedError);
    await lock.release();
  });

  it('treats a lock EPERM answers for as alive (pid 1 belongs to root)', () => {
    expect(isProcessAlive(1)).toBe(true);
    expect(isProcessAlive(0)).toBe(false);
    expect(isProcessAlive(-5)).toBe(false);
  });
});

describe('stale locks', () => {
  it('a lock whose pid no longer runs is reclaimed, with the WARN line in the operation log', async () => {
    const pid = deadPid();
    plantLock('app', { pid, timestamp: nowSec - 7, owner: 'admin@pve1', operation: 'backup' });
    const lock = await acquireLock(deps(), 'app', 'deploy');
    expect(lock.holder.pid).toBe(process.pid);
    expect(log.lines).toEqual([
      `[2025-10-19T10:30:00Z] [WARN] [deploy] reclaimed stale lock of pid ${pid} (admin@pve1, 'backup', age 7s): process ${pid} is no longer running`,
    ]);
    await lock.release();
  });

  it('a lock older than 3600 s is stale even though its holder runs; exactly 3600 s is not', async () => {
    plantLock('app', { timestamp: nowSec - 3600 });
    await expect(acquireLock(deps(), 'app', 'deploy')).rejects.toBeInstanceOf(LockedError);
    rmSync(paths.lockPath('app'), { recursive: true });
    plantLock('app', { timestamp: nowSec - 3601 });
    const lock = await acquireLock(deps(), 'app', 'deploy');
    expect(log.lines[0]).toContain(`reclaimed stale lock of pid ${process.pid} (admin@pve1, 'backup', age 3601s): held for 3601s, longer than the 3600s limit`);
    await lock.release();
  });

  it('a lock directory without metadata counts as held during the grace period, stale after it', async () => {
    const dir = plantLock('app', {}, ['pid']);
    const err = (await acquireLock(deps({ clock: { now: () => new Date() } }), 'app', 'deploy').catch((e: unknown) => e)) as LockedError;
    expect(err).toBeInstanceOf(LockedError);
    expect(err.message).toBe('app is locked: held by another process');
    const old = new Date(Date.now() - 120_000);
    utimesSync(dir, old, old);
    const lock = await acquireLock(deps({ clock: { now: () => new Date() } }), 'app', 'deploy');
    expect(log.lines[0]).toMatch(/reclaimed stale lock of unknown holder \(age 1[12]\ds\): lock has no valid metadata 1[12]\ds after it was created \(missing timestamp, owner, operation\)/);
    await lock.release();
  });

  it('a reclaimer re-checks under the guard: a fresh lock installed meanwhile is never removed', async () => {
    // Simulate the interleaving: this process judges the old lock stale, and before it acts
    // another process reclaims it and installs its own (live) lock.
    const dead = deadPid();
    plantLock('app', { pid: dead, operation: 'backup' });
    let swapped = false;
    const isAlive = (pid: number) => {
      if (pid === dead && !swapped) {
        swapped = true;
        renameSync(paths.lockPath('app'), path.join(root, 'gone'));
        plantLock('app', { pid: process.pid, owner: 'other@pve1', operation: 'update' });
        return false;
      }
      return isProcessAlive(pid);
    };
    const err = (await acquireLock(deps({ isAlive }), 'app', 'deploy').catch((e: unknown) => e)) as LockedError;
    expect(err).toBeInstanceOf(LockedError);
    expect(err.holder?.owner).toBe('other@pve1');
    expect(readFileSync(path.join(paths.lockPath('app'), 'owner'), 'utf8')).toBe('other@pve1\n');
    expect(log.lines).toEqual([]);
  });

  it('assessLock states its reasons', () => {
    const snap = { kind: 'present' as const, ino: 1, mtimeSec: nowSec, problem: undefined };
    const h = { pid: 4242, timestamp: nowSec - 10, owner: 'a@b', operation: 'deploy' };
    expect(assessLock({ ...snap, holder: h }, { clock, isAlive: () => true })).toEqual({ stale: false, ageSec: 10 });
    expect(assessLock({ ...snap, holder: h }, { clock, isAlive: () => false })).toEqual({ stale: true, ageSec: 10, reason: 'process 4242 is no longer running' });
    expect(assessLock({ ...snap, holder: { ...h, timestamp: nowSec - 61 } }, { clock, isAlive: () => true, staleAfterSec: 60 })).toMatchObject({ stale: true, ageSec: 61 });
    // A timestamp from the future (clock step) counts as age 0, not negative.
    expect(assessLock({ ...snap, holder: { ...h, timestamp: nowSec + 100 } }, { clock, isAlive: () => true })).toEqual({ stale: false, ageSec: 0 });
  });

  it('garbage metadata is reported as such', async () => {
    plantLock('app', { pid: 'abc' as unknown as number });
    const snap = await readLock(paths.lockPath('app'));
    expect(snap).toMatchObject({ kind: 'present', holder: undefined, problem: 'pid is not a process id: "abc"' });
  });
});

describe('withLock', () => {
  it('releases after success and returns the result', async () => {
    const r = await withLock(deps(), 'app', 'deploy', async (lock) => {
      expect(existsSync(lock.path)).toBe(true);
      return 42;
    });
    expect(r).toBe(42);
    expect(existsSync(paths.lockPath('app'))).toBe(false);
  });

  it('releases when the operation throws, and rethrows its error', async () => {
    const before = process.listenerCount('SIGTERM');
    await expect(
      withLock(deps(), 'app', 'deploy', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(existsSync(paths.lockPath('app'))).toBe(false);
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });

  it('installs signal handlers only while the lock is held', async () => {
    const before = process.listenerCount('SIGINT');
    await withLock(deps(), 'app', 'deploy', async () => {
      expect(process.listenerCount('SIGINT')).toBe(before + 1);
      expect(process.listenerCount('SIGTERM')).toBeGreaterThan(0);
    });
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  it('releases only if the lock is still ours', async () => {
    await withLock(deps(), 'app', 'deploy', async (lock) => {
      // Someone force-released ours and another process took the lock since.
      rmSync(lock.path, { recursive: true });
      plantLock('app', { pid: process.pid, owner: 'other@pve1', operation: 'update' });
    });
    expect(readFileSync(path.join(paths.lockPath('app'), 'owner'), 'utf8')).toBe('other@pve1\n');
    expect(log.lines).toEqual([
      `[2025-10-19T10:30:00Z] [WARN] [deploy] lock on app was no longer ours when releasing (reclaimed as stale or force-released); left it alone`,
    ]);
  });

  it('releaseSync (the signal path) removes our lock and nothing else', async () => {
    const lock = await acquireLock(deps(), 'app', 'deploy');
    expect(lock.releaseSync()).toBe(true);
    expect(existsSync(lock.path)).toBe(false);
    expect(lock.released).toBe(true);
    expect(await lock.release()).toBe(false);
  });
});

describe('listLocks and releaseLock', () => {
  it('lists every lock with holder, age and staleness', async () => {
    const dead = deadPid();
    plantLock('alpha', { timestamp: nowSec - 5, operation: 'backup' });
    plantLock('beta', { pid: dead, timestamp: nowSec - 99, operation: 'update' });
    mkdirSync(path.join(paths.lockDir, '.alpha.lock.guard')); // not a lock
    const locks = await listLocks(paths, { clock });
    expect(locks).toEqual([
      {
        resourceId: 'alpha',
        path: paths.lockPath('alpha'),
        holder: { pid: process.pid, timestamp: nowSec - 5, owner: 'admin@pve1', operation: 'backup' },
        ageSec: 5,
        stale: false,
        reason: undefined,
      },
      {
        resourceId: 'beta',
        path: paths.lockPath('beta'),
        holder: { pid: dead, timestamp: nowSec - 99, owner: 'admin@pve1', operation: 'update' },
        ageSec: 99,
        stale: true,
        reason: `process ${dead} is no longer running`,
      },
    ]);
    expect(await lockStatus(paths, 'gamma')).toBeUndefined();
    expect(await listLocks(makePaths(path.join(root, 'nothing-here')))).toEqual([]);
  });

  it('refuses to release a live holder without force, releases a stale one, forces a live one', async () => {
    const dead = deadPid();
    plantLock('live', { operation: 'backup' });
    plantLock('dead', { pid: dead, operation: 'update', timestamp: nowSec - 3 });

    const refused = await releaseLock(paths, 'live', { clock }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LockedError);
    expect(existsSync(paths.lockPath('live'))).toBe(true);

    const stale = await releaseLock(paths, 'dead', { clock, log });
    expect(stale).toMatchObject({ released: true, stale: true, reason: `process ${dead} is no longer running` });
    expect(existsSync(paths.lockPath('dead'))).toBe(false);

    const forced = await releaseLock(paths, 'live', { clock, log, force: true });
    expect(forced).toMatchObject({ released: true, stale: false });
    expect(existsSync(paths.lockPath('live'))).toBe(false);

    expect(await releaseLock(paths, 'live', { clock })).toMatchObject({ released: false, reason: 'not locked' });
    expect(log.lines).toEqual([
      `[2025-10-19T10:30:00Z] [WARN] [deploy] released stale lock of pid ${dead} (admin@pve1, 'update', age 3s) by request: process ${dead} is no longer running`,
      `[2025-10-19T10:30:00Z] [WARN] [deploy] released lock of pid ${process.pid} (admin@pve1, 'backup', age 0s) by request: forced while the holder was still running`,
    ]);
    expect(readdirSync(paths.lockDir)).toEqual([]);
  });
});
