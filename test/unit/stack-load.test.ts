// Stack files: the example and the fixtures load; every problem comes at once with its file, line and path (schema, kinds, graph, inline specs).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStack, validateStackFile } from '../../src/stacks/load.js';
import { ConfigError } from '../../src/errors.js';

const repo = path.resolve(import.meta.dirname, '../..');
const fixture = (f: string) => path.join(repo, 'test/fixtures/stacks', f);

function stackFile(body: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pxd-stack-'));
  const f = path.join(dir, 'stack.yaml');
  writeFileSync(f, body);
  return f;
}

describe('stack files', () => {
  it('examples/homelab.yaml: two templates, three clones, one app; clones follow their template without depends_on', async () => {
    const s = await loadStack(path.join(repo, 'examples/homelab.yaml'));
    expect(s.tag).toBe('pxstack-homelab');
    expect(Object.values(s.resources).map((r) => r.kind).sort()).toEqual(['app', 'clone', 'clone', 'clone', 'template', 'template']);
    expect(s.graph.deps.get('postgres')).toEqual(['tpl-db']);
    expect(s.graph.deps.get('web')).toEqual(['postgres', 'redis', 'tpl-web']);
    const order = s.graph.order;
    expect(order.indexOf('tpl-web')).toBeLessThan(order.indexOf('web'));
    expect(order.indexOf('redis')).toBeLessThan(order.indexOf('web'));
    expect(s.packages['demo-app']?.name).toBe('demo');
    expect(s.specFiles['tpl-db']).toBe(path.join(repo, 'examples/homelab/db-template.yaml'));
  });

  it('an inline container spec gets the stack tag; its lines are the stack file\'s', async () => {
    const s = await loadStack(fixture('small.yaml'));
    expect(s.specs['c']!.spec.container.tags).toEqual(['pxstack-small']);
    expect(s.specs['c']!.lineOf(['container', 'resources'])).toBe(31);
    expect(s.specs['tpl']!.spec.container.tags).toEqual([]); // a template's spec is hashed as written
  });

  it('reports every problem with its line: unknown key with a hint, unknown kind, unknown dependency, an inline spec rule', async () => {
    const r = await validateStackFile(fixture('invalid.yaml'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => `${p.line} ${p.path}: ${p.message}`)).toEqual([
      '7 resources.a.memroy: unknown key (did you mean "memory"?)',
      '8 resources.a.depends_on[0]: a depends on "ghost", which is not a resource of this stack',
      '10 resources.b.kind: "vm" is not one of container, template, clone, app, instance',
      '17 resources.c.spec.container.network.gateway: a gateway needs a static ip (ip is "dhcp", which brings its own gateway): remove gateway or set ip to an address/prefix',
    ]);
    expect(r.problems.every((p) => p.file === fixture('invalid.yaml'))).toBe(true);
  });

  it('a cycle is one problem naming the resources on it', async () => {
    const r = await validateStackFile(stackFile('name: x\nresources:\n  a: { kind: instance, file: i.yaml, depends_on: [b] }\n  b: { kind: instance, file: i.yaml, depends_on: [a] }\n'));
    expect(r.ok ? [] : r.problems.map((p) => `${p.line} ${p.path}: ${p.message}`)).toEqual(['3 resources.a.depends_on: dependency cycle: a → b → a']);
  });

  it('two resources on one IP or vmid, a container with neither spec nor file, a gateway without a static ip', async () => {
    const r = await validateStackFile(
      stackFile(`name: x
resources:
  a: { kind: clone, template: t, vmid: 270, ip: 10.203.0.110/24 }
  b: { kind: clone, template: t, vmid: 270, ip: 10.203.0.110/24 }
  c: { kind: container }
  d: { kind: app, package: demo, gateway: 10.203.0.1 }
`),
    );
    expect(r.ok ? [] : r.problems.map((p) => `${p.line} ${p.path}: ${p.message}`)).toEqual([
      "4 resources.b.ip: ip 10.203.0.110/24 is already a's",
      "4 resources.b.vmid: vmid 270 is already a's",
      '5 resources.c: give the container spec inline (spec:) or by file (file:), one of them',
      '6 resources.d.gateway: needs a static ip',
    ]);
  });

  it('files a resource names are validated with their own file and line; a missing package is the stack\'s problem', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pxd-stack-'));
    writeFileSync(path.join(dir, 'bad-ct.yaml'), 'container:\n  hostname: Bad_Host\n  template: debian-12\n');
    const f = path.join(dir, 'stack.yaml');
    writeFileSync(f, 'name: x\nresources:\n  t: { kind: template, file: bad-ct.yaml }\n  m: { kind: template, file: missing.yaml }\n  p: { kind: app, package: no-such-app }\n');
    const r = await validateStackFile(f);
    expect(r.ok ? [] : r.problems.map((p) => `${path.basename(p.file!)}:${p.line} ${p.path}: ${p.message.split(':')[0]}`)).toEqual([
      'bad-ct.yaml:2 container.hostname: "Bad_Host" is not a valid hostname',
      'stack.yaml:4 resources.m.file: missing.yaml',
      'stack.yaml:5 resources.p.package: no OCI app "no-such-app" in the catalog',
    ]);
  });

  it('loadStack throws ConfigError (exit 2); a missing file says so', async () => {
    await expect(loadStack('/nonexistent/stack.yaml')).rejects.toMatchObject({ exitCode: 2, problems: [{ message: 'no such file' }] });
    await expect(loadStack(fixture('invalid.yaml'))).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('stack files: interpolation', () => {
  it('${VAR} is replaced from the environment, except in the script bodies of inline specs', async () => {
    const f = stackFile(`name: x
resources:
  c:
    kind: container
    spec:
      container: { hostname: c, template: debian-12, network: { ip: "\${CT_IP}", gateway: 10.203.0.1 } }
      provisioning:
        scripts:
          - name: s
            content: echo \${HOME}
`);
    const s = await loadStack(f, { CT_IP: '10.203.0.117/24' });
    expect(s.specs['c']!.spec.container.network.ip).toBe('10.203.0.117/24');
    expect(s.specs['c']!.spec.provisioning.scripts[0]!.content).toBe('echo ${HOME}');
  });
});
