// The Vikunja release zip: the binary checked against the .sha256 member inside it, from a host path or a loopback URL; mismatch and missing member refused.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog, requirePackage } from '../../src/catalog/index.js';
import { RecordingRunner } from '../../src/host/recording-runner.js';
import { appModel } from '../../src/instances/app-model.js';
import { parseInstanceConfigText } from '../../src/instances/config.js';
import { resolveSource, verifyZipMember } from '../../src/instances/sources.js';
import { testContext } from '../helpers/context.js';
import { zipBytes } from '../helpers/zip-bytes.js';

const pkgs = fileURLToPath(new URL('../../packages', import.meta.url));
const V = 'v9.9.9';
const BIN = `vikunja-${V}-linux-amd64`;
const script = '#!/bin/sh\necho vikunja\n';
const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

function release(opts: { sum?: string; binary?: string; layout?: string } = {}): Buffer {
  const dir = opts.layout ?? '';
  return zipBytes([
    { name: `${dir}${BIN}`, content: opts.binary ?? script, mode: 0o755, deflate: true },
    ...(opts.sum === '' ? [] : [{ name: `${dir}${BIN}.sha256`, content: opts.sum ?? `${sha(script)}  ${BIN}` }]),
    { name: `${dir}config.yml.sample`, content: 'service: {}\n' },
  ]);
}

async function vikunja(artifact: string) {
  const app = appModel(requirePackage((await loadCatalog(pkgs)).packages, 'vikunja').pkg);
  const r = parseInstanceConfigText(`app: vikunja\nversion: ${V}\ncontainer: { hostname: v, template: debian-12 }\nsources:\n  backend: { artifact: "${artifact}", sha256_member: "vikunja-{version}-linux-amd64.sha256" }\n`, 'i.yaml', {});
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return { app, config: r.config };
}

let server: Server;
let base: string;
const served = new Map<string, Buffer>();
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const body = served.get(req.url ?? '');
    res.writeHead(body ? 200 : 404).end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

describe('vikunja release zip', () => {
  it('verifyZipMember: the member\'s digest must be the binary\'s; missing member, nested layout and mismatch are one-line errors', () => {
    expect(verifyZipMember(release(), 'r.zip', { member: `${BIN}.sha256`, binary: BIN })).toBe(sha(script));
    const one = (z: Buffer) => {
      try {
        verifyZipMember(z, 'r.zip', { member: `${BIN}.sha256`, binary: BIN });
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(one(release({ binary: '#!/bin/sh\necho evil\n' }))).toBe(`checksum mismatch for ${BIN} in r.zip: expected sha256 ${sha(script)}, got ${sha('#!/bin/sh\necho evil\n')}`);
    expect(one(release({ sum: '' }))).toBe(`r.zip has no checksum member ${BIN}.sha256`);
    expect(one(release({ sum: `${sha(script)}  other-binary` }))).toBe(`${BIN}.sha256 in r.zip has no sha256 for ${BIN}`);
    expect(one(release({ layout: 'vikunja-full/' }))).toBe(`r.zip: checksum member ${BIN}.sha256 is at vikunja-full/${BIN}.sha256, not at the archive root`);
  });

  it('from a host path: checked in place, nothing run, the digest of the zip recorded', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pxd-vik-'));
    const zip = release();
    writeFileSync(path.join(dir, `vikunja-${V}-linux-amd64-full.zip`), zip);
    const { app, config } = await vikunja(`${dir}/vikunja-{version}-linux-amd64-full.zip`);
    const runner = new RecordingRunner([]);
    const { ctx } = testContext(runner);
    await expect(resolveSource(ctx, app, config, 'vik', 'backend', {})).resolves.toEqual({
      component: 'backend', version: V, file: path.join(dir, `vikunja-${V}-linux-amd64-full.zip`), format: 'zip', sha256: sha(zip), scratch: false,
    });
    writeFileSync(path.join(dir, `vikunja-${V}-linux-amd64-full.zip`), release({ binary: 'tampered' }));
    await expect(resolveSource(ctx, app, config, 'vik', 'backend', {})).rejects.toThrow(/^checksum mismatch for vikunja-v9\.9\.9-linux-amd64 in \/.*full\.zip: expected sha256/);
    expect(runner.calls).toEqual([]);
  });

  it('from a URL (loopback HTTP): downloaded into the scratch dir only when verified; dry-run downloads nothing', async () => {
    const zip = release();
    served.set(`/dl/${V}/vikunja-${V}-linux-amd64-full.zip`, zip);
    served.set(`/bad/${V}/vikunja-${V}-linux-amd64-full.zip`, release({ sum: '' }));
    const { app, config } = await vikunja(`${base}/dl/{version}/vikunja-{version}-linux-amd64-full.zip`);
    const { ctx } = testContext(new RecordingRunner([]));
    const r = await resolveSource(ctx, app, config, 'vik', 'backend', {});
    expect(r).toMatchObject({ version: V, format: 'zip', sha256: sha(zip), scratch: true });
    expect(r.file).toBe(path.join(ctx.paths.scratchDir, `vik-backend-vikunja-${V}-linux-amd64-full.zip`));
    expect(sha(readFileSync(r.file))).toBe(sha(zip));

    const bad = await vikunja(`${base}/bad/{version}/vikunja-{version}-linux-amd64-full.zip`);
    const t2 = testContext(new RecordingRunner([]));
    await expect(resolveSource(t2.ctx, bad.app, bad.config, 'vik', 'backend', {})).rejects.toThrow(`${base}/bad/${V}/vikunja-${V}-linux-amd64-full.zip has no checksum member ${BIN}.sha256`);
    expect(() => readFileSync(path.join(t2.ctx.paths.scratchDir, `vik-backend-vikunja-${V}-linux-amd64-full.zip`))).toThrow(/ENOENT/);
    const missing = await vikunja(`${base}/nope/{version}.zip`);
    await expect(resolveSource(t2.ctx, missing.app, missing.config, 'vik', 'backend', {})).rejects.toThrow(`cannot download ${base}/nope/${V}.zip: HTTP 404`);

    const before = hits.length;
    const dry = testContext(new RecordingRunner([]), { dryRun: true });
    await resolveSource(dry.ctx, app, config, 'vik', 'backend', {});
    expect(hits.length).toBe(before);
    expect(dry.printed.join('\n')).toContain(`download ${base}/dl/${V}/vikunja-${V}-linux-amd64-full.zip and check its sha256`);
  });
});
