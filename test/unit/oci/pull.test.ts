// oci pull: exact skopeo/pvesm argv, credentials only through a 0600 authfile that is gone afterwards, "up to date" without a copy.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordingRunner } from '../../../src/host/recording-runner.js';
import { pullImage } from '../../../src/oci/pull.js';
import { parseImageRef, archiveNameOf } from '../../../src/oci/reference.js';
import { readOciIndex } from '../../../src/oci/index-file.js';
import { testContext } from '../../helpers/context.js';

const DIGEST = 'sha256:' + 'ab'.repeat(32);
const inspectOut = JSON.stringify({ Name: '127.0.0.1:5000/private/app', Digest: DIGEST, RepoTags: [], Architecture: 'amd64', Os: 'linux', Layers: [], Env: [] });

function setup(cacheFileExists: boolean) {
  const runner = new RecordingRunner([], { order: 'ordered' });
  const t = testContext(runner);
  const cache = path.join(t.root, 'cache');
  mkdirSync(cache, { recursive: true });
  if (cacheFileExists) writeFileSync(path.join(cache, 'app_1.0.tar'), 'x');
  runner.expect({ file: 'pvesm', args: ['path', 'local:vztmpl/app_1.0.tar'], result: { stdout: `${cache}/app_1.0.tar\n` } });
  return { runner, ...t, cache };
}

describe('image references', () => {
  it('defaults to :latest, keeps registries with ports, names archives as PVE does', () => {
    expect(parseImageRef('nginx').ref).toBe('docker.io/library/nginx:latest');
    expect(parseImageRef('127.0.0.1:5000/demo/app:1.0')).toMatchObject({ image: '127.0.0.1:5000/demo/app', tag: '1.0' });
    expect(archiveNameOf(parseImageRef('docker.io/library/nginx:1.27-alpine'))).toBe('nginx_1.27-alpine.tar');
    expect(parseImageRef(`ghcr.io/a/b@${DIGEST}`)).toMatchObject({ digest: DIGEST, ref: `ghcr.io/a/b@${DIGEST}` });
    expect(() => parseImageRef('x@sha256:12')).toThrow(/invalid digest/);
  });
});

describe('oci pull', () => {
  it('copies to a temp name with credentials only in a 0600 authfile, renames, records the index; no password in any argv', async () => {
    const { runner, ctx, cache, root } = setup(false);
    let authSeen = '';
    const authArg = (args: readonly string[]) => args[args.indexOf('--authfile') + 1]!;
    const realRun = runner.run.bind(runner);
    runner.run = async (cmd, opts) => {
      if (cmd.file === 'skopeo' && cmd.args.includes('--authfile')) {
        const f = authArg(cmd.args);
        authSeen = readFileSync(f, 'utf8');
        expect(statSync(f).mode & 0o777).toBe(0o600);
      }
      if (cmd.args[0] === 'copy') writeFileSync(cmd.args.at(-1)!.replace('oci-archive:', ''), 'archive');
      // The authfile's name is random: checked here, then compared as <AUTH>.
      const args = cmd.args.map((a) => (new RegExp(`^${ctx.paths.scratchDir}/auth-[0-9a-f]{12}\\.json$`).test(a) ? '<AUTH>' : a));
      return realRun({ ...cmd, args }, opts);
    };
    const scratch = ctx.paths.scratchDir;
    runner.expect({ file: 'skopeo', args: ['inspect', '--no-tags', '--tls-verify=false', '--authfile', '<AUTH>', 'docker://127.0.0.1:5000/private/app:1.0'], result: { stdout: inspectOut } });
    runner.expect({ file: 'skopeo', args: ['copy', '-q', '--src-tls-verify=false', '--authfile', '<AUTH>', 'docker://127.0.0.1:5000/private/app:1.0', `oci-archive:${cache}/app_1.0.tar.tmp.${process.pid}`] });
    const r = await pullImage(ctx, { target: parseImageRef('127.0.0.1:5000/private/app:1.0'), auth: { creds: { username: 'pvesim', password: 's3cret-pw' } }, tlsVerify: false });
    expect(r).toMatchObject({ outcome: 'pulled', digest: DIGEST, volid: 'local:vztmpl/app_1.0.tar', size: 7 });
    expect(JSON.parse(authSeen)).toEqual({ auths: { '127.0.0.1:5000': { auth: Buffer.from('pvesim:s3cret-pw').toString('base64') } } });
    for (const c of runner.calls) expect(c.args.join(' ')).not.toContain('s3cret-pw');
    expect(existsSync(`${cache}/app_1.0.tar`)).toBe(true);
    expect(existsSync(`${cache}/app_1.0.tar.tmp.${process.pid}`)).toBe(false);
    expect(existsSync(scratch) ? (await import('node:fs')).readdirSync(scratch) : []).toEqual([]);
    expect(await readOciIndex(ctx.paths)).toEqual([expect.objectContaining({ ref: '127.0.0.1:5000/private/app:1.0', digest: DIGEST, size: 7 })]);
    expect(readFileSync(ctx.paths.ociIndexFile, 'utf8')).not.toContain('s3cret');
    void root;
  });

  it('says up to date and runs no copy when the index has that digest and the file exists', async () => {
    const { runner, ctx, cache } = setup(true);
    mkdirSync(path.dirname(ctx.paths.ociIndexFile), { recursive: true });
    writeFileSync(ctx.paths.ociIndexFile, JSON.stringify({ schemaVersion: 1, archives: [{ ref: 'r', image: 'i', digest: DIGEST, size: 1, volid: 'local:vztmpl/app_1.0.tar', storage: 'local', path: `${cache}/app_1.0.tar`, pulled_at: '2026-01-01T00:00:00Z' }] }));
    runner.expect({ file: 'skopeo', args: ['inspect', '--no-tags', 'docker://127.0.0.1:5000/demo/app:1.0'], result: { stdout: inspectOut } });
    const r = await pullImage(ctx, { target: parseImageRef('127.0.0.1:5000/demo/app:1.0'), auth: {} });
    expect(r.outcome).toBe('up-to-date');
    expect(runner.calls.map((c) => c.args[0])).toEqual(['path', 'inspect']);
  });

  it('removes the temp file when the copy fails, and maps a 401 to the creds-file hint', async () => {
    const { runner, ctx, cache } = setup(false);
    runner.expect({ file: 'skopeo', args: ['inspect', '--no-tags', 'docker://127.0.0.1:5000/private/app:1.0'], result: { exitCode: 1, stderr: 'time="x" level=fatal msg="Error parsing image name \\"docker://127.0.0.1:5000/private/app:1.0\\": reading manifest 1.0 in 127.0.0.1:5000/private/app: unauthorized: authentication required"\n' } });
    await expect(pullImage(ctx, { target: parseImageRef('127.0.0.1:5000/private/app:1.0'), auth: {} })).rejects.toMatchObject({ exitCode: 1, hint: expect.stringContaining('--creds-file') });
    expect(existsSync(`${cache}/app_1.0.tar`)).toBe(false);
  });
});
