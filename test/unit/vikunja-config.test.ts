// Vikunja's config.yml from its template: every placeholder filled, the secret generated once and kept, postgres named as Vikunja spells it, gaps refused in one line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadCatalog, requirePackage } from '../../src/catalog/index.js';
import { packageRules } from '../../src/catalog/rules.js';
import { RecordingRunner } from '../../src/host/recording-runner.js';
import { appModel, type AppModel } from '../../src/instances/app-model.js';
import { assertFillable, finishAppConfig, prepareAppConfig } from '../../src/instances/app-config.js';
import { componentsFor } from '../../src/instances/components.js';
import { parseInstanceConfigText } from '../../src/instances/config.js';
import { renderDeploymentConfig, renderNginx } from '../../src/instances/render.js';
import { loadSecrets, saveSecrets, secretsFile } from '../../src/instances/secrets.js';
import { makePaths } from '../../src/state/paths.js';
import { testContext } from '../helpers/context.js';

const pkgs = fileURLToPath(new URL('../../packages', import.meta.url));
const catalogApp = async (name: string): Promise<AppModel> => appModel(requirePackage((await loadCatalog(pkgs)).packages, name).pkg);

function instance(body = '', app = 'vikunja') {
  const r = parseInstanceConfigText(`app: ${app}\ncontainer: { hostname: v, template: debian-12 }\n${body}`, 'i.yaml', {});
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config;
}

const message = (p: Promise<unknown>) => p.then(() => 'accepted', (e: Error) => e.message);

describe('vikunja config.yml', () => {
  it('fills every placeholder for the default sqlite instance; the secret is 64 hex, stored 0600 and the same on the next render', async () => {
    const app = await catalogApp('vikunja');
    const { ctx, root, log } = testContext(new RecordingRunner([]));
    const prepared = await prepareAppConfig(ctx.paths, 'vikunja-main', app, instance());
    expect(prepared.secrets.generated).toEqual(['secret']);
    const text = finishAppConfig(prepared, 'http://10.203.0.96/');
    expect(text).not.toMatch(/\{[a-z_]+\}/);
    const doc = parse(text) as Record<string, Record<string, unknown>>;
    const secret = doc['service']!['secret'] as string;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(doc['service']).toMatchObject({ publicurl: 'http://10.203.0.96/', interface: ':3456' });
    expect(doc['database']).toEqual({ type: 'sqlite', host: '', database: 'vikunja', user: '', password: '', path: '/var/lib/vikunja/vikunja.db' });
    expect(doc['files']).toEqual({ basepath: '/var/lib/vikunja/files' });

    await saveSecrets(ctx, 'vikunja-main', prepared.secrets);
    const file = secretsFile(ctx.paths, 'vikunja-main');
    expect(file).toBe(path.join(root, 'etc/pxdeploy/instances/vikunja-main.secrets.json'));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ secret });
    const again = await prepareAppConfig(ctx.paths, 'vikunja-main', app, instance('public_url: https://todo.example.org/\n'));
    expect(again.secrets.generated).toEqual([]);
    const doc2 = parse(finishAppConfig(again, 'http://10.203.0.96/')) as Record<string, Record<string, unknown>>;
    expect(doc2['service']).toMatchObject({ secret, publicurl: 'https://todo.example.org/' });
    // Saving registered the secret with the operation log: a line that would show it is redacted.
    ctx.log.info(`rendered secret ${secret}`);
    expect(log.lines.some((l) => l.includes('write') && l.includes('vikunja-main.secrets.json'))).toBe(true);
    expect(log.lines.join('\n')).not.toContain(secret);
  });

  it('postgresql: Vikunja\'s "postgres", host:port, the password read from a host file and escaped for YAML', async () => {
    const app = await catalogApp('vikunja');
    const dir = mkdtempSync(path.join(tmpdir(), 'pxd-vcfg-'));
    writeFileSync(path.join(dir, 'pw'), 'p"a\\ss{secret}\n');
    const paths = makePaths(dir);
    const prepared = await prepareAppConfig(paths, 'v', app, instance(`database: { type: postgresql, host: db.lan, port: 5432, user: vik, password_file: ${dir}/pw }\n`));
    expect(prepared.sensitive).toContain('p"a\\ss{secret}');
    const doc = parse(finishAppConfig(prepared, 'http://x/')) as Record<string, Record<string, unknown>>;
    expect(doc['database']).toEqual({ type: 'postgres', host: 'db.lan:5432', database: 'vikunja', user: 'vik', password: 'p"a\\ss{secret}', path: '/var/lib/vikunja/vikunja.db' });
  });

  it('refuses, in one line naming the placeholder or field, before anything is written', async () => {
    const app = await catalogApp('vikunja');
    const paths = makePaths(mkdtempSync(path.join(tmpdir(), 'pxd-vcfg-')));
    expect(await message(prepareAppConfig(paths, 'v', app, instance('database: { type: mysql, user: vik }\n')))).toBe(
      'vikunja/config.yml.tmpl: placeholder {database_host} is not filled: set database.host in the instance config',
    );
    expect(await message(prepareAppConfig(paths, 'v', app, instance('database: { type: mysql, host: db, user: vik }\n')))).toBe(
      'vikunja/config.yml.tmpl: placeholder {database_password} is not filled: set database.password_file in the instance config',
    );
    expect(await message(prepareAppConfig(paths, 'v', await catalogApp('notes'), instance('database: { type: postgresql }\n', 'notes')))).toMatch(/database\.type: notes supports sqlite, not postgresql$/);
    expect(() => assertFillable('a: "{nope}"\n', {}, 't.tmpl')).toThrow(/^t\.tmpl: placeholder \{nope\} is not filled: pxdeploy has no value for it$/);
    expect(() => assertFillable('a: "{publicurl}"\n', {}, 't.tmpl', ['publicurl'])).not.toThrow();
    expect(() => readFileSync(secretsFile(paths, 'v'))).toThrow(/ENOENT/);
  });

  it('a stored secret is reused; an unreadable store is an error, not a silent new secret', async () => {
    const app = await catalogApp('vikunja');
    const paths = makePaths(mkdtempSync(path.join(tmpdir(), 'pxd-vcfg-')));
    const fixed = await loadSecrets(paths, 'v', app, (n) => Buffer.alloc(n, 1));
    expect(fixed.values['secret']).toBe('01'.repeat(32));
    const { ctx } = testContext(new RecordingRunner([]), { root: paths.root });
    await saveSecrets(ctx, 'v', fixed);
    expect((await loadSecrets(paths, 'v', app)).values['secret']).toBe('01'.repeat(32));
    writeFileSync(secretsFile(paths, 'v'), '{broken');
    expect(await message(loadSecrets(paths, 'v', app))).toMatch(/v\.secrets\.json is not valid JSON$/);
  });

  it('the MCP server (no release ships it) is deployed only when the instance gives sources.mcp', async () => {
    const app = await catalogApp('vikunja');
    const plain = componentsFor(app, instance());
    expect(plain.services.map((s) => s.name)).toEqual(['backend']);
    expect(renderNginx(plain)).not.toContain('mcp');
    const withMcp = componentsFor(app, instance('sources:\n  mcp: { git: { repo: /srv/vikunja.git, ref: mcp } }\n'));
    expect(withMcp.services.map((s) => s.name)).toEqual(['backend', 'mcp']);
    expect(renderNginx(withMcp)).toContain('location /mcp/');
    const notes = await catalogApp('notes');
    expect(componentsFor(notes, instance('', 'notes'))).toBe(notes);
    const pkg = requirePackage((await loadCatalog(pkgs)).packages, 'vikunja').pkg;
    expect(packageRules(pkg)).toEqual([]);
    const bg = pkg.bluegreen!;
    const broken = { ...pkg, bluegreen: { ...bg, components: { ...bg.components, backend: { ...bg.components.backend, optional: true } } } };
    expect(packageRules(broken).map((p) => p.path.join('.'))).toEqual(['bluegreen.components.backend.optional']);
  });

  it('deployment-config.yaml names the instance\'s database', async () => {
    const app = await catalogApp('vikunja');
    const state = { schemaVersion: 1, instance_id: 'v', container_id: 560, status: 'running', active_color: 'blue', app: 'vikunja' } as const;
    const pg = parse(renderDeploymentConfig(app, 'v', instance('database: { type: postgresql, host: db, user: u, password_file: /root/pw }\n'), state as never, 'pve', 't0', 't1')) as Record<string, unknown>;
    expect(pg['database']).toEqual({ type: 'postgresql', host: 'db', port: null, name: 'vikunja', user: 'u', password_file: '/root/pw' });
    const lite = parse(renderDeploymentConfig(app, 'v', instance(), state as never, 'pve', 't0', 't1')) as Record<string, unknown>;
    expect(lite['database']).toMatchObject({ type: 'sqlite', name: '/var/lib/vikunja/vikunja.db' });
  });
});
