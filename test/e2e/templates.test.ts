// E2E on pvesim (a debian-12 template: its busybox serves HTTP in the clones): template build (→ `template: 1`, then a no-op), two full clones serving their own IPs, PVE's linked-clone refusal on dir storage, ct set/resize.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostCommandTripwire, hostTool, makeRoot, pxdeployAsync } from '../helpers/cli.js';

// Only these vmids and addresses belong to this file.
const TPL = 960;
const C1 = 260;
const C2 = 261;
const LINKED = 262;
const IP = (n: number) => `10.203.0.${100 + n}`;
const root = makeRoot('pxdeploy-tpl-');
const specs = makeRoot('pxdeploy-tpl-specs-');
const run = (args: string[], pathPrefix?: string) => pxdeployAsync(args, { root, pathPrefix });

function spec(name: string, extra = ''): string {
  const file = path.join(specs, `${name}.yaml`);
  writeFileSync(
    file,
    `version: "1.0"
container:
  hostname: e2e-tpl-base
  template: debian-12
  resources: { cores: 1, memory: 256, disk: 2 }
  network: { ip: ${IP(9)}/24, gateway: 10.203.0.1 }
  tags: [e2e-tpl]
provisioning:
  scripts:
    - name: www
      interpreter: sh
      content: mkdir -p /srv/www && echo built > /srv/www/built.txt${extra}
post_clone:
  - name: serve
    interpreter: sh
    content: hostname > /srv/www/index.html && busybox httpd -p 8080 -h /srv/www
`,
  );
  return file;
}

function cleanup(): void {
  for (const id of [C1, C2, LINKED, TPL]) hostTool('pct', ['destroy', String(id), '--force', '1', '--purge', '1']);
}
beforeAll(cleanup);
afterAll(cleanup);

/** busybox httpd starts at once, but give the bridge a moment to learn the new MAC. */
async function httpGet(ip: string): Promise<string> {
  let last: unknown;
  for (let i = 0; i < 20; i++) {
    try {
      const r = await fetch(`http://${ip}:8080/`, { signal: AbortSignal.timeout(2000) });
      return await r.text();
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw last;
}

const configOf = (vmid: number) => hostTool('pct', ['config', String(vmid)]).stdout;

describe('template build', () => {
  it('builds a template on the dir storage: pct config shows template: 1, cleaned for cloning', async () => {
    const r = await run(['template', 'build', 'e2e-base', '-f', spec('base'), '--vmid', String(TPL), '--storage', 'local-hdd', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ changed: true, record: { name: 'e2e-base', vmid: TPL, storage: 'local-hdd' } });
    const cfg = configOf(TPL);
    expect(cfg).toMatch(/^template: 1$/m);
    expect(cfg).toMatch(/^rootfs: local-hdd:960\/base-960-disk-0/m);
    expect(hostTool('pct', ['status', String(TPL)]).stdout).toBe('status: stopped\n');
  });

  it('a second build of the same spec is up to date and runs no mutating command; a changed spec needs --rebuild', async () => {
    const wire = hostCommandTripwire();
    const again = await run(['template', 'build', 'e2e-base', '-f', spec('base')], wire.dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(`template e2e-base (CT ${TPL}) is up to date: no changes\n`);
    expect(wire.calls()).toEqual([`pct config ${TPL}`]);
    const changed = await run(['template', 'build', 'e2e-base', '-f', spec('changed', ' && echo v2 >> /srv/www/built.txt')]);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toContain(`template 'e2e-base' (CT ${TPL}) was built from a different spec`);
  });
});

describe('clone', () => {
  it('two full clones, made at the same time, run with their own IPs and answer HTTP with their own hostname', async () => {
    const [a, b] = await Promise.all(
      [
        [C1, 'e2e-c1', IP(0)],
        [C2, 'e2e-c2', IP(1)],
      ].map(([vmid, host, ip]) => run(['clone', 'e2e-base', '--hostname', String(host), '--vmid', String(vmid), '--ip', `${ip}/24`, '--gateway', '10.203.0.1', '--json'])),
    );
    expect(a!.code, a!.stderr).toBe(0);
    expect(b!.code, b!.stderr).toBe(0);
    expect(JSON.parse(a!.stdout)).toMatchObject({ vmid: C1, ip: IP(0), outcome: 'created', postClone: { ran: ['clone:identity', 'post_clone:serve'] } });
    expect(JSON.parse(b!.stdout)).toMatchObject({ vmid: C2, ip: IP(1), outcome: 'created' });
    for (const id of [C1, C2]) expect(hostTool('pct', ['status', String(id)]).stdout).toBe('status: running\n');
    expect(configOf(C1)).toMatch(/^tags: .*pxclone-e2e-base/m);
    expect(await httpGet(IP(0))).toBe('e2e-c1\n');
    expect(await httpGet(IP(1))).toBe('e2e-c2\n');
    const list = JSON.parse((await run(['template', 'list', '--json'])).stdout) as { templates: { vmid: number; clones: number[]; present: boolean }[] };
    expect(list.templates).toEqual([expect.objectContaining({ vmid: TPL, present: true, clones: [C1, C2] })]);
  });

  it('a linked clone of a template on dir storage is refused with PVE\'s reason, leaving nothing', async () => {
    const r = await run(['clone', 'e2e-base', '--hostname', 'e2e-lnk', '--vmid', String(LINKED), '--ip', `${IP(2)}/24`, '--linked']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').find((l) => l.startsWith('error: '))).toBe(`error: linked clone of template 'e2e-base' refused by PVE: Linked clone feature for 'local-hdd:${TPL}/base-${TPL}-disk-0.raw' is not available`);
    expect(hostTool('pct', ['status', String(LINKED)]).code).not.toBe(0);
  });
});

describe('ct set / ct resize', () => {
  it('ct set --memory is hot-plugged into the running clone; ct resize rootfs +1G grows it; pct config shows both', async () => {
    const set = await run(['ct', 'set', String(C1), '--memory', '512']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe(`CT ${C1}: memory 256 → 512 MB (live)\n`);
    const resize = await run(['ct', 'resize', String(C1), 'rootfs', '+1G']);
    expect(resize.code, resize.stderr).toBe(0);
    expect(resize.stdout).toBe(`CT ${C1}: rootfs 2G → 3G\n`);
    const cfg = configOf(C1);
    expect(cfg).toMatch(/^memory: 512$/m);
    expect(cfg).toMatch(/^rootfs: .*size=3G/m);
    expect((await run(['ct', 'set', String(C1), '--memory', '512'])).stdout).toBe(`CT ${C1}: no changes\n`);
  });

  it('ct resize to a smaller size is refused before pct runs (exit 2), and the disk keeps its size', async () => {
    const shrink = await run(['ct', 'resize', String(C1), 'rootfs', '1G']);
    expect(shrink.code).toBe(2);
    expect(shrink.stderr).toContain(`cannot shrink rootfs of CT ${C1} from 3G to 1G`);
    expect(configOf(C1)).toMatch(/^rootfs: .*size=3G/m);
  });
});
