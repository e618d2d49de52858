// The real packages/ directory: every file validates, and the facts the rest of pxdeploy relies on are there.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadCatalog, packagesDir, requirePackage } from '../../../src/catalog/index.js';
import { formatProblem } from '../../../src/errors.js';

const dir = fileURLToPath(new URL('../../../packages', import.meta.url));

describe('packages/', () => {
  it('validates every file', async () => {
    const c = await loadCatalog(dir);
    expect(c.problems.map(formatProblem)).toEqual([]);
    expect(c.packages.map((p) => p.name)).toEqual(
      expect.arrayContaining(['adguardhome', 'demo', 'gitea', 'grafana', 'homeassistant', 'immich', 'jellyfin', 'nextcloud', 'uptime-kuma', 'vaultwarden', 'vikunja']),
    );
  });

  it('is the default directory (resolved from the module)', () => {
    expect(packagesDir({})).toBe(dir);
  });

  it('describes the pvesim demo image as the simulator builds it', async () => {
    const { pkg } = requirePackage((await loadCatalog(dir)).packages, 'demo');
    expect(pkg.oci).toMatchObject({
      image: '127.0.0.1:5000/demo/app',
      tag: '1.0',
      other_tags: ['2.0', '3.0'],
      registry_tls: false,
      ports: [{ port: 3456, protocol: 'tcp' }],
      health: { port: 3456, path: '/health', status: [200], type: 'http' },
      volumes: [{ name: 'data', path: '/data' }],
      unprivileged: true,
    });
    expect(pkg.oci?.env['GREETING']).toMatchObject({ default: 'hello', required: false });
  });

  it('has vikunja as both an OCI app with its passwd trap and a blue/green app', async () => {
    const { pkg } = requirePackage((await loadCatalog(dir)).packages, 'vikunja-main');
    expect(pkg.oci?.traps).toContainEqual(expect.objectContaining({ kind: 'user_without_passwd', uid: 1000, action: 'numeric_ids' }));
    expect(pkg.oci?.env['VIKUNJA_SERVICE_PUBLICURL']?.required).toBe(true);
    const bg = pkg.bluegreen;
    expect(bg?.components.backend.ports).toEqual({ blue: 3456, green: 3457 });
    expect(bg?.components.mcp?.ports).toEqual({ blue: 8456, green: 8457 });
    expect(bg?.components.frontend?.ports).toEqual({ http: 80, https: 443 });
    expect(bg?.components.backend.source.artifact?.url).toBe('https://dl.vikunja.io/vikunja/{version}/vikunja-{version}-linux-{arch}-full.zip');
    expect(bg?.components.backend.health.map((h) => h.path)).toEqual(['/health', '/api/v1/info']);
    expect(bg?.database.supported).toEqual(['sqlite', 'postgresql', 'mysql']);
    expect(bg?.backup.dump).toBe('{bin} dump --path {dir}');
  });
});
