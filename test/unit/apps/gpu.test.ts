// --gpu: devices reach `pct create` as devN with the gid their group has in the image's own /etc/group; a device the host lacks is a preflight problem.
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageSchema } from '../../../src/catalog/schema.js';
import { packageToSpec } from '../../../src/backends/oci/package-spec.js';
import { specToCreateOptions } from '../../../src/backends/lxc/spec-to-options.js';
import { pctCreate } from '../../../src/host/pct.js';
import { applyDeviceGids, gpuDeviceProblems } from '../../../src/apps/gpu.js';
import { readArchiveImage } from '../../../src/oci/derive.js';
import { readImageGroups } from '../../../src/oci/image-groups.js';
import { gzip, tarBytes } from '../../helpers/tar-bytes.js';

const pkg = packageSchema.parse({
  name: 'media', description: 'x', homepage: 'https://x', sources: ['https://x'], tags: [],
  oci: {
    image: 'docker.io/x/media', tag: '1', ports: [{ port: 80, description: 'web' }], health: { port: 80, path: '/' },
    devices: [{ path: '/dev/dri/renderD128', group: 'render', description: 'VA-API' }, { path: '/dev/dri/card0', group: 'video' }],
  },
});

const placement = { hostname: 'media', vmid: 410, ip: '10.203.0.50/24', gateway: '10.203.0.1', bridge: 'vmbr0', storage: 'local-lvm', volumeHosts: {}, gpu: true };
const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** An OCI archive whose two layers each carry an /etc/group: the newer one must win. */
function ociArchive(): string {
  const base = gzip(tarBytes([['etc/group', 'root:x:0:\nvideo:x:44:\nrender:x:100:\n']]));
  const top = gzip(tarBytes([['app/bin', 'x'], ['etc/group', 'root:x:0:\nvideo:x:44:\nrender:x:993:\n']]));
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Env: ['PATH=/bin'], Cmd: ['/app/bin'] }, rootfs: { type: 'layers', diff_ids: [] } });
  const layer = (b: Buffer) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(b), size: b.length });
  const manifest = JSON.stringify({ schemaVersion: 2, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length }, layers: [layer(base), layer(top)] });
  const index = JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(manifest), size: manifest.length }] });
  const blob = (b: Buffer | string): [string, Buffer | string] => [`blobs/sha256/${sha(b).slice(7)}`, b];
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'pxd-gpu-')), 'media_1.tar');
  writeFileSync(file, tarBytes([['oci-layout', '{"imageLayoutVersion":"1.0.0"}'], blob(base), blob(top), blob(config), blob(manifest), ['index.json', index]]));
  return file;
}

describe('--gpu', () => {
  it('reads the groups from the newest layer that has /etc/group', async () => {
    const archive = ociArchive();
    const groups = await readImageGroups(archive, await readArchiveImage(archive));
    expect(groups?.get('render')).toBe(993);
    expect(groups?.get('video')).toBe(44);
  });

  it('passes each device with its group\'s gid inside the CT to pct create', async () => {
    const archive = ociArchive();
    const groups = await readImageGroups(archive, await readArchiveImage(archive));
    const { spec, warnings } = applyDeviceGids(packageToSpec(pkg, placement), pkg.oci!.devices, groups);
    expect(warnings).toEqual([]);
    const args = pctCreate(410, 'local:vztmpl/media_1.tar', specToCreateOptions(spec, { storage: 'local-lvm' })).args;
    expect(args.slice(args.indexOf('--dev0'), args.indexOf('--dev0') + 2)).toEqual(['--dev0', '/dev/dri/renderD128,gid=993']);
    expect(args.slice(args.indexOf('--dev1'), args.indexOf('--dev1') + 2)).toEqual(['--dev1', '/dev/dri/card0,gid=44']);
  });

  it('warns and leaves the gid unset when the image has no such group; no devices without --gpu', () => {
    const { spec, warnings } = applyDeviceGids(packageToSpec(pkg, placement), pkg.oci!.devices, new Map([['video', 44]]));
    expect(spec.container.devices.map((d) => d.gid)).toEqual([undefined, 44]);
    expect(warnings).toEqual([expect.stringMatching(/^\/dev\/dri\/renderD128: the image has no group 'render'/)]);
    expect(packageToSpec(pkg, { ...placement, gpu: false }).container.devices).toEqual([]);
  });

  it('a device this host lacks is a preflight problem naming it and what it is for', async () => {
    const problems = await gpuDeviceProblems('media', [{ path: '/dev/pxdeploy-no-such-gpu', group: 'render', description: 'VA-API', optional: true }, { path: '/dev/null', optional: true }]);
    expect(problems).toEqual([{ file: 'package media', path: '--gpu', message: '/dev/pxdeploy-no-such-gpu (VA-API) does not exist on this host: is the GPU driver loaded?' }]);
  });
});
