// E2E on pvesim: apply -f of examples/homelab.yaml (ids moved to 270–289/970–979, IPs .110–.129) creates everything; plan then shows 0 changes; a second apply runs no mutating command; one memory edit is one ~ memory, hot-plugged; a failing service skips its dependents only, exit 1.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostCommandTripwire, hostTool, makeRoot, pxdeployAsync, repoRoot } from '../helpers/cli.js';

const TEMPLATES = [970, 971];
const SERVICES = [270, 271, 272, 273, 274, 275, 276];
const root = makeRoot('pxdeploy-stacks-');
// The app's volume lives under the root: the unprivileged CT's uid 100000 must be able to traverse it.
chmodSync(root, 0o755);
const work = makeRoot('pxdeploy-stacks-files-');
const stackFile = path.join(work, 'homelab.yaml');
const run = (args: string[], pathPrefix?: string) => pxdeployAsync(args, { root, ...(pathPrefix ? { pathPrefix } : {}) });

/** The example, with this test's vmids, IPs and stack name; template specs read from examples/homelab/. */
function homelab(): string {
  const ids: Record<string, string> = { '900': '970', '901': '971', '200': '270', '201': '271', '202': '272', '210': '273' };
  return readFileSync(path.join(repoRoot, 'examples/homelab.yaml'), 'utf8')
    .replace(/^name: homelab$/m, 'name: homelab-e2e')
    .replace(/^ {2}demo-app:$/m, '  demo-e2e:')
    .replace(/vmid: (\d+)/g, (_m, id: string) => `vmid: ${ids[id] ?? id}`)
    .replace(/10\.203\.0\.6([0-3])\//g, (_m, d: string) => `10.203.0.11${d}/`)
    .replace(/file: homelab\//g, `file: ${path.join(repoRoot, 'examples/homelab')}/`);
}

const write = (text: string) => writeFileSync(stackFile, text);
const config = (vmid: number) => hostTool('pct', ['config', String(vmid)]).stdout;
const MUTATING = /^(pct (create|clone|set|start|stop|shutdown|reboot|destroy|template|resize|push|exec|snapshot|rollback)|pveam download|skopeo copy) /;

function cleanup(): void {
  for (const id of [...SERVICES, ...TEMPLATES]) hostTool('pct', ['destroy', String(id), '--force', '1', '--purge', '1']);
}

beforeAll(cleanup);
afterAll(() => {
  // STACKS_RECORD_DIR=<dir>: keep the node's real answers for the planner's unit fixtures (test/fixtures/stacks/recorded/).
  const dir = process.env['STACKS_RECORD_DIR'];
  if (dir) {
    writeFileSync(path.join(dir, 'cluster-resources.json'), hostTool('pvesh', ['get', '/cluster/resources', '--type', 'vm', '--output-format', 'json']).stdout);
    for (const id of [970, 971, 270, 271, 272, 273, 274, 276]) writeFileSync(path.join(dir, `pct-config-${id}.txt`), config(id));
  }
  cleanup();
});

describe('plan / apply -f stack.yaml', () => {
  it('apply creates the templates, the three clones with their IPs and the OCI app; all tagged pxstack-homelab-e2e', async () => {
    write(homelab());
    const plan = await run(['plan', '-f', stackFile, '--detailed-exitcode']);
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toContain('Plan: 6 to add, 0 to change, 0 to destroy.');

    const r = await run(['apply', '-f', stackFile, '--yes']);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/Apply complete: 6 succeeded, 0 failed, 0 skipped, 0 unchanged\./);
    for (const t of TEMPLATES) expect(config(t)).toMatch(/^template: 1$/m);
    for (const [vmid, ip] of [[270, '110'], [271, '111'], [272, '112']] as const) {
      expect(hostTool('pct', ['status', String(vmid)]).stdout).toBe('status: running\n');
      expect(config(vmid)).toContain(`ip=10.203.0.${ip}/24`);
    }
    for (const id of [...TEMPLATES, 270, 271, 272, 273]) expect(config(id)).toMatch(/^tags: .*pxstack-homelab-e2e/m);
    // Service-specific configuration from the templates' post_clone scripts, and the app's health endpoint.
    expect(await (await fetch('http://10.203.0.112/')).text()).toBe('web of the homelab stack\n');
    expect(hostTool('pct', ['exec', '271', '--', 'cat', '/etc/motd']).stdout).toBe('redis: db service of the homelab stack\n');
    expect((await fetch('http://10.203.0.113:3456/health')).status).toBe(200);
  });

  it('plan then shows 0 changes (exit 0 with --detailed-exitcode); --json says the same', async () => {
    const r = await run(['plan', '-f', stackFile, '--detailed-exitcode']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Plan: 0 to add, 0 to change, 0 to destroy.');
    const j = JSON.parse((await run(['plan', '-f', stackFile, '--json'])).stdout) as { summary: Record<string, number> };
    expect(j.summary).toEqual({ add: 0, change: 0, destroy: 0, unchanged: 6 });
  });

  it('a second apply runs no mutating command (tripwire) and writes no effect to the operation log', async () => {
    const logFile = path.join(root, 'var/log/pxdeploy/stack-homelab-e2e.log');
    const effectsBefore = readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes('effect:')).length;
    const wire = hostCommandTripwire();
    const r = await run(['apply', '-f', stackFile, '--yes'], wire.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('No changes: nothing was run.');
    expect(wire.calls().length).toBeGreaterThan(0); // the reads did go through the tripwire
    expect(wire.calls().filter((c) => MUTATING.test(c))).toEqual([]);
    expect(readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes('effect:')).length).toBe(effectsBefore);
  });

  it('editing one service\'s memory plans exactly one ~ memory change, and apply hot-plugs it', async () => {
    write(homelab().replace(/(\n  redis:\n(?:    .*\n)*?    memory: )256/, '$1512'));
    const plan = JSON.parse((await run(['plan', '-f', stackFile, '--json'])).stdout) as { resources: { name: string; action: string; changes: unknown[] }[] };
    expect(plan.resources.filter((x) => x.action !== '=')).toEqual([{ name: 'redis', kind: 'clone', action: '~', vmid: 271, what: expect.any(String), changes: [{ field: 'memory', have: '256', want: '512', via: 'resources' }] }]);
    const r = await run(['apply', '-f', stackFile, '--yes']);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/redis\s+clone\s+~\s+ok\s+.*memory 256 → 512 \(live\)/);
    expect(config(271)).toMatch(/^memory: 512$/m);
    expect(config(271)).not.toContain('[pending]');
    // Live: the running CT's cgroup has the new limit (cgroup v1 on this host, as pvesim's state.ts reads it).
    expect(readFileSync('/sys/fs/cgroup/memory/lxc.payload.271/memory.limit_in_bytes', 'utf8').trim()).toBe(String(512 * 1024 * 1024));
  });

  it('drift -f after a manual pct set reports that field (exit 2); put back, exit 0', async () => {
    expect(hostTool('pct', ['set', '271', '--memory', '384']).code).toBe(0);
    const d = await run(['drift', '-f', stackFile, '--json']);
    expect(d.code, d.stderr).toBe(2);
    expect((JSON.parse(d.stdout) as { items: unknown[] }).items).toEqual([{ resource: 'clone redis', vmid: 271, field: 'memory', recorded: '512', actual: '384' }]);
    expect((await run(['drift', '-f', stackFile])).stdout).toMatch(/clone redis\s+memory\s+512\s+384/);
    expect(hostTool('pct', ['set', '271', '--memory', '512']).code).toBe(0);
    const clean = await run(['drift', '-f', stackFile]);
    expect(clean.code, clean.stdout).toBe(0);
  });

  it('a service whose provisioning fails: its dependent is skipped, the independent one applied, the table says so, exit 1', async () => {
    write(homelab().replace(/(\n  redis:\n(?:    .*\n)*?    memory: )256/, '$1512') + readFileSync(path.join(repoRoot, 'test/fixtures/stacks/failure-extra.yaml'), 'utf8'));
    const r = await run(['apply', '-f', stackFile, '--yes']);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(1);
    expect(r.stdout).toMatch(/^broken\s+container\s+\+\s+FAILED\s+.*fail/m);
    expect(r.stdout).toMatch(/^after-broken\s+clone\s+\+\s+skipped\s+depends on broken which failed$/m);
    expect(r.stdout).toMatch(/^extra\s+clone\s+\+\s+ok\s+/m);
    expect(r.stdout).toContain('Apply finished with failures: 1 succeeded, 1 failed, 1 skipped, 6 unchanged.');
    expect(hostTool('pct', ['status', '275']).code).not.toBe(0); // the dependent was never made
    expect(hostTool('pct', ['status', '276']).stdout).toBe('status: running\n');
  });
});
