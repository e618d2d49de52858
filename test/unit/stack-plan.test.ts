// The stack planner and apply against recorded node state: + on an empty node, = when in sync (no mutating command), one ~ memory, - only with --prune and the stack's tag, failures skip dependents.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordingRunner } from '../../src/host/recording-runner.js';
import type { ExpectedCommand } from '../../src/host/recording-runner.js';
import { applyStack, StackApplyError } from '../../src/stacks/apply.js';
import { loadStack, type Stack } from '../../src/stacks/load.js';
import { planStack } from '../../src/stacks/plan.js';
import { templateSpecHash } from '../../src/templates/build.js';
import { templatesFile } from '../../src/templates/state.js';
import { testContext } from '../helpers/context.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/stacks');
const CLUSTER = ['get', '/cluster/resources', '--type', 'vm', '--output-format', 'json'];

interface Ct {
  vmid: number;
  name: string;
  tags: string;
  template?: boolean;
  config?: string;
}

/** `pvesh get /cluster/resources` rows as pvesim prints them (recorded: cluster-resources.json). */
function clusterJson(cts: Ct[]): string {
  return JSON.stringify(cts.map((c) => ({ id: `lxc/${c.vmid}`, type: 'lxc', vmid: c.vmid, node: 'pvesim', name: c.name, status: c.template ? 'stopped' : 'running', tags: c.tags, template: c.template ? 1 : 0, maxmem: 268435456 })));
}

/** `pct config` of a clone in the recorded file's layout, with the fields a test changes. */
function cloneConfig(o: { vmid: number; hostname: string; memory: number; cores?: number; ip: string; tags: string }): string {
  return [
    'arch: amd64',
    `cores: ${o.cores ?? 1}`,
    `hostname: ${o.hostname}`,
    `memory: ${o.memory}`,
    `net0: name=eth0,bridge=vmbr0,gw=10.203.0.1,hwaddr=BC:24:11:00:02:${o.vmid - 200},ip=${o.ip},type=veth`,
    'onboot: 0',
    'ostype: debian',
    `rootfs: local-lvm:vm-${o.vmid}-disk-0,size=2G`,
    'swap: 0',
    `tags: ${o.tags}`,
    'unprivileged: 1',
    '',
  ].join('\n');
}

const inSync = (): Ct[] => [
  { vmid: 970, name: 'tpl-small', tags: 'pxdeploy;pxstack-small', template: true },
  { vmid: 270, name: 'a', tags: 'pxdeploy;pxstack-small', config: cloneConfig({ vmid: 270, hostname: 'a', memory: 256, ip: '10.203.0.110/24', tags: 'pxdeploy;pxstack-small' }) },
  { vmid: 271, name: 'b', tags: 'pxdeploy;pxstack-small', config: cloneConfig({ vmid: 271, hostname: 'b', memory: 256, ip: '10.203.0.111/24', tags: 'pxdeploy;pxstack-small' }) },
  { vmid: 272, name: 'c', tags: 'pxdeploy;pxstack-small', config: cloneConfig({ vmid: 272, hostname: 'c', memory: 128, ip: '10.203.0.112/24', tags: 'pxdeploy;pxstack-small' }) },
];

/** The reads a plan makes: the cluster view, then `pct config` of each CT a resource is (in any order: they run together). */
function reads(cts: Ct[]): ExpectedCommand[] {
  return [{ file: 'pvesh', args: CLUSTER, result: { stdout: clusterJson(cts) } }, ...cts.filter((c) => c.config).map((c) => ({ file: 'pct', args: ['config', String(c.vmid)], result: { stdout: c.config! } }))];
}

async function setup(cts: Ct[], extra: ExpectedCommand[] = []) {
  const stack = await loadStack(path.join(fixtures, 'small.yaml'));
  const runner = new RecordingRunner([...reads(cts), ...extra], { order: 'any' });
  const t = testContext(runner);
  if (cts.some((c) => c.vmid === 970)) recordTemplate(t.root, stack);
  return { stack, runner, ...t };
}

function recordTemplate(root: string, stack: Stack): void {
  const file = templatesFile(testContext(new RecordingRunner(), { root }).ctx.paths);
  mkdirSync(path.dirname(file), { recursive: true });
  const record = { name: 'tpl', vmid: 970, node: 'pvesim', storage: 'local-hdd', specHash: templateSpecHash(stack.specs['tpl']!.spec), builtAt: '2026-12-02T10:00:00Z' };
  writeFileSync(file, JSON.stringify({ schemaVersion: 1, templates: [record] }));
}

const lines = (plan: Awaited<ReturnType<typeof planStack>>) => plan.resources.map((r) => `${r.action} ${r.name}${r.changes.map((c) => ` ${c.field}:${c.have}→${c.want}`).join('')}`);

describe('planStack', () => {
  it('on an empty node: every resource is +, in dependency order; only the cluster view is read', async () => {
    const { stack, ctx, runner } = await setup([]);
    const plan = await planStack(ctx, stack, { prune: false });
    expect(lines(plan)).toEqual(['+ tpl', '+ a', '+ b', '+ c']);
    expect(plan.summary).toEqual({ add: 4, change: 0, destroy: 0, unchanged: 0 });
    runner.assertDone();
    expect(runner.calls.every((c) => c.readOnly)).toBe(true);
  });

  it('in sync: every resource is =, 0 changes', async () => {
    const { stack, ctx, runner } = await setup(inSync());
    const plan = await planStack(ctx, stack, { prune: false });
    expect(lines(plan)).toEqual(['= tpl', '= a', '= b', '= c']);
    expect(plan.summary).toEqual({ add: 0, change: 0, destroy: 0, unchanged: 4 });
    runner.assertDone();
  });

  it('one service with other memory: exactly one ~ memory, applied through ct set', async () => {
    const cts = inSync();
    cts[2]!.config = cts[2]!.config!.replace('memory: 256', 'memory: 512');
    const { stack, ctx } = await setup(cts);
    const plan = await planStack(ctx, stack, { prune: false });
    expect(lines(plan)).toEqual(['= tpl', '= a', '~ b memory:512→256', '= c']);
    expect(plan.resources[2]!.changes[0]!.via).toBe('resources');
    expect(plan.summary).toMatchObject({ change: 1, add: 0 });
  });

  it('a changed address is ~ net0.ip; a missing stack tag is ~ tags (others kept)', async () => {
    const cts = inSync();
    cts[1]!.config = cts[1]!.config!.replace('ip=10.203.0.110/24', 'ip=10.203.0.120/24').replace('tags: pxdeploy;pxstack-small', 'tags: mine;pxdeploy');
    const { stack, ctx } = await setup(cts);
    const plan = await planStack(ctx, stack, { prune: false });
    expect(lines(plan)[1]).toBe('~ a net0.ip:10.203.0.120/24→10.203.0.110/24 tags:mine;pxdeploy→mine;pxdeploy;pxstack-small');
  });

  it('a changed template spec is ~ spec (a rebuild)', async () => {
    const { stack, ctx, root } = await setup(inSync());
    writeFileSync(templatesFile(ctx.paths), JSON.stringify({ schemaVersion: 1, templates: [{ name: 'tpl', vmid: 970, node: 'pvesim', storage: 'local-hdd', specHash: 'f'.repeat(64), builtAt: '2026-12-02T10:00:00Z' }] }));
    void root;
    const plan = await planStack(ctx, stack, { prune: false });
    expect(plan.resources[0]).toMatchObject({ action: '~', changes: [{ field: 'spec', have: 'ffffffffffff', via: 'rebuild' }] });
  });

  it('--prune plans - only for CTs with the stack tag that the file does not list', async () => {
    const cts = [...inSync(), { vmid: 279, name: 'old', tags: 'pxdeploy;pxstack-small' }, { vmid: 280, name: 'foreign', tags: 'pxdeploy' }, { vmid: 281, name: 'other-stack', tags: 'pxstack-smaller' }];
    const without = await setup(cts);
    expect((await planStack(without.ctx, without.stack, { prune: false })).summary.destroy).toBe(0);
    const withPrune = await setup(cts);
    const plan = await planStack(withPrune.ctx, withPrune.stack, { prune: true });
    expect(plan.resources.filter((r) => r.action === '-')).toEqual([expect.objectContaining({ name: 'old', vmid: 279, kind: 'ct' })]);
    expect(plan.summary).toEqual({ add: 0, change: 0, destroy: 1, unchanged: 4 });
  });

  it('a vmid another CT holds is planned as + but blocked, with the reason', async () => {
    const cts = inSync().filter((c) => c.vmid !== 270);
    cts.push({ vmid: 270, name: 'someone-else', tags: '', config: cloneConfig({ vmid: 270, hostname: 'someone-else', memory: 64, ip: 'dhcp', tags: '' }) });
    const { stack, ctx } = await setup(cts);
    const plan = await planStack(ctx, stack, { prune: false });
    expect(plan.resources.find((r) => r.name === 'a')).toMatchObject({ action: '+', blocked: 'vmid 270 is CT someone-else, which this stack did not make' });
  });
});

describe('applyStack', () => {
  const confirmNever = async () => {
    throw new Error('must not ask: nothing to apply');
  };

  it('in sync: 0 changes, no lock, no mutating command, no effect in the log', async () => {
    const { stack, ctx, runner, log } = await setup(inSync());
    const r = await applyStack(ctx, stack, { prune: false, parallel: 2, confirm: confirmNever });
    expect(r.counts).toEqual({ ok: 0, failed: 0, skipped: 0, unchanged: 4 });
    runner.assertDone();
    expect(runner.calls.filter((c) => !c.readOnly)).toEqual([]);
    expect(log.lines.filter((l) => /effect:/.test(l))).toEqual([]);
  });

  it('a failed resource skips its dependents; the independent change is applied; StackApplyError carries the table', async () => {
    const cts = inSync().filter((c) => c.vmid !== 270);
    cts.push({ vmid: 270, name: 'someone-else', tags: '', config: cloneConfig({ vmid: 270, hostname: 'someone-else', memory: 64, ip: 'dhcp', tags: '' }) });
    const b = cts.find((x) => x.vmid === 271)!;
    b.config = b.config!.replace('memory: 256', 'memory: 512');
    const c = cts.find((x) => x.vmid === 272)!;
    c.config = c.config!.replace('tags: pxdeploy;pxstack-small', 'tags: pxdeploy');
    // The change of c: its tags (the container's spec says pxdeploy + the stack tag).
    const { stack, ctx, runner } = await setup(cts, [{ file: 'pct', args: ['set', '272', '--tags', 'pxdeploy;pxstack-small'] }]);
    let asked = 0;
    const err = await applyStack(ctx, stack, { prune: false, parallel: 2, confirm: async () => void asked++ }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StackApplyError);
    const result = (err as StackApplyError).result;
    expect(asked).toBe(1);
    expect(result.results.map((x) => `${x.name} ${x.status} ${x.detail}`)).toEqual([
      'tpl unchanged CT 970',
      'a failed vmid 270 is CT someone-else, which this stack did not make',
      'b skipped depends on a which failed',
      'c ok CT 272: tags pxdeploy → pxdeploy;pxstack-small',
    ]);
    expect(result.counts).toEqual({ ok: 1, failed: 1, skipped: 1, unchanged: 1 });
    runner.assertDone();
  });
});

describe('renderApply', () => {
  it('the deploy-all table: every resource with its result, the counts, then each failure\'s output', async () => {
    const { renderApply } = await import('../../src/stacks/render.js');
    const planned = { stack: 's', tag: 'pxstack-s', resources: [], summary: { add: 2, change: 0, destroy: 0, unchanged: 1 } };
    const text = renderApply({
      stack: 's',
      planned,
      results: [
        { name: 'tpl', kind: 'template', action: '=', status: 'unchanged', detail: 'CT 970', vmid: 970 },
        { name: 'db', kind: 'clone', action: '+', status: 'failed', detail: 'post_clone:init failed (exit 3)', error: 'post_clone:init failed (exit 3)\ninitdb: directory exists\nFATAL', seconds: 4.2 },
        { name: 'web', kind: 'clone', action: '+', status: 'skipped', detail: 'depends on db which failed' },
      ],
      counts: { ok: 0, failed: 1, skipped: 1, unchanged: 1 },
    });
    expect(text).toBe(
      [
        'RESOURCE  KIND      ACTION  RESULT     TIME  DETAIL',
        'tpl       template  =       unchanged        CT 970',
        'db        clone     +       FAILED     4.2s  post_clone:init failed (exit 3)',
        'web       clone     +       skipped          depends on db which failed',
        '',
        'Apply finished with failures: 0 succeeded, 1 failed, 1 skipped, 1 unchanged.',
        '',
        'db: post_clone:init failed (exit 3)', // the failing step's output follows the table
        '  initdb: directory exists',
        '  FATAL',
      ].join('\n'),
    );
  });
});

describe('instances in a stack', () => {
  it('an instance from its config file carries the stack tag and is + while it has no state', async () => {
    const dir = (await import('node:fs')).mkdtempSync(path.join((await import('node:os')).tmpdir(), 'pxd-stack-inst-'));
    const file = path.join(dir, 'stack.yaml');
    writeFileSync(file, `name: inst\nresources:\n  notes-demo:\n    kind: instance\n    file: ${path.resolve(fixtures, '../../../examples/instances/demo.yaml')}\n`);
    const stack = await loadStack(file);
    expect(stack.instances['notes-demo']!.spec.container.tags).toContain('pxstack-inst');
    const runner = new RecordingRunner([{ file: 'pvesh', args: CLUSTER, result: { stdout: '[]' } }]);
    const { ctx } = testContext(runner);
    expect((await planStack(ctx, stack, { prune: false })).resources).toEqual([expect.objectContaining({ name: 'notes-demo', kind: 'instance', action: '+' })]);
  });
});

describe('clones of templates', () => {
  it('a clone may name its template by the template\'s name; a template nobody has is a blocked +', async () => {
    const dir = (await import('node:fs')).mkdtempSync(path.join((await import('node:os')).tmpdir(), 'pxd-stack-tpl-'));
    const file = path.join(dir, 'stack.yaml');
    writeFileSync(path.join(dir, 'tpl.yaml'), readFileSync(path.join(fixtures, 'tpl.yaml')));
    writeFileSync(file, 'name: t\nresources:\n  base-tpl: { kind: template, name: base, file: tpl.yaml }\n  a: { kind: clone, template: base }\n  b: { kind: clone, template: nowhere }\n');
    const stack = await loadStack(file);
    expect(stack.graph.deps.get('a')).toEqual(['base-tpl']);
    const { ctx } = testContext(new RecordingRunner([{ file: 'pvesh', args: CLUSTER, result: { stdout: '[]' } }]));
    const plan = await planStack(ctx, stack, { prune: false });
    expect(plan.resources.map((r) => [r.name, r.action, r.blocked])).toEqual([
      ['base-tpl', '+', undefined],
      ['a', '+', undefined],
      ['b', '+', 'no template "nowhere": build it first (`pxdeploy template build`) or add it to the stack'],
    ]);
  });
});
