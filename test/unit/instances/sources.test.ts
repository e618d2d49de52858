// Release sources on the host: the checksum file is read for the version being deployed, a wrong digest is refused before anything reaches the CT, git is argv.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCatalog, requirePackage } from '../../../src/catalog/index.js';
import { gitArchive, gitResolveRef, parseCommit } from '../../../src/host/git.js';
import { RecordingRunner } from '../../../src/host/recording-runner.js';
import { appModel } from '../../../src/instances/app-model.js';
import { parseInstanceConfigText } from '../../../src/instances/config.js';
import { digestFromSumFile, resolveSource, versionOf } from '../../../src/instances/sources.js';
import { testContext } from '../../helpers/context.js';

const pkgs = fileURLToPath(new URL('../../../packages', import.meta.url));

async function setup(body: string) {
  const app = appModel(requirePackage((await loadCatalog(pkgs)).packages, 'notes').pkg);
  const dist = mkdtempSync(path.join(tmpdir(), 'pxd-src-'));
  const r = parseInstanceConfigText(`app: notes\ncontainer: { hostname: n, template: debian-12 }\n${body.replaceAll('DIST', dist)}`, 'i.yaml', {});
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return { app, dist, config: r.config };
}

describe('sources', () => {
  it('digestFromSumFile reads sha256sum output by file name (or a lone digest)', () => {
    const a = 'a'.repeat(64);
    const b = 'b'.repeat(64);
    expect(digestFromSumFile(`${a}  notes-1.0.0.tar.gz\n${b} *notes-2.0.0.tar.gz\n`, 'notes-2.0.0.tar.gz')).toBe(b);
    expect(digestFromSumFile(`${a}\n`, 'x.tgz')).toBe(a);
    expect(digestFromSumFile(`${a}  other\n${b}  more\n`, 'x.tgz')).toBeUndefined();
  });

  it('picks --version over the instance config and the catalog', async () => {
    const { app, config } = await setup('version: "1.5.0"\n');
    expect(versionOf(app, config, 'backend', {})).toBe('1.5.0');
    expect(versionOf(app, config, 'backend', { version: '2.0.0' })).toBe('2.0.0');
    const bare = await setup('');
    expect(versionOf(bare.app, bare.config, 'backend', {})).toBe('1.0.0');
  });

  it('verifies the artifact of the requested version against its .sha256 file, and refuses a mismatch', async () => {
    const { app, dist, config } = await setup('sources:\n  backend: { artifact: "DIST/notes-{version}.tar.gz", sha256_file: "DIST/notes-{version}.tar.gz.sha256" }\n');
    const bytes = Buffer.from('release 2.0.0');
    writeFileSync(path.join(dist, 'notes-2.0.0.tar.gz'), bytes);
    writeFileSync(path.join(dist, 'notes-2.0.0.tar.gz.sha256'), `${createHash('sha256').update(bytes).digest('hex')}  notes-2.0.0.tar.gz\n`);
    const runner = new RecordingRunner([]);
    const { ctx } = testContext(runner);
    const ok = await resolveSource(ctx, app, config, 'n', 'backend', { version: '2.0.0' });
    expect(ok).toMatchObject({ version: '2.0.0', file: path.join(dist, 'notes-2.0.0.tar.gz'), format: 'tar', scratch: false });
    writeFileSync(path.join(dist, 'notes-2.0.0.tar.gz'), 'tampered');
    await expect(resolveSource(ctx, app, config, 'n', 'backend', { version: '2.0.0' })).rejects.toThrow(/checksum mismatch/);
    await expect(resolveSource(ctx, app, config, 'n', 'backend', { version: '9.9.9' })).rejects.toThrow(/does not exist/);
    expect(runner.calls).toEqual([]); // nothing ran on the host
  });

  it('the catalog\'s pinned digest covers only its default release', async () => {
    const { app, config } = await setup('');
    const runner = new RecordingRunner([]);
    const { ctx } = testContext(runner);
    await expect(resolveSource(ctx, app, config, 'n', 'backend', { version: '2.0.0' })).rejects.toThrow(/invalid configuration/);
  });

  it('git: argv to resolve a ref (annotated tags peeled) and archive one commit', () => {
    expect(gitResolveRef('/srv/r.git', 'v2')).toEqual({ file: 'git', args: ['--git-dir', '/srv/r.git', 'rev-parse', '--verify', '--quiet', 'v2^{commit}'], readOnly: true });
    expect(gitArchive('/srv/r.git', 'c'.repeat(40), '/tmp/o.tgz').args).toEqual(['--git-dir', '/srv/r.git', 'archive', '--format=tar.gz', '--output=/tmp/o.tgz', 'c'.repeat(40)]);
    expect(parseCommit(`${'d'.repeat(40)}\n`)).toBe('d'.repeat(40));
    expect(parseCommit('fatal: bad ref\n')).toBeUndefined();
  });
});
