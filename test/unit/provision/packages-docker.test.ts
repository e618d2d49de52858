// Steps `packages` and `docker`: exact argv for apt and apk, one apt index refresh per run, clear failures.
import { describe, expect, it } from 'vitest';
import { ProvisionStepError } from '../../../src/errors.js';
import { RecordingRunner } from '../../../src/host/recording-runner.js';
import { provisioningSteps } from '../../../src/provision/steps.js';
import { testContext } from '../../helpers/context.js';
import { exec, specWith, VMID } from './helpers.js';

const APT = ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold'];

function steps(yaml: string) {
  return provisioningSteps(specWith(yaml));
}

describe('packages step', () => {
  it('debian: apt-get update, then one non-interactive install of every package, with a 15 min deadline', async () => {
    const runner = new RecordingRunner([exec([...APT, 'update']), exec([...APT, 'install', '-y', '--no-install-recommends', 'curl', 'nginx=1.22.1-9'])]);
    const [step] = steps('packages: [curl, "nginx=1.22.1-9", curl]');
    expect(step!.id).toBe('packages');
    await step!.run(testContext(runner).ctx, { vmid: VMID, ostype: 'debian' });
    runner.assertDone();
    expect(runner.calls.map((c) => c.timeoutMs)).toEqual([900_000, 900_000]);
    expect(runner.calls.every((c) => !c.readOnly)).toBe(true);
  });

  it('alpine: apk add --no-cache, no index refresh', async () => {
    const runner = new RecordingRunner([exec(['apk', 'add', '--no-cache', 'curl', 'nginx'])]);
    const [step] = steps('packages: [curl, nginx]');
    await step!.run(testContext(runner).ctx, { vmid: VMID, ostype: 'alpine' });
    runner.assertDone();
  });

  it('refuses an ostype it has no package manager for, naming it, before running anything', async () => {
    const runner = new RecordingRunner([]);
    const [step] = steps('packages: [curl]');
    const err = await step!.run(testContext(runner).ctx, { vmid: VMID, ostype: 'archlinux' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProvisionStepError);
    expect((err as ProvisionStepError).step).toBe('packages');
    expect((err as Error).message).toContain("ostype 'archlinux' is not supported");
    expect(runner.calls).toHaveLength(0);
  });

  it('a failed install is a ProvisionStepError with the exit code and the end of apt-get output', async () => {
    const stderr = 'E: Unable to locate package nosuchpkg\n';
    const runner = new RecordingRunner([
      exec([...APT, 'update']),
      exec([...APT, 'install', '-y', '--no-install-recommends', 'nosuchpkg'], { exitCode: 100, stdout: 'Reading package lists...\n', stderr }),
    ]);
    const [step] = steps('packages: [nosuchpkg]');
    const err = (await step!.run(testContext(runner).ctx, { vmid: VMID, ostype: 'ubuntu' }).catch((e: unknown) => e)) as ProvisionStepError;
    expect(err).toBeInstanceOf(ProvisionStepError);
    expect(err.message).toMatch(/^provisioning step packages failed: apt-get install failed with exit code 100\n/);
    expect(err.outputTail).toBe('Reading package lists...\nE: Unable to locate package nosuchpkg');
    expect(err.hint).toContain('apt-cache policy');
  });

  it("a stopped CT is pct's NotRunningError, not a package failure", async () => {
    const runner = new RecordingRunner([exec(['apk', 'add', '--no-cache', 'curl'], { exitCode: 255, stderr: "container '101' not running!\n" })]);
    const [step] = steps('packages: [curl]');
    const err = await step!.run(testContext(runner).ctx, { vmid: VMID, ostype: 'alpine' }).catch((e: unknown) => e);
    expect((err as Error).constructor.name).toBe('NotRunningError');
  });
});

describe('docker step', () => {
  it('debian: docker.io, then systemctl enable --now docker', async () => {
    const runner = new RecordingRunner([
      exec([...APT, 'update']),
      exec([...APT, 'install', '-y', '--no-install-recommends', 'docker.io']),
      exec(['systemctl', 'enable', '--now', 'docker']),
    ]);
    const [step] = steps('docker: true');
    expect(step!.id).toBe('docker');
    await step!.run(testContext(runner).ctx, { vmid: VMID, ostype: 'debian' });
    runner.assertDone();
  });

  it('alpine: docker from apk, added to the default runlevel and started', async () => {
    const runner = new RecordingRunner([
      exec(['apk', 'add', '--no-cache', 'docker']),
      exec(['rc-update', 'add', 'docker', 'default']),
      exec(['rc-service', 'docker', 'start']),
    ]);
    const [step] = steps('docker: true');
    await step!.run(testContext(runner).ctx, { vmid: VMID, ostype: 'alpine' });
    runner.assertDone();
  });

  it('after the packages step of the same run, apt-get update is not repeated', async () => {
    const runner = new RecordingRunner([
      exec([...APT, 'update']),
      exec([...APT, 'install', '-y', '--no-install-recommends', 'curl']),
      exec([...APT, 'install', '-y', '--no-install-recommends', 'docker.io']),
      exec(['systemctl', 'enable', '--now', 'docker']),
    ]);
    const list = steps('packages: [curl]\ndocker: true');
    expect(list.map((s) => s.id)).toEqual(['packages', 'docker']);
    const { ctx } = testContext(runner);
    for (const s of list) await s.run(ctx, { vmid: VMID, ostype: 'debian' });
    runner.assertDone();
  });
});
