// E2E on pvesim: five concurrent `ct create` runs get five vmids; start/stop/restart/destroy and list filters, with their refusals.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostTool, makeRoot, pxdeployAsync } from '../helpers/cli.js';

const root = makeRoot('pxdeploy-life-');
const dir = makeRoot('pxdeploy-life-specs-');
const made: number[] = [];
const run = (args: string[]) => pxdeployAsync(args, { root });

afterAll(() => {
  for (const id of made) hostTool('pct', ['destroy', String(id), '--force', '1', '--purge', '1']);
});

function busyboxSpec(n: number): string {
  const file = path.join(dir, `par-${n}.yaml`);
  writeFileSync(file, `version: "1.0"\ncontainer:\n  hostname: e2e-par-${n}\n  template: busybox\n  resources: { cores: 1, memory: 64, disk: 1 }\n  storage_pool: local-lvm\n  network: { ip: 10.203.0.${40 + n}/24, gateway: 10.203.0.1 }\n  tags: [e2e-par]\n`);
  return file;
}

describe('concurrent creates', () => {
  it('five ct create runs without a vmid, started together, get five different vmids and all succeed', async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => run(['ct', 'create', '-f', busyboxSpec(n), '--json'])));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const vmids = results.map((r) => (JSON.parse(r.stdout) as { vmid: number }).vmid);
    made.push(...vmids);
    expect(new Set(vmids).size).toBe(5);
    for (const id of vmids) expect(hostTool('pct', ['status', String(id)]).stdout).toBe('status: running\n');
  });
});

describe('lifecycle', () => {
  it('list filters by status and tag', async () => {
    const id = made[0]!;
    const stop = await run(['ct', 'stop', String(id)]);
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stdout).toBe(`CT ${id}: stopped\n`);
    const again = await run(['ct', 'stop', String(id)]);
    expect(again.stdout).toBe(`CT ${id} is already stopped\n`);
    const stopped = JSON.parse((await run(['ct', 'list', '--status', 'stopped', '--tag', 'e2e-par', '--json'])).stdout) as { containers: { vmid: number }[] };
    expect(stopped.containers.map((c) => c.vmid)).toEqual([id]);
    const tagged = JSON.parse((await run(['ct', 'list', '--tag', 'e2e-par', '--json'])).stdout) as { containers: unknown[] };
    expect(tagged.containers).toHaveLength(5);
    const bad = await run(['ct', 'list', '--status', 'paused']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("invalid --status 'paused'");
  });

  it('start and restart', async () => {
    const id = made[0]!;
    expect((await run(['ct', 'start', String(id)])).stdout).toBe(`CT ${id}: running\n`);
    const restart = await run(['ct', 'restart', String(id)]);
    expect(restart.code, restart.stderr).toBe(0);
    expect(hostTool('pct', ['status', String(id)]).stdout).toBe('status: running\n');
  });

  it('destroy refuses without --yes when nobody can confirm, refuses a running CT without --force, then destroys and drops the record', async () => {
    const id = made[1]!;
    const noYes = await run(['ct', 'destroy', String(id)]);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('re-run with --yes');
    const running = await run(['ct', 'destroy', String(id), '--yes']);
    expect(running.code).toBe(2);
    expect(running.stderr).toContain('--force');
    const ok = await run(['ct', 'destroy', String(id), '--yes', '--force', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ vmid: id, destroyed: true, stateRemoved: true });
    expect(hostTool('pct', ['status', String(id)]).code).not.toBe(0);
    made.splice(1, 1);
  });

  it('a protected CT is refused with PVE\'s reason; a missing one is exit 3; a bad vmid exit 2', async () => {
    const id = made[2]!;
    expect(hostTool('pct', ['set', String(id), '--protection', '1']).code).toBe(0);
    const prot = await run(['ct', 'destroy', String(id), '--yes', '--force']);
    expect(prot.code).toBe(1);
    expect(prot.stderr).toContain('protection mode enabled');
    hostTool('pct', ['set', String(id), '--protection', '0']);
    expect((await run(['ct', 'show', '99999'])).code).toBe(3);
    const bad = await run(['ct', 'start', '12']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("invalid vmid '12'");
  });
});
