// E2E on pvesim: the vikunja app definition installed from a fake release zip served on loopback (checksum member verified, config.yml templated), updated, rolled back.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostTool, makeRoot, pxdeployAsync } from '../helpers/cli.js';
import { containerBlock } from '../helpers/instance-config.js';
import { zipBytes } from '../helpers/zip-bytes.js';

const VMID = 560;
const IP = '10.203.0.96';
const ID = 'vikunja-e2e';
const BASE = `http://${IP}`;
const root = makeRoot('pxdeploy-vik-');
const work = makeRoot('pxdeploy-vik-work-');
const config = path.join(work, `${ID}.yaml`);
const run = (args: string[]) => pxdeployAsync(args, { root });
const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * A stand-in for the Vikunja binary: `web` refuses a config.yml with an unfilled placeholder or no generated
 * secret, then serves /health and /api/v1/info with busybox httpd on the colour's port (VIKUNJA_SERVICE_INTERFACE);
 * `migrate` records that it ran.
 */
const fakeBinary = `#!/bin/sh
set -eu
cfg=/etc/vikunja/config.yml
case "\${1:-}" in
  web)
    if grep -q '{[a-z_]*}' "$cfg"; then echo "unfilled placeholder in $cfg" >&2; exit 1; fi
    grep -Eq '^  secret: "[0-9a-f]{64}"$' "$cfg" || { echo "no generated secret in $cfg" >&2; exit 1; }
    exec busybox httpd -f -p "127.0.0.1:\${VIKUNJA_SERVICE_INTERFACE#:}" -h "$VIKUNJA_SERVICE_ROOTPATH/www" ;;
  migrate) echo "migrate $(basename "$0")" >> /var/lib/vikunja/migrations.log ;;
  *) echo "usage: vikunja web|migrate" >&2; exit 2 ;;
esac
`;

/** The release zip as Vikunja's magefile lays it out: the binary, `<binary>.sha256` ("<hex>  <name>"), a sample config. */
function release(v: string, opts: { tamper?: boolean } = {}): Buffer {
  const bin = `vikunja-${v}-linux-amd64`;
  return zipBytes([
    { name: bin, content: opts.tamper ? `${fakeBinary}# tampered\n` : fakeBinary, mode: 0o755, deflate: true },
    { name: `${bin}.sha256`, content: `${sha(fakeBinary)}  ${bin}` },
    { name: 'config.yml.sample', content: 'service: {}\n' },
    { name: 'www/health', content: 'OK' },
    { name: 'www/api/v1/info', content: JSON.stringify({ version: v, frontend_url: '' }) },
  ]);
}

const served = new Map<string, Buffer>();
let server: Server;

async function get(p: string): Promise<{ code: number; body: string; colour: string | null }> {
  const res = await fetch(`${BASE}${p}`, { signal: AbortSignal.timeout(10_000) });
  return { code: res.status, body: await res.text(), colour: res.headers.get('x-vikunja-frontend-colour') };
}
const inCt = (...argv: string[]) => hostTool('pct', ['exec', String(VMID), '--', ...argv]).stdout.trim();

beforeAll(async () => {
  for (const v of ['v0.0.1', 'v0.0.2']) served.set(`/vikunja/${v}/vikunja-${v}-linux-amd64-full.zip`, release(v));
  served.set('/vikunja/v0.0.3/vikunja-v0.0.3-linux-amd64-full.zip', release('v0.0.3', { tamper: true }));
  server = createServer((req, res) => {
    const body = served.get(req.url ?? '');
    res.writeHead(body ? 200 : 404).end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  writeFileSync(
    config,
    `app: vikunja
version: v0.0.1
${containerBlock({ vmid: VMID, hostname: 'vikunja-e2e', ip: IP })}sources:
  backend:
    artifact: "${base}/vikunja/{version}/vikunja-{version}-linux-amd64-full.zip"
    sha256_member: "vikunja-{version}-linux-amd64.sha256"
health: { timeout: 20, interval: 0.5 }
update: { backup: false }
`,
  );
});

afterAll(async () => {
  hostTool('pct', ['destroy', String(VMID), '--force', '1', '--purge', '1']);
  await new Promise<void>((ok) => server.close(() => ok()));
});

describe('vikunja from its release zip', () => {
  let secret = '';

  it('install: the zip is fetched and its binary checked on the host, config.yml filled, blue answers /health and /api/v1/info through nginx', async () => {
    const r = await run(['install', ID, '-f', config, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: ID, vmid: VMID, active_color: 'blue', version: 'v0.0.1' });
    expect(await get('/health')).toMatchObject({ code: 200, body: 'OK', colour: 'blue' });
    const info = await get('/api/v1/info');
    expect(info.code).toBe(200);
    expect(JSON.parse(info.body)).toMatchObject({ version: 'v0.0.1' });

    const cfg = inCt('cat', '/etc/vikunja/config.yml');
    expect(cfg).not.toMatch(/\{[a-z_]+\}/);
    expect(cfg).toContain(`publicurl: "${BASE}/"`);
    expect(cfg).toContain('path: "/var/lib/vikunja/vikunja.db"');
    secret = (JSON.parse(readFileSync(path.join(root, 'etc/pxdeploy/instances', `${ID}.secrets.json`), 'utf8')) as { secret: string }).secret;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(cfg).toContain(`secret: "${secret}"`);
    expect(inCt('stat', '-c', '%a %U:%G', '/etc/vikunja/config.yml', '/opt/vikunja/backend/blue/vikunja-v0.0.1-linux-amd64').split('\n')).toEqual(['640 root:vikunja', '755 root:root']);
    expect(inCt('cat', '/var/lib/vikunja/migrations.log')).toBe('migrate vikunja-v0.0.1-linux-amd64');
    // No MCP unit: the catalog marks it optional and this instance gives no source for it.
    expect(inCt('systemctl', 'is-active', 'vikunja-backend-blue.service')).toBe('active');
    expect(hostTool('pct', ['exec', String(VMID), '--', 'test', '-e', '/etc/systemd/system/vikunja-mcp-blue.service']).code).toBe(1);
    expect(readFileSync(path.join(root, 'var/log/pxdeploy', `${ID}.log`), 'utf8')).not.toContain(secret);
  });

  it('update to a release whose binary does not match its .sha256 member is refused before anything changes', async () => {
    const r = await run(['update', ID, '--version', 'v0.0.3']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('checksum mismatch for vikunja-v0.0.3-linux-amd64 in http://127.0.0.1:');
    expect(await get('/health')).toMatchObject({ code: 200, colour: 'blue' });
    expect(inCt('ls', '/opt/vikunja/backend')).toBe('blue');
  });

  it('update to v0.0.2 on green, then rollback to blue; the secret stays', async () => {
    const u = await run(['update', ID, '--version', 'v0.0.2']);
    expect(u.code, u.stderr).toBe(0);
    expect(await get('/health')).toMatchObject({ code: 200, colour: 'green' });
    expect(JSON.parse((await get('/api/v1/info')).body)).toMatchObject({ version: 'v0.0.2' });
    const s = await run(['status', ID, '--json']);
    expect(JSON.parse(s.stdout)).toMatchObject({ state: 'running', active_color: 'green', colors: { blue: { version: 'v0.0.1' }, green: { version: 'v0.0.2' } } });
    expect(inCt('cat', '/etc/vikunja/config.yml')).toContain(`secret: "${secret}"`);

    const rb = await run(['rollback', ID]);
    expect(rb.code, rb.stderr).toBe(0);
    expect(await get('/health')).toMatchObject({ code: 200, colour: 'blue' });
    expect(JSON.parse((await get('/api/v1/info')).body)).toMatchObject({ version: 'v0.0.1' });
  });

  it('uninstall --yes removes the CT, the instance config and its generated secrets', async () => {
    const r = await run(['uninstall', ID, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(hostTool('pct', ['status', String(VMID)]).code).not.toBe(0);
    expect(existsSync(path.join(root, 'etc/pxdeploy/instances', `${ID}.secrets.json`))).toBe(false);
  });
});
