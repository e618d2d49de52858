// App env resolution, trap handling, the derived image documents and the read-back comparison.
import { describe, expect, it } from 'vitest';
import { packageSchema } from '../../../src/catalog/schema.js';
import { resolveAppEnv } from '../../../src/apps/env.js';
import { planTraps } from '../../../src/apps/traps.js';
import { configMismatches } from '../../../src/backends/oci/backend.js';
import { derivedDocuments, entrypointOf, imageNeedsChanges, mergeEnv, type ArchiveImage } from '../../../src/oci/derive.js';
import { showPullProgress } from '../../../src/cli/oci.js';
import type { CliIo } from '../../../src/cli/io.js';
import { parsePctConfig } from '../../../src/host/pct.js';

const pkg = packageSchema.parse({
  name: 'x', description: 'x', homepage: 'https://x', sources: ['https://x'], tags: [],
  oci: {
    image: 'docker.io/x/x', tag: '1', ports: [{ port: 80, description: 'web' }], health: { port: 80, path: '/' },
    env: { URL: { required: true }, SECRET: { secret: true, generate: { bytes: 8, encoding: 'hex' } }, MODE: { default: 'a' } },
    volumes: [{ name: 'db', path: '/db' }],
    traps: [{ kind: 'user_without_passwd', image_user: '1000', uid: 1000, gid: 1000, action: 'numeric_ids', reason: 'no passwd. more' }],
  },
});

describe('app env', () => {
  it('applies defaults, --set, generated secrets; refuses unknown keys and missing required ones, all at once', () => {
    const env = resolveAppEnv('x', pkg.oci!, { sets: ['URL=http://a=b'], allowed: [] }, (n) => Buffer.alloc(n, 1));
    expect(env).toEqual({ values: { URL: 'http://a=b', SECRET: '0101010101010101', MODE: 'a' }, secretKeys: ['SECRET'], generated: ['SECRET'] });
    expect(() => resolveAppEnv('x', pkg.oci!, { sets: ['NOPE=1'], allowed: [] })).toThrow(/NOPE is not a variable[\s\S]*URL is required/);
    expect(resolveAppEnv('x', pkg.oci!, { sets: ['URL=u', 'NOPE=1'], allowed: ['NOPE'] }).values.NOPE).toBe('1');
  });

  it('the FROM-scratch USER trap becomes a numeric uid:gid and owns the volumes', () => {
    const t = planTraps('x', pkg.oci!, {});
    expect(t.user).toBe('1000:1000');
    expect(t.volumeOwners).toEqual({ db: { uid: 1000, gid: 1000 } });
  });
});

describe('derived image', () => {
  const img: ArchiveImage = {
    index: { schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:m', size: 1 }] },
    manifest: { schemaVersion: 2, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: 'sha256:c', size: 1 }, layers: [{ digest: 'sha256:l', size: 9 }] },
    rawConfig: { architecture: 'amd64', config: { Env: ['PATH=/bin', 'A=1'], Entrypoint: ['/app/start.sh'], User: '1000' } },
    config: { entrypoint: ['/app/start.sh'], cmd: [], env: ['PATH=/bin', 'A=1'], exposedPorts: [], volumes: [], labels: {} },
  };

  it('writes every variable into the image config (no argv, no NUL), keeps the layers, names a new manifest', () => {
    const { files, manifestDigest } = derivedDocuments(img, { env: { A: '2', B: 'x y' }, user: '1000:1000' });
    const index = JSON.parse(files['index.json']!);
    expect(index.manifests).toEqual([expect.objectContaining({ digest: manifestDigest })]);
    const manifest = JSON.parse(files[`blobs/${manifestDigest.replace(':', '/')}`]!);
    expect(manifest.layers).toEqual(img.manifest.layers);
    const config = JSON.parse(files[`blobs/${manifest.config.digest.replace(':', '/')}`]!);
    expect(config.config).toEqual({ Env: ['PATH=/bin', 'A=2', 'B=x y'], Entrypoint: ['/app/start.sh'], User: '1000:1000' });
    expect(entrypointOf({ ...img.config, entrypoint: ['/bin/sh', '-c'], cmd: ["echo 'hi'"] })).toBe(`/bin/sh -c 'echo '\\''hi'\\'''`);
  });

  it('read-back: a lost or changed variable is a mismatch; secrets are never printed', () => {
    const cfg = parsePctConfig('entrypoint: /app/start.sh\nlxc.environment.runtime: PATH=/bin\nlxc.environment.runtime: A=1\nlxc.init.uid: 1000\nlxc.init.gid: 1000\n');
    const want = { env: mergeEnv(['PATH=/bin'], { A: '2', S: 'topsecret' }), entrypoint: '/app/start.sh' };
    const m = configMismatches(cfg, want, '1000:1000', ['S']);
    expect(m).toEqual(['env A: "1", expected "2"', 'env S: (unset), expected ***']);
    expect(configMismatches(cfg, { env: { PATH: '/bin', A: '1' }, entrypoint: '/app/start.sh' }, '1000:1000', [])).toEqual([]);
  });
});

describe('no repack when the image already says it', () => {
  const img: ArchiveImage = {
    index: { manifests: [] },
    manifest: { config: { digest: 'sha256:c', size: 1 }, layers: [] },
    rawConfig: { config: { Env: ['PATH=/bin', 'A=1'], User: '1000:1000' } },
    config: { entrypoint: [], cmd: [], env: ['PATH=/bin', 'A=1'], exposedPorts: [], volumes: [], labels: {} },
  };
  it('the pulled archive is used as it is only when env and user are already the image\'s', () => {
    expect(imageNeedsChanges(img, { env: {} })).toBe(false);
    expect(imageNeedsChanges(img, { env: { A: '1' }, user: '1000:1000' })).toBe(false);
    expect(imageNeedsChanges(img, { env: { A: '2' } })).toBe(true);
    expect(imageNeedsChanges(img, { env: { B: '1' } })).toBe(true);
    expect(imageNeedsChanges(img, { env: {}, user: '0:0' })).toBe(true);
  });
});

describe('pull progress', () => {
  it('only on a terminal, never under --json', () => {
    const io = (json: boolean) => ({ flags: () => ({ json, dryRun: false, verbose: false, yes: false }) }) as unknown as CliIo;
    expect(showPullProgress(io(false), true)).toBe(true);
    expect(showPullProgress(io(true), true)).toBe(false);
    expect(showPullProgress(io(false), false)).toBe(false);
  });
});
