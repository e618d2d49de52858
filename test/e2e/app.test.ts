// E2E on pvesim: app install demo with env (pct config and the app's own environment), update keeps volume data, a bad update rolls back, oci rm refuses, remove keeps volumes.
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostTool, makeRoot, pxdeployAsync } from '../helpers/cli.js';

const root = makeRoot('pxdeploy-app-');
// Volumes live under the root: the unprivileged CT's uid 100000 must be able to traverse it.
chmodSync(root, 0o755);
const run = (args: string[]) => pxdeployAsync(args, { root });
const CT = 401;
const IP = '10.203.0.51';

afterAll(() => {
  hostTool('pct', ['destroy', String(CT), '--force', '1', '--purge', '1']);
});

async function info(): Promise<Record<string, string>> {
  return (await (await fetch(`http://${IP}:3456/cgi-bin/info`)).json()) as Record<string, string>;
}

describe('app install / update / remove', () => {
  it('install demo --set GREETING=hi answers its health endpoint; the env is in pct config and in the running app', async () => {
    const r = await run(['app', 'install', 'demo', '--set', 'GREETING=hi', '--vmid', String(CT), '--ip', `${IP}/24`, '--gateway', '10.203.0.1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ vmid: CT, url: `http://${IP}:3456/` });
    expect((await fetch(`http://${IP}:3456/health`)).status).toBe(200);
    expect(hostTool('pct', ['config', String(CT)]).stdout).toMatch(/lxc\.environment\.runtime: GREETING=hi\n/);
    expect(hostTool('pct', ['exec', String(CT), '--', 'cat', '/proc/1/environ']).stdout.split('\0')).toEqual(expect.arrayContaining(['GREETING=hi', 'APP_PORT=3456', 'APP_VERSION=1.0']));
    const state = JSON.parse(readFileSync(path.join(root, 'var/lib/pxdeploy/apps/demo.json'), 'utf8'));
    expect(state).toMatchObject({ package: 'demo', vmid: CT, env: { GREETING: 'hi' } });
  });

  it('a file written to the volume survives update --tag 2.0, with the same vmid and IP', async () => {
    hostTool('pct', ['exec', String(CT), '--', 'sh', '-c', 'echo keep-me > /data/file.txt']);
    const r = await run(['app', 'update', 'demo', '--tag', '2.0']);
    expect(r.code, r.stderr).toBe(0);
    expect(await info()).toMatchObject({ version: 'demo-app 2.0', ip: `${IP}/24` });
    expect(hostTool('pct', ['exec', String(CT), '--', 'cat', '/data/file.txt']).stdout).toBe('keep-me\n');
    expect(hostTool('pct', ['exec', String(CT), '--', 'cat', '/proc/1/environ']).stdout.split('\0')).toContain('GREETING=hi');
    const again = await run(['app', 'update', 'demo', '--tag', '2.0']);
    expect(again.code).toBe(20);
  });

  it('update --tag 3.0 fails its health check, exits 11 and leaves 2.0 answering with the file intact', async () => {
    const r = await run(['app', 'update', 'demo', '--tag', '3.0']);
    expect(r.code, r.stderr).toBe(11);
    expect(r.stderr).toMatch(/rolled back/);
    expect(await info()).toMatchObject({ version: 'demo-app 2.0' });
    expect(hostTool('pct', ['exec', String(CT), '--', 'cat', '/data/file.txt']).stdout).toBe('keep-me\n');
  });

  it('oci rm of an archive in use is refused', async () => {
    const r = await run(['oci', 'rm', 'app_2.0.tar']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to remove local:vztmpl\/app_2\.0\.tar: CT demo \(CT 401\) uses it/);
  });

  it('app list shows it; remove --yes keeps the volume directory and says where it is', async () => {
    expect(JSON.parse((await run(['app', 'list', '--json'])).stdout).apps).toEqual([expect.objectContaining({ hostname: 'demo', vmid: CT })]);
    const r = await run(['app', 'remove', 'demo', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    const dir = path.join(root, 'var/lib/pxdeploy/apps/demo/data');
    expect(r.stdout).toContain(`kept volume ${dir}`);
    expect(readFileSync(path.join(dir, 'file.txt'), 'utf8')).toBe('keep-me\n');
    expect(existsSync(path.join(root, 'var/lib/pxdeploy/apps/demo.json'))).toBe(false);
    expect(hostTool('pct', ['status', String(CT)]).code).not.toBe(0);
  });
});
