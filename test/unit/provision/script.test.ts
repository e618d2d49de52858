// Step `script:<name>`: content pushed (never in argv), run with timeout/user/dir/env inside the CT; failures with a redacted tail.
import { describe, expect, it } from 'vitest';
import { ProvisionStepError } from '../../../src/errors.js';
import { RecordingRunner, type ExpectedCommand } from '../../../src/host/recording-runner.js';
import { provisioningSteps } from '../../../src/provision/steps.js';
import { testContext } from '../../helpers/context.js';
import { everythingShown, exec, push, PushCapture, specWith, VMID } from './helpers.js';

const SECRET = 'Zq9-db-pass-7Hk2';
const CONTENT = '#!/bin/bash\nset -e\necho "migrating as $(id -un)"\n';
const SCRIPT = '/var/lib/pxdeploy/scripts/migrate';
const CD = 'cd -- "$1" && shift && exec "$@"';

function specYaml(extra = ''): string {
  return [
    'scripts:',
    '  - name: migrate',
    '    content: |',
    ...CONTENT.trimEnd().split('\n').map((l) => `      ${l}`),
    '    environment:',
    '      APP_ENV: production',
    '      DB_PASSWORD: "${DB_PASSWORD}"',
    ...extra.split('\n').filter((l) => l !== '').map((l) => `    ${l}`),
  ].join('\n');
}

function setup(ostype: string, extra = '') {
  const [step] = provisioningSteps(specWith(specYaml(extra), { DB_PASSWORD: SECRET }));
  const runner = new RecordingRunner();
  const capture = new PushCapture(runner);
  const tc = testContext(capture);
  return { step: step!, runner, capture, ...tc, target: { vmid: VMID, ostype } };
}

function prelude(h: ReturnType<typeof setup>, owner: string): ExpectedCommand[] {
  return [
    exec(['mkdir', '-p', '/var/lib/pxdeploy/scripts']),
    exec(['chmod', '0755', '/var/lib/pxdeploy/scripts']),
    push(h.ctx.paths, 'script-migrate', SCRIPT, ['--perms', '0700', '--user', owner]),
  ];
}

const ENV = ['APP_ENV=production', `DB_PASSWORD=${SECRET}`];

describe('script step', () => {
  it('debian as root: pushed 0700, run under `timeout` with env -C / and its environment; host deadline 30 s longer', async () => {
    const h = setup('debian');
    expect(h.step.id).toBe('script:migrate');
    expect(h.step.continueOnError).toBe(false);
    for (const e of [...prelude(h, 'root'), exec(['timeout', '300', 'env', '-C', '/', ...ENV, 'bash', SCRIPT])]) h.runner.expect(e);
    await h.step.run(h.ctx, h.target);
    h.runner.assertDone();
    expect(h.capture.pushed).toEqual([{ dest: SCRIPT, content: CONTENT, mode: 0o600 }]);
    expect(h.runner.calls.at(-1)!.timeoutMs).toBe(330_000);
    expect(h.runner.calls.flatMap((c) => c.args).some((a) => a.includes('migrating as'))).toBe(false);
  });

  it('debian as a user in a new working dir: mkdir + chown, runuser -u, sh interpreter, continue_on_error carried', async () => {
    const h = setup('debian', 'run_as: alice\nworking_dir: /srv/app\ninterpreter: sh\ntimeout: 60\ncontinue_on_error: true');
    expect(h.step.continueOnError).toBe(true);
    for (const e of [
      ...prelude(h, 'alice'),
      exec(['test', '-d', '/srv/app'], { exitCode: 1 }),
      exec(['mkdir', '-p', '/srv/app']),
      exec(['chown', 'alice', '/srv/app']),
      exec(['timeout', '60', 'runuser', '-u', 'alice', '--', 'env', '-C', '/srv/app', ...ENV, 'sh', SCRIPT]),
    ])
      h.runner.expect(e);
    await h.step.run(h.ctx, h.target);
    h.runner.assertDone();
  });

  it('an existing working dir is left alone (no mkdir, no chown)', async () => {
    const h = setup('debian', 'run_as: alice\nworking_dir: /srv');
    for (const e of [...prelude(h, 'alice'), exec(['test', '-d', '/srv']), exec(['timeout', '300', 'runuser', '-u', 'alice', '--', 'env', '-C', '/srv', ...ENV, 'bash', SCRIPT])])
      h.runner.expect(e);
    await h.step.run(h.ctx, h.target);
    h.runner.assertDone();
  });

  it('alpine as root: busybox has no env -C, a fixed sh snippet changes directory and execs the argv', async () => {
    const h = setup('alpine');
    for (const e of [...prelude(h, 'root'), exec(['timeout', '300', 'sh', '-c', CD, 'sh', '/', 'env', ...ENV, 'bash', SCRIPT])]) h.runner.expect(e);
    await h.step.run(h.ctx, h.target);
    h.runner.assertDone();
  });

  it('alpine as a user: su -s /bin/sh -c <snippet> <user> with the same argv', async () => {
    const h = setup('alpine', 'run_as: bob\nworking_dir: /home/bob');
    for (const e of [
      ...prelude(h, 'bob'),
      exec(['test', '-d', '/home/bob']),
      exec(['timeout', '300', 'su', '-s', '/bin/sh', '-c', CD, 'bob', 'sh', '/home/bob', 'env', ...ENV, 'bash', SCRIPT]),
    ])
      h.runner.expect(e);
    await h.step.run(h.ctx, h.target);
    h.runner.assertDone();
  });

  it('failure: ProvisionStepError with the exit code and the last 20 lines of stdout+stderr, secrets redacted everywhere', async () => {
    const h = setup('debian');
    const stdout = Array.from({ length: 30 }, (_, i) => `step ${i + 1}`).join('\n') + '\n';
    const stderr = `psql: password ${SECRET} rejected\n`;
    for (const e of [...prelude(h, 'root'), exec(['timeout', '300', 'env', '-C', '/', ...ENV, 'bash', SCRIPT], { exitCode: 3, stdout, stderr })]) h.runner.expect(e);
    const err = (await h.step.run(h.ctx, h.target).catch((e: unknown) => e)) as ProvisionStepError;
    h.runner.assertDone();
    expect(err).toBeInstanceOf(ProvisionStepError);
    expect(err.step).toBe('script:migrate');
    expect(err.message.split('\n')[0]).toBe('provisioning step script:migrate failed: script migrate failed with exit code 3');
    const tail = err.outputTail.split('\n');
    expect(tail).toHaveLength(20);
    expect(tail[0]).toBe('step 12');
    expect(tail.at(-1)).toBe('psql: password *** rejected');
    // The value is in the argv (env K=V) but in no display, log line or error.
    expect(h.runner.calls.at(-1)!.args).toContain(`DB_PASSWORD=${SECRET}`);
    expect(everythingShown(h.runner, h.log.lines, [err])).not.toContain(SECRET);
  });

  it('exit 124 from the in-CT timeout says "timed out after Ns"', async () => {
    const h = setup('debian', 'timeout: 45');
    for (const e of [...prelude(h, 'root'), exec(['timeout', '45', 'env', '-C', '/', ...ENV, 'bash', SCRIPT], { exitCode: 124, stdout: 'waiting for db\n' })]) h.runner.expect(e);
    const err = (await h.step.run(h.ctx, h.target).catch((e: unknown) => e)) as ProvisionStepError;
    expect(err.message).toContain('script migrate timed out after 45s');
    expect(err.outputTail).toBe('waiting for db');
  });

  it("busybox timeout's SIGTERM exit (143) counts as the timeout on alpine", async () => {
    const h = setup('alpine', 'timeout: 5');
    for (const e of [...prelude(h, 'root'), exec(['timeout', '5', 'sh', '-c', CD, 'sh', '/', 'env', ...ENV, 'bash', SCRIPT], { exitCode: 143 })]) h.runner.expect(e);
    const err = (await h.step.run(h.ctx, h.target).catch((e: unknown) => e)) as ProvisionStepError;
    expect(err.message).toContain('timed out after 5s');
  });

  it('the host-side deadline (pct exec hanging) is a ProvisionStepError too', async () => {
    const h = setup('debian', 'timeout: 10');
    for (const e of [...prelude(h, 'root'), { ...exec(['timeout', '10', 'env', '-C', '/', ...ENV, 'bash', SCRIPT]), simulate: 'timeout' as const }]) h.runner.expect(e);
    const err = (await h.step.run(h.ctx, h.target).catch((e: unknown) => e)) as ProvisionStepError;
    expect(err).toBeInstanceOf(ProvisionStepError);
    expect(err.message).toContain('script migrate did not finish within 40s');
  });

  it('a missing interpreter (exit 127) points at provisioning.packages', async () => {
    const h = setup('alpine');
    for (const e of [...prelude(h, 'root'), exec(['timeout', '300', 'sh', '-c', CD, 'sh', '/', 'env', ...ENV, 'bash', SCRIPT], { exitCode: 127, stderr: "env: can't execute 'bash': No such file or directory\n" })])
      h.runner.expect(e);
    const err = (await h.step.run(h.ctx, h.target).catch((e: unknown) => e)) as ProvisionStepError;
    expect(err.message).toContain('could not be started (exit code 127)');
    expect(err.hint).toContain('is bash installed');
  });
});
