// The spec → pct mapping: examples/ct.yaml and the full fixture become exactly these `pct create` arguments.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseContainerSpecText } from '../../../src/config/container-spec.js';
import { sizeInGiB, specToCreateOptions } from '../../../src/backends/lxc/spec-to-options.js';
import { pctCreate } from '../../../src/host/pct.js';

const repo = path.resolve(import.meta.dirname, '../../..');
function spec(file: string) {
  const r = parseContainerSpecText(readFileSync(path.join(repo, file), 'utf8'), file, { SERVER_NAME: 'web.lan', TAILSCALE_AUTH_KEY: 'tskey-auth-test', DB_PASSWORD: 'pw' });
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('\n'));
  return r.spec;
}

describe('specToCreateOptions', () => {
  it('maps examples/ct.yaml to pct create arguments in the key table order', () => {
    const opts = specToCreateOptions(spec('examples/ct.yaml'), { storage: 'local-lvm', sshKeysFile: '/run/pxdeploy/keys' });
    const cmd = pctCreate(203, 'local:vztmpl/debian-12-standard_12.12-1_amd64.tar.zst', opts);
    expect(cmd.args).toEqual([
      'create', '203', 'local:vztmpl/debian-12-standard_12.12-1_amd64.tar.zst',
      '--hostname', 'web',
      '--cores', '2',
      '--memory', '1024',
      '--swap', '512',
      '--rootfs', 'local-lvm:4',
      '--mp0', '/srv/web/www,mp=/var/www/site,ro=1',
      '--net0', 'name=eth0,bridge=vmbr0,gw=10.203.0.1,ip=10.203.0.20/24',
      '--features', 'nesting=1',
      '--unprivileged', '1',
      '--onboot', '1',
      '--tags', 'prod;pxdeploy;web',
      '--description', 'nginx serving the static site from /srv/web/www',
      '--ssh-public-keys', '/run/pxdeploy/keys',
    ]);
  });

  it('maps volumes, devices (mode, owner, deny-write) and docker features from the full fixture', () => {
    const s = spec('test/fixtures/config/good-full.yaml');
    const o = specToCreateOptions(s, { storage: 'local-lvm' });
    expect(o.dev?.[0]).toEqual({ path: '/dev/dri/renderD128', mode: '0660', uid: 0, gid: 44 });
    expect(o.dev?.[1]).toMatchObject({ path: '/dev/ttyUSB0', 'deny-write': true });
    const volume = Object.values(o.mp ?? {}).find((m) => !m.volume!.startsWith('/'));
    expect(volume?.volume).toMatch(/^local-lvm:\d+(\.\d+)?$/);
    expect(o.tags).toContain('pxdeploy');
    if (s.provisioning.docker) expect(o.features).toMatchObject({ nesting: true });
  });

  it('converts sizes to the GiB pct allocates', () => {
    expect(sizeInGiB('10G')).toBe(10);
    expect(sizeInGiB('512M')).toBe(0.5);
    expect(sizeInGiB('1T')).toBe(1024);
  });
});
