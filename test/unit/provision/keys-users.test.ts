// Steps `root-keys` and `user:<name>`: exact argv on Debian and Alpine, convergence of an existing account, key files.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProvisionStepError } from '../../../src/errors.js';
import { RecordingRunner, type ExpectedCommand } from '../../../src/host/recording-runner.js';
import { provisioningSteps } from '../../../src/provision/steps.js';
import type { ProvisionStep } from '../../../src/provision/types.js';
import { testContext } from '../../helpers/context.js';
import { exec, KEY_ALICE, KEY_DEPLOY, push, PushCapture, readFileExpect, specWith, VMID } from './helpers.js';

const PASSWD = 'root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n';
const GROUP = 'root:x:0:\nsudo:x:27:\nwww-data:x:33:\n';
const ALICE_PASSWD = `${PASSWD}alice:x:1001:1001::/home/alice:/bin/bash\n`;
const ALICE_GROUP = `${GROUP.replace('sudo:x:27:', 'sudo:x:27:alice')}docker:x:999:alice\nalice:x:1001:\n`;

const ALICE_YAML = `users:\n  - username: alice\n    uid: 1001\n    groups: [sudo, docker]\n    ssh_keys: ["${KEY_ALICE}"]`;

function stepsOf(yaml: string): ProvisionStep[] {
  return provisioningSteps(specWith(yaml));
}

function harness(ostype = 'debian') {
  const runner = new RecordingRunner();
  const capture = new PushCapture(runner);
  const tc = testContext(capture);
  return { runner, capture, ...tc, target: { vmid: VMID, ostype } };
}

function sshDir(owner: string, dir: string): ExpectedCommand[] {
  return [exec(['mkdir', '-p', dir]), exec(['chown', owner, dir]), exec(['chmod', '0700', dir])];
}

describe('root-keys step', () => {
  it('keeps the keys already there, sets the managed block, pushes 0600 root:root from a 0600 scratch file that is removed', async () => {
    const h = harness();
    const existing = 'ssh-rsa AAAAB3NzaC1yc2E hand-added\n';
    for (const e of [
      ...sshDir('root:root', '/root/.ssh'),
      ...readFileExpect('/root/.ssh/authorized_keys', existing),
      push(h.ctx.paths, 'root-authorized_keys', '/root/.ssh/authorized_keys', ['--perms', '0600', '--user', 'root', '--group', 'root']),
    ])
      h.runner.expect(e);
    const [step] = stepsOf(`ssh_keys: ["${KEY_ALICE}", "${KEY_DEPLOY}"]`);
    expect(step!.id).toBe('root-keys');
    await step!.run(h.ctx, h.target);
    h.runner.assertDone();
    expect(h.capture.pushed).toEqual([
      { dest: '/root/.ssh/authorized_keys', content: `${existing}# pxdeploy begin\n${KEY_ALICE}\n${KEY_DEPLOY}\n# pxdeploy end\n`, mode: 0o600 },
    ]);
    expect(readdirSync(h.ctx.paths.scratchDir)).toEqual([]);
  });

  it('a missing authorized_keys (cat fails, test -e says absent) gets just the block', async () => {
    const h = harness('alpine');
    for (const e of [
      ...sshDir('root:root', '/root/.ssh'),
      ...readFileExpect('/root/.ssh/authorized_keys', undefined),
      push(h.ctx.paths, 'root-authorized_keys', '/root/.ssh/authorized_keys', ['--perms', '0600', '--user', 'root', '--group', 'root']),
    ])
      h.runner.expect(e);
    await stepsOf(`ssh_keys: ["${KEY_ALICE}"]`)[0]!.run(h.ctx, h.target);
    h.runner.assertDone();
    expect(h.capture.pushed[0]!.content).toBe(`# pxdeploy begin\n${KEY_ALICE}\n# pxdeploy end\n`);
  });

  it('an authorized_keys that exists but cannot be read fails instead of being overwritten', async () => {
    const h = harness();
    for (const e of [
      ...sshDir('root:root', '/root/.ssh'),
      exec(['cat', '/root/.ssh/authorized_keys'], { exitCode: 1, stderr: 'cat: /root/.ssh/authorized_keys: Permission denied\n' }),
      exec(['test', '-e', '/root/.ssh/authorized_keys']),
    ])
      h.runner.expect(e);
    const err = await stepsOf(`ssh_keys: ["${KEY_ALICE}"]`)[0]!.run(h.ctx, h.target).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProvisionStepError);
    expect((err as ProvisionStepError).outputTail).toContain('Permission denied');
    h.runner.assertDone();
    expect(h.capture.pushed).toEqual([]);
  });
});

describe('user step', () => {
  it('debian, new user: missing group created, useradd with uid/groups/shell, then keys owned by the user', async () => {
    const h = harness();
    for (const e of [
      ...readFileExpect('/etc/passwd', PASSWD),
      ...readFileExpect('/etc/group', GROUP),
      exec(['groupadd', 'docker']),
      exec(['useradd', '--create-home', '--uid', '1001', '--groups', 'sudo,docker', '--shell', '/bin/bash', 'alice']),
      ...readFileExpect('/etc/passwd', ALICE_PASSWD),
      ...readFileExpect('/etc/group', ALICE_GROUP),
      ...sshDir('alice:alice', '/home/alice/.ssh'),
      ...readFileExpect('/home/alice/.ssh/authorized_keys', undefined),
      push(h.ctx.paths, 'user-alice-authorized_keys', '/home/alice/.ssh/authorized_keys', ['--perms', '0600', '--user', 'alice', '--group', 'alice']),
    ])
      h.runner.expect(e);
    const [step] = stepsOf(ALICE_YAML);
    expect(step!.id).toBe('user:alice');
    await step!.run(h.ctx, h.target);
    h.runner.assertDone();
    expect(h.capture.pushed[0]).toEqual({ dest: '/home/alice/.ssh/authorized_keys', content: `# pxdeploy begin\n${KEY_ALICE}\n# pxdeploy end\n`, mode: 0o600 });
  });

  it('debian, re-run on the user as created: no account command at all, only the keys are rewritten', async () => {
    const h = harness();
    const keys = `# pxdeploy begin\n${KEY_ALICE}\n# pxdeploy end\n`;
    for (const e of [
      ...readFileExpect('/etc/passwd', ALICE_PASSWD),
      ...readFileExpect('/etc/group', ALICE_GROUP),
      ...sshDir('alice:alice', '/home/alice/.ssh'),
      ...readFileExpect('/home/alice/.ssh/authorized_keys', keys),
      push(h.ctx.paths, 'user-alice-authorized_keys', '/home/alice/.ssh/authorized_keys', ['--perms', '0600', '--user', 'alice', '--group', 'alice']),
    ])
      h.runner.expect(e);
    await stepsOf(ALICE_YAML)[0]!.run(h.ctx, h.target);
    h.runner.assertDone();
    expect(h.capture.pushed[0]!.content).toBe(keys);
  });

  it('debian, existing user that drifted: one usermod with only what differs, memberships only added', async () => {
    const h = harness();
    const drifted = `${PASSWD}alice:x:1001:1001::/home/alice:/bin/sh\n`;
    const groups = `${GROUP}docker:x:999:\nalice:x:1001:\nstaff:x:50:alice\n`;
    for (const e of [
      ...readFileExpect('/etc/passwd', drifted),
      ...readFileExpect('/etc/group', groups),
      exec(['usermod', '--shell', '/bin/bash', '--append', '--groups', 'sudo,docker', 'alice']),
      ...readFileExpect('/etc/passwd', ALICE_PASSWD),
      ...readFileExpect('/etc/group', ALICE_GROUP),
      ...sshDir('alice:alice', '/home/alice/.ssh'),
      ...readFileExpect('/home/alice/.ssh/authorized_keys', undefined),
      push(h.ctx.paths, 'user-alice-authorized_keys', '/home/alice/.ssh/authorized_keys', ['--perms', '0600', '--user', 'alice', '--group', 'alice']),
    ])
      h.runner.expect(e);
    await stepsOf(ALICE_YAML)[0]!.run(h.ctx, h.target);
    h.runner.assertDone();
  });

  it('alpine, new user with a gid: group with that gid, adduser -D, memberships, password "*" so key logins work', async () => {
    const h = harness('alpine');
    const passwd = 'root:x:0:0:root:/root:/bin/ash\n';
    const group = 'root:x:0:root\nwheel:x:10:root\n';
    for (const e of [
      ...readFileExpect('/etc/passwd', passwd),
      ...readFileExpect('/etc/group', group),
      exec(['addgroup', '-g', '2000', 'bob']),
      exec(['addgroup', 'ops']),
      exec(['adduser', '-D', '-h', '/srv/bob', '-u', '2000', '-G', 'bob', '-s', '/bin/ash', 'bob']),
      exec(['addgroup', 'bob', 'wheel']),
      exec(['addgroup', 'bob', 'ops']),
      exec(['chpasswd', '-e'], undefined, 'bob:*\n'),
    ])
      h.runner.expect(e);
    const [step] = stepsOf('users:\n  - username: bob\n    uid: 2000\n    gid: 2000\n    groups: [wheel, ops]\n    shell: /bin/ash\n    home: /srv/bob');
    await step!.run(h.ctx, h.target);
    h.runner.assertDone();
  });

  it('alpine, existing user: missing memberships through addgroup, nothing else', async () => {
    const h = harness('alpine');
    for (const e of [
      ...readFileExpect('/etc/passwd', 'root:x:0:0:root:/root:/bin/ash\nbob:x:1000:1000::/home/bob:/bin/sh\n'),
      ...readFileExpect('/etc/group', 'root:x:0:root\nwheel:x:10:root,bob\nops:x:11:\nbob:x:1000:\n'),
      exec(['addgroup', 'bob', 'ops']),
    ])
      h.runner.expect(e);
    await stepsOf('users:\n  - username: bob\n    groups: [wheel, ops]\n    shell: /bin/sh')[0]!.run(h.ctx, h.target);
    h.runner.assertDone();
  });

  it('a gid that clashes with an existing group of the same name is refused before any change', async () => {
    const h = harness();
    for (const e of [...readFileExpect('/etc/passwd', PASSWD), ...readFileExpect('/etc/group', `${GROUP}alice:x:1500:\n`)]) h.runner.expect(e);
    const err = await stepsOf('users:\n  - username: alice\n    gid: 1001')[0]!.run(h.ctx, h.target).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProvisionStepError);
    expect((err as Error).message).toContain("group 'alice' already exists with gid 1500");
    h.runner.assertDone();
  });

  it('a failed useradd is a ProvisionStepError naming the user, with its output', async () => {
    const h = harness();
    for (const e of [
      ...readFileExpect('/etc/passwd', PASSWD),
      ...readFileExpect('/etc/group', GROUP),
      exec(['useradd', '--create-home', '--uid', '33', '--shell', '/bin/bash', 'carol'], { exitCode: 4, stderr: 'useradd: UID 33 is not unique\n' }),
    ])
      h.runner.expect(e);
    const err = (await stepsOf('users:\n  - username: carol\n    uid: 33')[0]!.run(h.ctx, h.target).catch((e: unknown) => e)) as ProvisionStepError;
    expect(err.step).toBe('user:carol');
    expect(err.message).toContain('creating user carol failed with exit code 4');
    expect(err.outputTail).toBe('useradd: UID 33 is not unique');
  });
});
