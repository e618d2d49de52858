// Every command under --dry-run --json: no host mutation, no file changed, and a plan that matches what the real run logs, in order.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { createIo } from '../../src/cli/io.js';
import { SYSTEMD_STATE } from '../../src/containers/wait.js';
import { makeRoot, pxdeployAsync, repoRoot, snapshotTree, stubHostTools } from '../helpers/cli.js';
import { fixtures } from './fixtures.js';

/** waitForCtUp's probe, as the stub tools log its argv. */
const UP_PROBE = `ip -4 -o addr show dev eth0; echo "systemd: $(${SYSTEMD_STATE})"`;

interface Case {
  /** argv after `pxdeploy`. */
  args: string[];
  /** The exit code of the real run, which the plan must predict. */
  code: number;
  /** Read-only host commands and their recorded output: the only ones a plan may run. */
  answers?: Record<string, string>;
  /** Mutating commands (and reads that follow them) the real run performs; the plan must list exactly these `run` effects. */
  writes?: Record<string, string>;
  /** The operation log the real run writes (var/log/pxdeploy/<log>.log). */
  log?: string;
  /** Arrange the temporary root (e.g. a stale lock). */
  arrange?: (root: string) => void;
}

function staleLock(root: string, id: string, pid = 999_999): void {
  const dir = path.join(root, 'var/lock/pxdeploy', `${id}.lock`);
  mkdirSync(dir, { recursive: true });
  const meta = { pid: String(pid), timestamp: String(Math.floor(Date.now() / 1000)), owner: 'root', operation: 'update' };
  for (const [k, v] of Object.entries(meta)) writeFileSync(path.join(dir, k), `${v}\n`);
}

const host = (f: string) => readFileSync(path.join(repoRoot, 'test/fixtures/host', f), 'utf8');
const ctStatus = (s: string) => ({ 'pct status 205': `status: ${s}\n` });
const createReads = () => ({
  'pvesh get /cluster/resources --type vm --output-format json': '[]',
  'pvesh get /nodes/localhost/status --output-format json': host('pvesh-node-status.json'),
  'pvesm status --content rootdir': host('pvesm-status.txt').split('\n').filter((l) => !/^local |^nfs/.test(l)).join('\n'),
  'pvesm status': host('pvesm-status.txt'),
  'pvesh get /nodes/localhost/network --output-format json': '[{"iface":"vmbr0","type":"bridge","active":1}]',
  'pveam list local': host('pveam-list.txt'),
});

const inv = (f: string) => readFileSync(path.join(repoRoot, 'test/fixtures/inventory', f), 'utf8');
const inventoryReads = () => ({
  'pvesh get /nodes --output-format json': inv('nodes.json'),
  'pvesh get /nodes/pve/status --output-format json': inv('node-status.json'),
  'pvesh get /nodes/pve/storage --output-format json': inv('storage.json'),
  'pvesh get /nodes/pve/tasks --output-format json': inv('tasks.json'),
  'pvesh get /cluster/resources --type vm --output-format json': inv('cluster-resources.json'),
  'pvesh get /nodes/pve/lxc/580/config --output-format json': inv('lxc-580-config.json'),
  'pvesh get /nodes/pve/lxc/581/config --output-format json': inv('lxc-581-config.json'),
});

const cases: Record<string, Case[]> = {
  validate: [{ args: ['validate', '-f', fixtures('good-minimal.yaml')], code: 0 }],
  'ct list': [{ args: ['ct', 'list'], code: 0, answers: { 'pct list': '' } }],
  'ct show': [{ args: ['ct', 'show', '205'], code: 0, answers: { 'pct config 205': host('pct-config-web.txt'), 'pct status 205 --verbose 1': host('pct-status-verbose-running.txt'), 'pct exec 205 -- ip -4 -o addr show dev eth0': '2: eth0    inet 10.203.0.25/24 scope global eth0\n' } }],
  'ct start': [{ args: ['ct', 'start', '205'], code: 0, answers: ctStatus('stopped'), writes: { 'pct start 205': '' }, log: 'ct-205' }],
  'ct stop': [{ args: ['ct', 'stop', '205'], code: 0, answers: ctStatus('running'), writes: { 'pct stop 205': '' }, log: 'ct-205' }],
  'ct restart': [{ args: ['ct', 'restart', '205'], code: 0, answers: ctStatus('running'), writes: { 'pct reboot 205': '' }, log: 'ct-205' }],
  'ct destroy': [
    { args: ['ct', 'destroy', '205', '--yes'], code: 0, answers: ctStatus('stopped'), writes: { 'pct destroy 205 --force 0 --purge 1': '' }, log: 'ct-205' },
    { args: ['ct', 'destroy', '205', '--yes'], code: 2, answers: ctStatus('running') },
  ],
  'ct create': [
    {
      args: ['ct', 'create', '-f', fixtures('ct-stubbed.yaml')],
      code: 0,
      answers: createReads(),
      writes: {
        'pct create 205 local:vztmpl/debian-12-standard_12.12-1_amd64.tar.zst --hostname stubbed --cores 1 --memory 256 --swap 512 --rootfs local-lvm:2 --net0 name=eth0,bridge=vmbr0,gw=10.203.0.1,ip=10.203.0.25/24 --unprivileged 1 --onboot 0 --tags pxdeploy': '',
        'pct start 205': '',
        [`pct exec 205 -- sh -c ${UP_PROBE}`]:
          '2: eth0    inet 10.203.0.25/24 brd 10.203.0.255 scope global eth0\nsystemd: running\n',
      },
      log: 'ct-stubbed',
    },
  ],
  'ct provision': [{ args: ['ct', 'provision', '205', '-f', fixtures('ct-stubbed.yaml')], code: 3, answers: {} }],
  'oci pull': [{ args: ['oci', 'pull', 'demo', '--tls-verify=maybe'], code: 2 }],
  'oci list': [{ args: ['oci', 'list'], code: 0 }],
  'oci search': [{ args: ['oci', 'search', 'media'], code: 0 }],
  'oci rm': [{ args: ['oci', 'rm', 'app_9.9.tar'], code: 3 }],
  'app install': [{ args: ['app', 'install', 'no-such-app'], code: 3 }],
  'app update': [{ args: ['app', 'update', 'ghost'], code: 2 }],
  'app list': [{ args: ['app', 'list'], code: 0 }],
  'app remove': [{ args: ['app', 'remove', 'ghost', '--yes'], code: 2 }],
  install: [{ args: ['install', 'ghost-x'], code: 2 }],
  update: [{ args: ['update', 'ghost', '--color', 'red'], code: 2 }],
  rollback: [{ args: ['rollback', 'ghost'], code: 3 }],
  status: [{ args: ['status'], code: 0 }],
  health: [{ args: ['health', 'ghost'], code: 3 }],
  start: [{ args: ['start', 'ghost'], code: 3 }],
  stop: [{ args: ['stop', 'ghost'], code: 3 }],
  uninstall: [{ args: ['uninstall', 'ghost', '--yes'], code: 3 }],
  logs: [{ args: ['logs', 'ghost'], code: 3 }],
  'backup verify': [{ args: ['backup', 'verify', 'latest', '--id', 'ghost'], code: 3 }],
  backups: [{ args: ['backups'], code: 0 }],
  restore: [{ args: ['restore', 'ghost', '--yes'], code: 3 }],
  'schedule enable': [{ args: ['schedule', 'enable', 'ghost', '--on', 'daily'], code: 3 }],
  'schedule disable': [{ args: ['schedule', 'disable', 'ghost'], code: 3 }],
  'schedule status': [{ args: ['schedule', 'status'], code: 0 }],
  'inventory sync': [{ args: ['inventory', 'sync'], code: 0, answers: inventoryReads(), log: 'inventory' }],
  'inventory show': [{ args: ['inventory', 'show', '--type', 'ct'], code: 0 }],
  history: [{ args: ['history', '580'], code: 0 }],
  completion: [{ args: ['completion', 'bash'], code: 0 }],
  drift: [{ args: ['drift'], code: 0, answers: { 'pvesh get /cluster/resources --type vm --output-format json': inv('cluster-resources.json') } }],
  'lock status': [{ args: ['lock', 'status'], code: 0, arrange: (r) => staleLock(r, 'web') }],
  'lock release': [
    { args: ['lock', 'release', 'web'], code: 0, arrange: (r) => staleLock(r, 'web') },
    { args: ['lock', 'release', 'web'], code: 5, arrange: (r) => staleLock(r, 'web', process.pid) },
    { args: ['lock', 'release', 'web', '--force'], code: 0, arrange: (r) => staleLock(r, 'web', process.pid) },
  ],
};

const stackFile = (f: string) => path.join(repoRoot, 'test/fixtures/stacks', f);
const clusterEmpty = { 'pvesh get /cluster/resources --type vm --output-format json': '[]' };
// The stack's one CT is missing from an empty cluster: drift -f reports it (exit 2), reading only.
cases['drift']!.push({ args: ['drift', '-f', stackFile('dry-run.yaml')], code: 2, answers: clusterEmpty });
cases['plan'] = [
  { args: ['plan', '-f', stackFile('dry-run.yaml')], code: 0, answers: clusterEmpty },
  { args: ['plan', '-f', stackFile('dry-run.yaml'), '--detailed-exitcode'], code: 2, answers: clusterEmpty },
  { args: ['plan', '-f', stackFile('invalid.yaml')], code: 2 },
];
// The stack's one container is `ct create`'s, with the stack's tag.
cases['apply'] = [
  {
    args: ['apply', '-f', stackFile('dry-run.yaml'), '--yes'],
    code: 0,
    answers: createReads(),
    writes: Object.fromEntries(Object.entries(cases['ct create']![0]!.writes!).map(([k, v]) => [k.replace('--tags pxdeploy', '--tags pxdeploy;pxstack-dry'), v])),
    log: 'stack-dry',
  },
];

// Issue 11 part 1: templates, clones, ct set/resize (stubs answer as a PVE node would).
const TPL_CONFIG = 'hostname: stubbed\nmemory: 256\nnet0: name=eth0,bridge=vmbr0,gw=10.203.0.1,hwaddr=BC:24:11:00:00:01,ip=10.203.0.25/24,type=veth\nostype: debian\nrootfs: local-lvm:base-960-disk-0,size=2G\ntags: pxdeploy\ntemplate: 1\n';
const upAt = (vmid: number, ip: string) => ({
  [`pct exec ${vmid} -- sh -c ${UP_PROBE}`]: `2: eth0    inet ${ip}/24 scope global eth0\nsystemd: running\n`,
});
function recordTemplate(root: string): void {
  const file = path.join(root, 'var/lib/pxdeploy/templates.json');
  mkdirSync(path.dirname(file), { recursive: true });
  const record = { name: 'stubbed', vmid: 960, node: 'localhost', storage: 'local-lvm', specHash: 'a'.repeat(64), builtAt: '2026-12-02T10:00:00.000Z', specFile: fixtures('ct-stubbed.yaml') };
  writeFileSync(file, JSON.stringify({ schemaVersion: 1, templates: [record] }));
}
const { CLEAN_FOR_CLONING, NEW_IDENTITY } = await import('../../src/templates/identity.js');
cases['template build'] = [
  {
    args: ['template', 'build', 'stubbed', '-f', fixtures('ct-stubbed.yaml'), '--vmid', '960'],
    code: 0,
    answers: { ...createReads(), 'pct config 960': TPL_CONFIG.replace('template: 1\n', '') },
    writes: {
      'pct create 960 local:vztmpl/debian-12-standard_12.12-1_amd64.tar.zst --hostname stubbed --cores 1 --memory 256 --swap 512 --rootfs local-lvm:2 --net0 name=eth0,bridge=vmbr0,gw=10.203.0.1,ip=10.203.0.25/24 --unprivileged 1 --onboot 0 --tags pxdeploy': '',
      'pct start 960': '',
      ...upAt(960, '10.203.0.25'),
      [`pct exec 960 -- sh -c ${CLEAN_FOR_CLONING}`]: '',
      'pct stop 960': '',
      'pct template 960': '',
    },
    log: 'template-stubbed',
  },
  { args: ['template', 'build', '../x', '-f', fixtures('ct-stubbed.yaml')], code: 2 },
];
cases['template list'] = [
  { args: ['template', 'list'], code: 0 },
  { args: ['template', 'list'], code: 0, arrange: recordTemplate, answers: clusterEmpty },
];
cases['clone'] = [
  {
    args: ['clone', 'stubbed', '--hostname', 'web1', '--vmid', '260', '--ip', '10.203.0.100/24', '--gateway', '10.203.0.1'],
    code: 0,
    arrange: recordTemplate,
    answers: { ...clusterEmpty, 'pct config 960': TPL_CONFIG },
    writes: {
      'pct clone 960 260 --full 1 --hostname web1': '',
      'pct set 260 --net0 name=eth0,bridge=vmbr0,gw=10.203.0.1,ip=10.203.0.100/24,type=veth --tags pxclone-stubbed;pxdeploy': '',
      'pct start 260': '',
      ...upAt(260, '10.203.0.100'),
      [`pct exec 260 -- sh -c ${NEW_IDENTITY}`]: '',
    },
    log: 'ct-web1',
  },
  { args: ['clone', 'ghost', '--hostname', 'web1'], code: 3 },
  { args: ['clone', 'stubbed', '--hostname', 'Web_1'], code: 2 },
];
// Issue 12 item 5: --node on every command that creates; a single node asks only for the node list when another node is named.
const clusterNodes = { 'pvesh get /nodes --output-format json': readFileSync(path.join(repoRoot, 'test/unit/cluster/fixtures/nodes.json'), 'utf8') };
cases['app install']!.push({ args: ['app', 'install', 'demo', '--ip', '10.203.0.136/24', '--node', 'pvex9'], code: 2, answers: clusterNodes });
cases['template build']!.push({ args: ['template', 'build', 'stubbed', '-f', fixtures('ct-stubbed.yaml'), '--node', 'pvex2'], code: 2, answers: clusterNodes });
cases['clone']!.push({ args: ['clone', 'stubbed', '--hostname', 'web1', '--vmid', '260', '--ip', '10.203.0.100/24', '--node', 'pvex9'], code: 2, arrange: recordTemplate, answers: { ...clusterEmpty, 'pct config 960': TPL_CONFIG, ...clusterNodes } });
cases['ct set'] = [
  {
    args: ['ct', 'set', '205', '--memory', '512'],
    code: 0,
    answers: { 'pct config 205': host('pct-config-web.txt'), 'pct status 205': 'status: running\n', 'pct config 205 --current 1': host('pct-config-web.txt').replace('memory: 1024', 'memory: 512') },
    writes: { 'pct set 205 --memory 512': '' },
    log: 'ct-205',
  },
  { args: ['ct', 'set', '205'], code: 2 },
];
cases['ct resize'] = [
  { args: ['ct', 'resize', '205', 'rootfs', '+1G'], code: 0, answers: { 'pct config 205': host('pct-config-web.txt') }, writes: { 'pct resize 205 rootfs +1G': '' }, log: 'ct-205' },
  { args: ['ct', 'resize', '205', 'rootfs', '-1G'], code: 2 },
];

/** `ct list`, `lock release`, …: every runnable leaf of the program. */
function leafCommands(cmd: Command, prefix: string[] = []): string[] {
  return cmd.commands.flatMap((c) => (c.commands.length > 0 ? leafCommands(c, [...prefix, c.name()]) : [[...prefix, c.name()].join(' ')]));
}

describe('--dry-run --json for every command', () => {
  it('has a case for every command the program registers', () => {
    expect(leafCommands(buildProgram(createIo(), '0.0.0')).sort()).toEqual(Object.keys(cases).sort());
  });

  for (const [name, list] of Object.entries(cases)) {
    list.forEach((c, i) => {
      it(`${name} #${i + 1}: changes nothing, exits as the real run would, and plans what the real run performs`, async () => {
        const planRoot = makeRoot();
        const realRoot = makeRoot();
        c.arrange?.(planRoot);
        c.arrange?.(realRoot);
        const stubs = stubHostTools(c.answers);
        const before = snapshotTree(planRoot);
        const dry = await pxdeployAsync([...c.args, '--dry-run', '--json'], { root: planRoot, pathPrefix: stubs.dir });
        expect(dry.code, dry.stderr).toBe(c.code);
        expect(snapshotTree(planRoot)).toEqual(before);
        expect(stubs.calls().filter((call) => !(call in (c.answers ?? {})))).toEqual([]); // only reads ran

        const realStubs = stubHostTools({ ...c.answers, ...c.writes });
        const real = await pxdeployAsync([...c.args, '--json'], { root: realRoot, pathPrefix: realStubs.dir });
        expect(real.code, real.stderr).toBe(c.code);
        if (c.code !== 0) return;
        const body = JSON.parse(dry.stdout) as { plan?: { kind: string; display: string }[] };
        if (body.plan === undefined) {
          // A command that only reads has no plan and writes no operation log.
          expect(snapshotTree(realRoot)).toEqual(snapshotTree(planRoot));
          return;
        }
        // The plan's host commands are the real run's mutating ones, in the same order.
        const plannedRuns = body.plan.filter((p) => p.kind === 'run').map((p) => p.display.replace(/^run /, '').replace(/'([^']*)'/g, '$1')); // the stubs log argv unquoted
        const performed = realStubs.calls().filter((call) => !(call in (c.answers ?? {})) && !/^pct exec \d+ -- (ip|sh -c ip) /.test(call));
        expect(plannedRuns).toEqual(performed);
        const logged = readFileSync(path.join(realRoot, 'var/log/pxdeploy', `${c.log ?? c.args[2]}.log`), 'utf8').trim().split('\n');
        expect(logged.at(-1)).toMatch(/\[SUCCESS\] \[[a-z-]+\] .*\(exit 0\)$/);
        expect(logged.filter((l) => /\] effect: |released .*lock/.test(l))).toHaveLength(body.plan.filter((p) => p.kind !== 'after').length);
      });
    });
  }
});
