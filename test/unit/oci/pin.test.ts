// Rollback safety: a re-pull of a tag that moved to a new digest keeps the archive an app needs under its digest's name; `oci rm` refuses it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordingRunner } from '../../../src/host/recording-runner.js';
import { pullImage } from '../../../src/oci/pull.js';
import { parseImageRef } from '../../../src/oci/reference.js';
import { readOciIndex } from '../../../src/oci/index-file.js';
import { pinnedName } from '../../../src/oci/pin.js';
import { removeArchive } from '../../../src/oci/remove.js';
import { readAppState, writeAppState, type AppState } from '../../../src/apps/state.js';
import { testContext } from '../../helpers/context.js';

const OLD = 'sha256:' + 'aa'.repeat(32);
const NEW = 'sha256:' + 'bb'.repeat(32);
const IMAGE = '127.0.0.1:5000/demo/app';
const inspect = (digest: string) => JSON.stringify({ Name: IMAGE, Digest: digest, RepoTags: [], Architecture: 'amd64', Os: 'linux', Layers: [], Env: [] });

async function setup(opts: { appUsesIt: boolean }) {
  const runner = new RecordingRunner([], { order: 'ordered' });
  const t = testContext(runner);
  const cache = path.join(t.root, 'cache');
  mkdirSync(cache, { recursive: true });
  const file = path.join(cache, 'app_1.0.tar');
  writeFileSync(file, 'old image');
  mkdirSync(path.dirname(t.ctx.paths.ociIndexFile), { recursive: true });
  writeFileSync(t.ctx.paths.ociIndexFile, JSON.stringify({ schemaVersion: 1, archives: [{ ref: `${IMAGE}:1.0`, image: IMAGE, tag: '1.0', digest: OLD, size: 9, volid: 'local:vztmpl/app_1.0.tar', storage: 'local', path: file, pulled_at: '2026-01-01T00:00:00Z' }] }));
  if (opts.appUsesIt) {
    const state: AppState = {
      schemaVersion: 1, hostname: 'web', package: 'demo', vmid: 410, node: 'localhost', image: IMAGE, tag: '1.0', digest: OLD,
      archive: { volid: 'local:vztmpl/app_1.0.tar', path: file }, storage: 'local-lvm', network: { bridge: 'vmbr0', ip: '10.203.0.50/24' },
      env: {}, secret_keys: [], volumes: [], url: 'http://10.203.0.50:3456/', installed_at: '2026-01-01T00:00:00Z',
    };
    await writeAppState(t.ctx.effects, t.ctx.paths, state);
  }
  runner.expect({ file: 'pvesm', args: ['path', 'local:vztmpl/app_1.0.tar'], result: { stdout: `${file}\n` } });
  runner.expect({ file: 'skopeo', args: ['inspect', '--no-tags', '--tls-verify=false', `docker://${IMAGE}:1.0`], result: { stdout: inspect(NEW) } });
  runner.expect({ file: 'skopeo', args: ['copy', '-q', '--src-tls-verify=false', `docker://${IMAGE}:1.0`, `oci-archive:${file}.tmp.${process.pid}`] });
  const realRun = runner.run.bind(runner);
  runner.run = async (cmd, o) => {
    if (cmd.args[0] === 'copy') writeFileSync(cmd.args.at(-1)!.replace('oci-archive:', ''), 'new image');
    return realRun(cmd, o);
  };
  return { ...t, cache, file };
}

describe('rollback safety of re-pulled tags', () => {
  it('moves the archive an app runs on aside under its digest before the new pull overwrites the tag\'s file', async () => {
    const { ctx, cache, file } = await setup({ appUsesIt: true });
    const r = await pullImage(ctx, { target: parseImageRef(`${IMAGE}:1.0`), auth: {}, tlsVerify: false });
    const pinned = path.join(cache, pinnedName({ image: IMAGE, digest: OLD }));
    expect(pinnedName({ image: IMAGE, digest: OLD })).toBe(`app_sha256_${'aa'.repeat(32)}.tar`);
    expect(r).toMatchObject({ outcome: 'pulled', digest: NEW, pinned: { from: 'local:vztmpl/app_1.0.tar', to: { path: pinned }, apps: ['web'] } });
    expect(readFileSync(pinned, 'utf8')).toBe('old image');
    expect(readFileSync(file, 'utf8')).toBe('new image');
    const index = await readOciIndex(ctx.paths);
    expect(index.map((a) => [a.volid, a.digest])).toEqual([
      ['local:vztmpl/app_1.0.tar', NEW],
      [`local:vztmpl/${path.basename(pinned)}`, OLD],
    ]);
    expect((await readAppState(ctx.paths, 'web'))?.archive).toEqual({ volid: `local:vztmpl/${path.basename(pinned)}`, path: pinned });
  });

  it('oci rm refuses the pinned archive while the app needs it, and removes it with --force', async () => {
    const { ctx, cache } = await setup({ appUsesIt: true });
    await pullImage(ctx, { target: parseImageRef(`${IMAGE}:1.0`), auth: {}, tlsVerify: false });
    const name = pinnedName({ image: IMAGE, digest: OLD });
    await expect(removeArchive(ctx, name, { force: false })).rejects.toThrow(/refusing to remove local:vztmpl\/app_sha256_a+\.tar: CT web \(CT 410\) uses it/);
    expect(existsSync(path.join(cache, name))).toBe(true);
    expect((await removeArchive(ctx, name, { force: true })).forced).toEqual([`local:vztmpl/${name}`]);
    expect(existsSync(path.join(cache, name))).toBe(false);
  });

  it('an archive no app needs is replaced in place, as PVE\'s own pull would', async () => {
    const { ctx, cache, file } = await setup({ appUsesIt: false });
    const r = await pullImage(ctx, { target: parseImageRef(`${IMAGE}:1.0`), auth: {}, tlsVerify: false });
    expect(r.pinned).toBeUndefined();
    expect(readFileSync(file, 'utf8')).toBe('new image');
    expect(existsSync(path.join(cache, pinnedName({ image: IMAGE, digest: OLD })))).toBe(false);
  });
});
