// E2E on pvesim: oci pull (catalog name, image ref, private repo with a creds file), up to date, errors with exit codes, list/search/rm.
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostCommandTripwire, hostTool, makeRoot, pxdeployAsync } from '../helpers/cli.js';

const root = makeRoot('pxdeploy-oci-');
chmodSync(root, 0o755);
const run = (args: string[], env?: Record<string, string>) => pxdeployAsync(args, { root, ...(env ? { env } : {}) });
const CT = 402;
const PVESIM = process.env.PVESIM_ROOT ?? '/var/lib/pvesim';
const creds = readFileSync(path.join(PVESIM, 'etc/registry-auth'), 'utf8').trim();
const password = creds.split(':')[1]!;
const credsFile = path.join(root, 'creds');
writeFileSync(credsFile, `${creds}\n`, { mode: 0o600 });
const badCreds = path.join(root, 'bad-creds');
writeFileSync(badCreds, 'pvesim:wrong-password-xyz\n', { mode: 0o600 });

afterAll(() => {
  hostTool('pct', ['destroy', String(CT), '--force', '1', '--purge', '1']);
});

describe('oci pull', () => {
  it('pulls the demo package, and a second pull is up to date and runs no skopeo copy', async () => {
    const first = await run(['oci', 'pull', 'demo', '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ volid: 'local:vztmpl/app_1.0.tar', digest: expect.stringMatching(/^sha256:/) });
    const trip = hostCommandTripwire();
    const second = await pxdeployAsync(['oci', 'pull', '127.0.0.1:5000/demo/app:1.0', '--tls-verify=false'], { root, pathPrefix: trip.dir });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/is up to date/);
    expect(trip.calls().filter((c) => c.startsWith('skopeo copy'))).toEqual([]);
  });

  it('the archive is one pvesim pct create detects as OCI', async () => {
    hostTool('pct', ['destroy', String(CT), '--force', '1', '--purge', '1']);
    const r = hostTool('pct', ['create', String(CT), 'local:vztmpl/app_1.0.tar', '--hostname', 'oci-e2e', '--storage', 'local-lvm']);
    expect(r.stdout).toContain('Detected OCI archive');
  });

  it('pulls a private repository with a creds file; wrong credentials give the unauthorized message and never show the password', async () => {
    const ok = await run(['oci', 'pull', '127.0.0.1:5000/private/app:1.0', '--tls-verify=false', '--creds-file', credsFile]);
    expect(ok.code, ok.stderr).toBe(0);
    const bad = await run(['oci', 'pull', '127.0.0.1:5000/private/app:1.0', '--tls-verify=false', '--creds-file', badCreds]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unauthorized[\s\S]*hint: check --creds-file/);
    for (const text of [ok.stdout, ok.stderr, bad.stdout, bad.stderr]) expect(text).not.toContain(password);
    const logs = readdirSync(path.join(root, 'var/log/pxdeploy')).filter((f) => f.endsWith('.log')).map((f) => readFileSync(path.join(root, 'var/log/pxdeploy', f), 'utf8'));
    for (const l of logs) {
      expect(l).not.toContain(password);
      expect(l).not.toContain('wrong-password-xyz');
    }
    expect(readFileSync(path.join(root, 'var/lib/pxdeploy/oci/index.json'), 'utf8')).not.toContain(password);
    expect(readdirSync(path.join(root, 'var/lib/pxdeploy/tmp'))).toEqual([]);
  });

  it('a missing tag exits 3; a plain-HTTP registry without --tls-verify=false says so', async () => {
    const missing = await run(['oci', 'pull', '127.0.0.1:5000/demo/app:9.9', '--tls-verify=false']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/manifest unknown/);
    const tls = await run(['oci', 'pull', '127.0.0.1:5000/demo/app:1.0']);
    expect(tls.code).toBe(1);
    expect(tls.stderr).toContain('use --tls-verify=false');
  });

  it('--dry-run of jellyfin prints the exact skopeo commands for the real image', async () => {
    const r = await run(['oci', 'pull', 'jellyfin', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('[dry-run] run skopeo inspect --no-tags --tls-verify=true docker://docker.io/jellyfin/jellyfin:latest');
    expect(r.stdout).toMatch(/\[dry-run\] run skopeo copy -q --src-tls-verify=true docker:\/\/docker\.io\/jellyfin\/jellyfin:latest oci-archive:\/\S+\/template\/cache\/jellyfin_latest\.tar\.tmp\.\d+/);
  });

  it('list shows the archives; search finds catalog apps; rm removes an unused one', async () => {
    const list = JSON.parse((await run(['oci', 'list', '--json'])).stdout) as { archives: { volid: string }[] };
    expect(list.archives.map((a) => a.volid)).toContain('local:vztmpl/app_1.0.tar');
    const search = JSON.parse((await run(['oci', 'search', 'media', '--json'])).stdout) as { packages: { name: string }[] };
    expect(search.packages.map((p) => p.name)).toContain('jellyfin');
    const rm = await run(['oci', 'rm', 'app_1.0.tar']);
    expect(rm.code, rm.stderr).toBe(0);
  });
});
