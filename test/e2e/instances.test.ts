// E2E on pvesim: a blue/green notes instance — install, update (migration, data kept), rollback, v3 refused, concurrent updates, SIGKILL at every update step, stop/start, uninstall.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostTool, makeRoot, pxdeployAsync, repoRoot } from '../helpers/cli.js';
import { notesInstanceYaml } from '../helpers/instance-config.js';

const VMID = 461;
const IP = '10.203.0.61';
const ID = 'notes-e2e';
const BASE = `http://${IP}`;
const root = makeRoot('pxdeploy-inst-');
const work = makeRoot('pxdeploy-inst-work-');
const dist = path.join(work, 'dist');
const config = path.join(work, 'notes-e2e.yaml');
const env = { NOTES_DIST: dist };
const run = (args: string[], extra: Record<string, string> = {}) => pxdeployAsync(args, { root, env: { ...env, ...extra } });

interface Status {
  state: string;
  active_color: string | null;
  state_active_color: string | null;
  consistent: boolean;
  colors: Record<'blue' | 'green', { version: string | null; health: string | null; units: string }>;
  last_operation: { name: string; status: string; step: string | null; error: string | null } | null;
  interrupted: { operation: string; step: string | null } | null;
  frontend: { code: number; colour: string } | null;
}

async function status(): Promise<Status> {
  const r = await run(['status', ID, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Status;
}

async function get(p: string): Promise<{ code: number; body: string; version: string | null; colour: string | null }> {
  const res = await fetch(`${BASE}${p}`, { signal: AbortSignal.timeout(10_000) });
  return { code: res.status, body: await res.text(), version: res.headers.get('x-notes-version'), colour: res.headers.get('x-notes-frontend-colour') };
}

const log = () => readFileSync(path.join(root, 'var/log/pxdeploy', `${ID}.log`), 'utf8');

beforeAll(() => {
  execFileSync(path.join(repoRoot, 'apps/notes/build.sh'), [dist], { stdio: 'ignore' });
  writeFileSync(
    config,
    notesInstanceYaml({ vmid: VMID, hostname: 'notes-e2e', ip: IP }),
  );
});

afterAll(() => {
  hostTool('pct', ['destroy', String(VMID), '--force', '1', '--purge', '1']);
});

describe('blue/green lifecycle', () => {
  it('install: blue answers through nginx on 80 and 443; state, registry and log say so', async () => {
    const r = await run(['install', ID, '-f', config, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: ID, vmid: VMID, active_color: 'blue', version: '1.0.0', url: `${BASE}/` });
    const info = await get('/api/v1/info');
    expect(info).toMatchObject({ code: 200, version: '1.0.0', colour: 'blue' });
    expect(JSON.parse(info.body)).toMatchObject({ schema_version: 1 });
    const tls = hostTool('pct', ['exec', String(VMID), '--', 'curl', '-sk', '-o', '/dev/null', '-w', '%{http_code}', 'https://127.0.0.1/health']);
    expect(tls.stdout).toBe('200');
    const s = await status();
    expect(s).toMatchObject({ state: 'running', active_color: 'blue', consistent: true, last_operation: { name: 'install', status: 'success' } });
    expect(s.colors.blue).toMatchObject({ version: '1.0.0', units: 'active' });
    expect(log()).toContain('[install] state: deploying → running');
    expect(existsSync(path.join(root, 'etc/pxdeploy/instances', `${ID}.yaml`))).toBe(true);
    const dc = hostTool('pct', ['exec', String(VMID), '--', 'cat', '/etc/notes/deployment-config.yaml']).stdout;
    expect(dc).toContain(`instance_id: ${ID}`);
  });

  it('data written under v1 survives the update to v2 on green, whose migration runs', async () => {
    expect((await fetch(`${BASE}/api/v1/notes`, { method: 'POST', body: 'written by v1' })).status).toBe(201);
    expect((await fetch(`${BASE}/api/v1/files/hello.txt`, { method: 'PUT', body: 'file from v1' })).status).toBe(201);
    const r = await run(['update', ID, '--release', '2.0.0', '--color', 'green', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ from: { color: 'blue', version: '1.0.0' }, to: { color: 'green', version: '2.0.0' } });
    expect(existsSync((JSON.parse(r.stdout) as { backup: string }).backup)).toBe(true);
    const info = await get('/api/v1/info');
    expect(info).toMatchObject({ code: 200, version: '2.0.0', colour: 'green' });
    expect(JSON.parse(info.body)).toMatchObject({ schema_version: 2 });
    const notes = JSON.parse((await get('/api/v1/notes')).body) as { text: string; done: number }[];
    expect(notes).toEqual([expect.objectContaining({ text: 'written by v1', done: 0 })]);
    expect((await get('/api/v1/files/hello.txt')).body).toBe('file from v1');
    const s = await status();
    expect(s).toMatchObject({ state: 'running', active_color: 'green', consistent: true, last_operation: { name: 'update', status: 'success' } });
    expect(s.colors).toMatchObject({ blue: { version: '1.0.0', units: 'active' }, green: { version: '2.0.0', units: 'active' } });
    expect(log()).toMatch(/\[update\] state: running → updating[\s\S]*\[update\] step: migrate[\s\S]*\[update\] step: switch[\s\S]*\[update\] state: updating → running/);
  });

  it('--color naming the active colour is refused with exit 2; the same version again is exit 20', async () => {
    const active = await run(['update', ID, '--release', '2.0.0', '--color', 'green', '--force']);
    expect(active.code).toBe(2);
    expect(active.stderr).toContain('--color green is the active colour');
    const same = await run(['update', ID, '--release', '2.0.0']);
    expect(same.code).toBe(20);
  });

  it('rollback returns to blue (v1 on the v2 schema), then update again goes back to v2', async () => {
    const r = await run(['rollback', ID]);
    expect(r.code, r.stderr).toBe(0);
    expect(await get('/api/v1/info')).toMatchObject({ code: 200, version: '1.0.0', colour: 'blue' });
    expect(JSON.parse((await get('/api/v1/notes')).body)).toEqual([expect.objectContaining({ text: 'written by v1' })]);
    expect((await status())).toMatchObject({ active_color: 'blue', last_operation: { name: 'rollback', status: 'success' } });
    const again = await run(['update', ID, '--release', '2.0.0']);
    expect(again.code, again.stderr).toBe(0);
    expect(await get('/api/v1/info')).toMatchObject({ code: 200, version: '2.0.0', colour: 'green' });
  });

  it('v3 fails its health gate: exit 10, no switch, v2 answers throughout; state running with the last operation failed', async () => {
    const seen: { code: number; version: string | null }[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const r = await get('/api/v1/info').catch(() => ({ code: 0, version: null }));
        seen.push({ code: r.code, version: r.version });
        await new Promise((res) => setTimeout(res, 200));
      }
    })();
    const r = await run(['update', ID, '--release', '3.0.0']);
    polling = false;
    await poller;
    expect(r.code, r.stderr).toBe(10);
    expect(r.stderr).toContain('no switch: green (2.0.0) still serves');
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.filter((x) => x.code !== 200 || x.version !== '2.0.0')).toEqual([]);
    const s = await status();
    expect(s).toMatchObject({ state: 'running', active_color: 'green', last_operation: { name: 'update', status: 'failure', step: 'health' } });
    expect(s.colors.blue).toMatchObject({ version: '3.0.0', health: 'failed', units: 'inactive' });
  });

  it('two updates at once: one runs, the other exits 5 naming the holder', async () => {
    const [a, b] = await Promise.all([run(['update', ID, '--release', '1.0.0']), run(['update', ID, '--release', '1.0.0'])]);
    const codes = [a.code, b.code].sort();
    expect(codes, `${a.stderr}\n${b.stderr}`).toEqual([0, 5]);
    const loser = a.code === 5 ? a : b;
    expect(loser.stderr).toMatch(/notes-e2e is locked: held by \S+ \(pid \d+\) for 'update'/);
    expect(await get('/api/v1/info')).toMatchObject({ code: 200, version: '1.0.0', colour: 'blue' });
  });
});

describe('SIGKILL at every update step', () => {
  const STEPS = ['backup', 'deploy', 'migrate', 'start', 'health', 'switch', 'verify', 'finish'];
  for (const [i, step] of STEPS.entries()) {
    it(`update:${step}: a colour keeps serving, status tells the truth, the next command reclaims and reports`, async () => {
      const version = i % 2 === 0 ? '2.0.0' : '1.0.0';
      const killed = await run(['update', ID, '--release', version, '--force'], { PXDEPLOY_FAIL_AT: `update:${step}:kill` });
      expect(killed.code, killed.stderr).toBe(-1); // died by signal
      const served = await get('/health');
      expect(served.code).toBe(200);
      const s = await status();
      expect(s.interrupted).toEqual({ operation: 'update', step });
      expect(s.active_color).toBe(served.colour); // read from the CT, equal to what nginx serves
      const next = await run(['update', ID, '--release', version, '--force']);
      expect(next.code, next.stderr).toBe(0);
      expect(next.stderr).toContain(`update was interrupted at step ${step}`);
      expect(log()).toContain('reclaimed stale lock');
      const after = await status();
      expect(after).toMatchObject({ interrupted: null, consistent: true, state: 'running', last_operation: { status: 'success' } });
      expect((await get('/api/v1/info')).version).toBe(version);
    });
  }
});

describe('stop, start, health, logs, uninstall', () => {
  it('stop then start: the same colour serves again', async () => {
    const before = await status();
    const stop = await run(['stop', ID]);
    expect(stop.code, stop.stderr).toBe(0);
    expect((await status())).toMatchObject({ state: 'stopped', ct: { status: 'stopped' } });
    const start = await run(['start', ID]);
    expect(start.code, start.stderr).toBe(0);
    const after = await status();
    expect(after).toMatchObject({ state: 'running', active_color: before.active_color, consistent: true });
    expect((await get('/api/v1/info')).code).toBe(200);
    expect(log()).toContain('[stop] state: running → stopped');
  });

  it('health writes the seed\'s health file; logs prints the operation log', async () => {
    const h = await run(['health', ID, '--json']);
    expect(h.code, h.stderr).toBe(0);
    const file = JSON.parse(readFileSync(path.join(root, 'var/lib/pxdeploy/health', `${ID}.json`), 'utf8')) as Record<string, unknown>;
    expect(file).toMatchObject({ instance_id: ID, overall_status: 'healthy', components: { backend: { http_code: 200 }, mcp: { http_code: 200 }, frontend: { http_code: 200 }, database: { type: 'sqlite' } } });
    expect(file['resources']).toHaveProperty('memory_used_mb');
    const l = await run(['logs', ID, '-n', '3']);
    expect(l.code).toBe(0);
    expect(l.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('uninstall asks, then destroys the CT and keeps backups', async () => {
    const refused = await run(['uninstall', ID]);
    expect(refused.code).toBe(2);
    const r = await run(['uninstall', ID, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(hostTool('pct', ['status', String(VMID)]).code).not.toBe(0);
    expect(existsSync(path.join(root, 'var/lib/pxdeploy/state', `${ID}.state`))).toBe(false);
    expect(existsSync(path.join(root, 'var/backups/pxdeploy', ID))).toBe(true);
    expect((await run(['status', ID])).code).toBe(3);
  });
});

describe('a git-sourced instance', () => {
  const GIT_VMID = 463;
  const gitRoot = makeRoot('pxdeploy-inst-git-');
  const repo = path.join(work, 'notes-git');
  const runGit = (args: string[]) => pxdeployAsync(args, { root: gitRoot });
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.email=e2e@pxdeploy', '-c', 'user.name=e2e', ...args], { encoding: 'utf8' }).trim();

  afterAll(() => {
    hostTool('pct', ['destroy', String(GIT_VMID), '--force', '1', '--purge', '1']);
  });

  it('resolves a ref to a commit on the host, records it per colour, and updating to the same commit is exit 20', async () => {
    execFileSync('sh', ['-c', `mkdir -p '${repo}' && tar -xzf '${dist}/notes-1.0.0.tar.gz' -C '${repo}'`]);
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    git('add', '-A');
    git('commit', '-qm', 'v1');
    git('tag', 'v1');
    writeFileSync(path.join(repo, 'VERSION'), '2.0.0\n');
    git('commit', '-qam', 'v2');
    git('tag', 'v2');
    const [c1, c2] = [git('rev-parse', 'v1^{commit}'), git('rev-parse', 'v2^{commit}')];
    const file = path.join(work, 'notes-git.yaml');
    writeFileSync(file, `app: notes
container:
  vmid: ${GIT_VMID}
  hostname: notes-git
  template: debian-12
  resources: { cores: 1, memory: 512, disk: 4 }
  storage_pool: local-lvm
  network: { bridge: vmbr0, ip: 10.203.0.63/24, gateway: 10.203.0.1 }
  features: { nesting: true }
sources:
  backend: { git: { repo: ${repo}, ref: v1 } }
  mcp: { git: { repo: ${repo}, ref: v1 } }
health: { timeout: 20, interval: 0.5 }
`);
    const inst = await runGit(['install', 'notes-git', '-f', file]);
    expect(inst.code, inst.stderr).toBe(0);
    const up = await runGit(['update', '--ref', 'v2']);
    expect(up.code, up.stderr).toBe(0);
    const info = await fetch('http://10.203.0.63/api/v1/info');
    expect(info.headers.get('x-notes-version')).toBe('2.0.0');
    const s = JSON.parse((await runGit(['status', 'notes-git', '--json'])).stdout) as Status;
    expect(s.colors.blue).toMatchObject({ version: 'v1', commits: { backend: c1, mcp: c1 } });
    expect(s.colors.green).toMatchObject({ version: 'v2', commits: { backend: c2, mcp: c2 } });
    const same = await runGit(['update', '--ref', 'v2']);
    expect(same.code).toBe(20);
    expect(same.stderr).toContain(`already runs v2 (${c2.slice(0, 12)})`);
    expect((await runGit(['uninstall', 'notes-git', '--yes'])).code).toBe(0);
  });
});
