// An app CT on another node: created through `pvesh create /nodes/<n>/lxc` from the archive's volid (a derived archive goes into the same template cache), started through the API; refusals before anything runs.
import { describe, expect, it } from 'vitest';
import { createAppCt } from '../../../src/apps/create-ct.js';
import { installApp } from '../../../src/apps/install.js';
import { packageToSpec } from '../../../src/backends/oci/package-spec.js';
import { parsePackageText } from '../../../src/catalog/parse.js';
import { UsageError } from '../../../src/errors.js';
import { RecordingRunner } from '../../../src/host/recording-runner.js';
import { testContext } from '../../helpers/context.js';
import { fx, get, pveRoot } from './helpers.js';

const PKG = `name: web
description: a test app
homepage: https://example.org
sources: [https://example.org]
oci:
  image: 127.0.0.1:5000/demo/app
  tag: "1.0"
  ports: [{ port: 3456, protocol: tcp, description: http }]
  env:
    GREETING: { description: a greeting, default: hello }
  resources: { cores: 1, memory: 128, disk: 1 }
  health: { port: 3456, path: /health, status: 200, start_period: 10 }
  unprivileged: true
`;

function pkg() {
  const r = parsePackageText(PKG, 'web.yml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.pkg;
}

const CACHE = '/var/lib/vz/template/cache';

describe('createAppCt on another node', () => {
  it('plans pvesh create with the derived archive\'s volid beside the pulled one, start through the API, and removal of the derived archive', async () => {
    const { ctx, printed } = testContext(new RecordingRunner([]), { dryRun: true, root: pveRoot(['pve', 'pvex2']) });
    const spec = packageToSpec(pkg(), { hostname: 'web', vmid: 595, ip: '10.203.0.138/24', gateway: '10.203.0.1', bridge: 'vmbr0', storage: 'local-lvm', volumeHosts: {}, gpu: false });
    const ct = await createAppCt(ctx, {
      spec,
      storage: 'local-lvm',
      archive: `${CACHE}/demo-app_1.0.tar`,
      vmid: 595,
      env: { GREETING: 'hi' },
      health: pkg().oci!.health,
      secretKeys: [],
      remote: { node: 'pvex2', archiveVolid: 'local:vztmpl/demo-app_1.0.tar' },
    });
    expect(ct).toEqual({ vmid: 595, ip: '10.203.0.138', url: 'http://10.203.0.138:3456/' });
    const runs = printed.join('\n');
    expect(runs).toContain(`tar -cf ${CACHE}/pxdeploy-app-web.tar`);
    expect(runs).toContain(
      'pvesh create /nodes/pvex2/lxc --vmid 595 --ostemplate local:vztmpl/pxdeploy-app-web.tar --hostname web --cores 1 --memory 128 --swap 512 --rootfs local-lvm:1 --net0 name=eth0,bridge=vmbr0,gw=10.203.0.1,ip=10.203.0.138/24 --unprivileged 1',
    );
    expect(runs).toContain('pvesh create /nodes/pvex2/lxc/595/status/start');
    expect(runs).toContain('its config through the API');
    expect(runs).not.toMatch(/\bpct (create|start)\b/);
    expect(runs.indexOf('pvesh create /nodes/pvex2/lxc ')).toBeLessThan(runs.indexOf(`remove ${CACHE}/pxdeploy-app-web.tar`));
  });
});

describe('installApp placement', () => {
  const input = { pkg: pkg(), sets: [], allowEnv: [], gpu: false, auth: {}, node: 'pvex2' };

  it('another node needs a static --ip: one line naming the node and why, after only the node list', async () => {
    const runner = new RecordingRunner([get('/nodes', fx('nodes.json'))]);
    const { ctx } = testContext(runner, { root: pveRoot(['pve', 'pvex2']) });
    const err = await installApp(ctx, input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe('app web on node pvex2: needs a static --ip: the DHCP lease is only seen on that node, and the health gate needs the address');
    expect((err as UsageError).hint).toBe('install it on this node (--node pve), or run pxdeploy on pvex2 itself');
    runner.assertDone();
  });

  it('an unknown node is refused before anything else is asked', async () => {
    const runner = new RecordingRunner([get('/nodes', fx('nodes.json'))]);
    const { ctx } = testContext(runner, { root: pveRoot(['pve', 'pvex2']) });
    const err = await installApp(ctx, { ...input, node: 'pve9', ip: '10.0.0.5/24' }).catch((e: unknown) => e);
    expect((err as Error).message).toBe("unknown node 'pve9' (--node): the cluster has pve, pvex2");
    expect(runner.calls).toHaveLength(1);
  });
});
