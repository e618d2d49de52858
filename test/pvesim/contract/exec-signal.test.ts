// pct exec behaves as the exec'd lxc-attach it is on PVE: a signal sent to pct reaches lxc-attach.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, createBusybox, pctOk, removeCt } from './sim.js';

const VMID = 9130;

function runningInCt(pattern: string): boolean {
  const r = spawnSync(`${BIN}/pct`, ['exec', String(VMID), '--', 'ps'], { encoding: 'utf8' });
  return r.stdout.split('\n').some((l) => l.includes(pattern));
}

describe('pct exec and signals', () => {
  beforeAll(() => {
    removeCt(VMID);
    createBusybox(VMID, undefined);
    pctOk(['start', String(VMID)]);
  });
  afterAll(() => removeCt(VMID));

  it('SIGTERM to pct exec ends its lxc-attach, and pct exits 143 (as the exec\'d lxc-attach would)', async () => {
    const child = spawn(`${BIN}/pct`, ['exec', String(VMID), '--', 'sleep', '7'], { stdio: 'ignore' });
    for (let i = 0; i < 50 && !runningInCt('sleep 7'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(runningInCt('sleep 7')).toBe(true);
    const attach = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
    expect(attach).toHaveLength(1);
    expect(readFileSync(`/proc/${attach[0]}/cmdline`, 'utf8').split('\0')[0]).toBe('lxc-attach');

    child.kill('SIGTERM');
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    // An exit code, not death by signal: pct passed the signal on and reported lxc-attach's end.
    expect([code, signal]).toEqual([143, null]);
    expect(existsSync(`/proc/${attach[0]}`)).toBe(false);
    // Like real lxc-attach without a tty, the attached command itself is not signalled: it runs to its end.
  });
});
