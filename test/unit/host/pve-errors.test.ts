// PVE error texts (pve-cli.md §2.3) → typed errors, through runPve with a RecordingRunner.
import { describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  AlreadyRunningError,
  ConfigLockTimeoutError,
  CtLockedError,
  CtNotFoundError,
  ExitCode,
  HostCommandError,
  NotFoundError,
  NotRunningError,
  ParameterError,
  ProtectedError,
} from '../../../src/errors.js';
import { pctConfig, pctCreate, pctDestroy, pctExec, pctPull, pctPush, pctSet, pctShutdown, pctStart, pctStop } from '../../../src/host/pct.js';
import { pveamDownload, pveamUpdate } from '../../../src/host/pveam.js';
import { classifyPveFailure } from '../../../src/host/pve-errors.js';
import { retryOnConfigLockTimeout, runPve } from '../../../src/host/pve-run.js';
import { pveshNextId } from '../../../src/host/pvesh.js';
import { RecordingRunner } from '../../../src/host/recording-runner.js';
import type { HostCommand } from '../../../src/host/command.js';

async function failWith(cmd: HostCommand, stderr: string, exitCode = 255): Promise<unknown> {
  const runner = new RecordingRunner([{ file: cmd.file, args: cmd.args, result: { exitCode, stderr } }]);
  const err = await runPve(runner, cmd).then(
    () => undefined,
    (e: unknown) => e,
  );
  runner.assertDone();
  return err;
}

describe('runPve maps PVE errors', () => {
  it("config missing → CtNotFoundError (a NotFoundError, exit 3) with vmid and node", async () => {
    const err = await failWith(pctConfig(999), "Configuration file 'nodes/pve/lxc/999.conf' does not exist\n");
    expect(err).toBeInstanceOf(CtNotFoundError);
    expect(err).toBeInstanceOf(NotFoundError);
    const e = err as CtNotFoundError;
    expect(e.exitCode).toBe(ExitCode.notFound);
    expect(e.message).toBe("CT 999 does not exist on node 'pve'");
    expect([e.vmid, e.node]).toEqual([999, 'pve']);
    expect(e.cause).toBeInstanceOf(HostCommandError);
  });

  it('vmid taken → AlreadyExistsError (exit 1)', async () => {
    const err = (await failWith(pctCreate(200, 'local:vztmpl/x.tar.zst'), "CT 200 already exists on node 'pve'\n")) as AlreadyExistsError;
    expect(err).toBeInstanceOf(AlreadyExistsError);
    expect(err.exitCode).toBe(ExitCode.other);
    expect([err.vmid, err.node]).toEqual([200, 'pve']);
    const vm = (await failWith(pctCreate(100, 'local:vztmpl/x.tar.zst'), "unable to create CT 100 - VM 100 already exists on node 'pve2'\n")) as AlreadyExistsError;
    expect(vm).toBeInstanceOf(AlreadyExistsError);
    expect(vm.node).toBe('pve2');
  });

  it('CT is locked (backup) → CtLockedError (exit 5) carrying the lock name', async () => {
    const err = (await failWith(pctDestroy(201), 'CT is locked (backup)\n')) as CtLockedError;
    expect(err).toBeInstanceOf(CtLockedError);
    expect(err.exitCode).toBe(ExitCode.locked);
    expect([err.vmid, err.lock]).toEqual([201, 'backup']);
    expect(err.message).toBe('CT 201 is locked (backup)');
    expect(err.hint).toContain('pct unlock 201');
    expect(err.details()).toMatchObject({ vmid: 201, lock: 'backup', pveMessage: 'CT is locked (backup)' });
  });

  it('every not-running text → NotRunningError', async () => {
    const cases: Array<[HostCommand, string]> = [
      [pctExec(200, ['true']), "container '200' not running!\n"],
      [pctExec(200, ['true']), "Error: container '200' not running!\n"],
      [pctStop(200), 'CT 200 not running\n'],
      [pctShutdown(200), 'CT 200 not running\n'],
      [{ file: 'pct', args: ['reboot', '200'] }, 'VM 200 not running\n'],
      [pctPush(200, '/a', '/b'), 'can only push files to a running CT\n'],
      [pctPull(200, '/a', '/b'), 'can only pull files from a running VM at /usr/share/perl5/PVE/CLI/pct.pm line 370.\n'],
    ];
    for (const [cmd, stderr] of cases) {
      const err = await failWith(cmd, stderr);
      expect(err, stderr).toBeInstanceOf(NotRunningError);
      expect((err as NotRunningError).vmid).toBe(200);
    }
  });

  it('already running → AlreadyRunningError', async () => {
    expect(await failWith(pctStart(200), 'CT 200 already running\n')).toBeInstanceOf(AlreadyRunningError);
  });

  it('protection → ProtectedError with the way out', async () => {
    const err = (await failWith(pctDestroy(200), "can't remove CT 200 - protection mode enabled\n")) as ProtectedError;
    expect(err).toBeInstanceOf(ProtectedError);
    expect(err.message).toBe("can't remove CT 200 - protection mode enabled");
    expect(err.hint).toContain('pct set 200 --protection 0');
  });

  it('the 400 block → ParameterError (exit 2) with param→reason pairs and the usage line', async () => {
    const stderr = [
      '400 Parameter verification failed.',
      'memory: value must have a minimum value of 16',
      "hostname: value 'bad_name' does not look like a valid DNS name",
      'pct set <vmid> [OPTIONS]',
      '',
    ].join('\n');
    const err = (await failWith(pctSet(200, { memory: 8 }), stderr)) as ParameterError;
    expect(err).toBeInstanceOf(ParameterError);
    expect(err.exitCode).toBe(ExitCode.badInput);
    expect(err.params).toEqual({ memory: 'value must have a minimum value of 16', hostname: "value 'bad_name' does not look like a valid DNS name" });
    expect(err.usage).toBe('pct set <vmid> [OPTIONS]');
    expect(err.message).toBe(
      "pct set 200 --memory 8: parameter verification failed\n  memory: value must have a minimum value of 16\n  hostname: value 'bad_name' does not look like a valid DNS name",
    );
  });

  it('400 one-liners (argument count, getopt) → ParameterError', async () => {
    const err = (await failWith({ file: 'pct', args: ['start'] }, '400 not enough arguments\npct start <vmid> [OPTIONS]\n')) as ParameterError;
    expect(err).toBeInstanceOf(ParameterError);
    expect(err.message).toBe('pct start: not enough arguments');
    expect(err.usage).toBe('pct start <vmid> [OPTIONS]');
  });

  it('nextid --vmid taken (a 400 on vmid) → AlreadyExistsError', async () => {
    const stderr = '400 Parameter verification failed.\nvmid: VM 200 already exists\npvesh get /cluster/nextid [OPTIONS] [FORMAT_OPTIONS]\n';
    const err = (await failWith(pveshNextId(200), stderr)) as AlreadyExistsError;
    expect(err).toBeInstanceOf(AlreadyExistsError);
    expect(err.vmid).toBe(200);
  });

  it("pveam download of a template not in the index → NotFoundError", async () => {
    const stderr = '400 Parameter verification failed.\ntemplate: no such template\npveam download <storage> <template>\n';
    const err = (await failWith(pveamDownload('local', 'nope.tar.zst'), stderr)) as NotFoundError;
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toBe('template not found in the pveam index: nope.tar.zst');
  });

  it("config lock timeout → retryable ConfigLockTimeoutError", async () => {
    const err = (await failWith(pctSet(200, { memory: 512 }), "can't lock file '/run/lock/lxc/pve-config-200.lock' - got timeout\n")) as ConfigLockTimeoutError;
    expect(err).toBeInstanceOf(ConfigLockTimeoutError);
    expect(err.retryable).toBe(true);
    expect(err.lockFile).toBe('/run/lock/lxc/pve-config-200.lock');
    expect(err.vmid).toBe(200);
  });

  it('snapshot/storage/template-file missing → NotFoundError', async () => {
    expect(await failWith({ file: 'pct', args: ['rollback', '200', 'nope'] }, "snapshot 'nope' does not exist\n")).toBeInstanceOf(NotFoundError);
    expect(await failWith(pctCreate(200, 'nas:vztmpl/x.tar.zst'), "storage 'nas' does not exist\n")).toBeInstanceOf(NotFoundError);
    const tpl = await failWith(
      pctCreate(200, 'local:vztmpl/gone.tar.zst'),
      "unable to create CT 200 - failed to open '/var/lib/vz/template/cache/gone.tar.zst': No such file or directory\n",
    );
    expect(tpl).toBeInstanceOf(NotFoundError);
    expect((tpl as Error).message).toBe('file not found: /var/lib/vz/template/cache/gone.tar.zst');
  });

  it('unknown text stays a HostCommandError with the tail', async () => {
    const err = (await failWith(pctStart(200), "command 'systemctl start pve-container@200' failed: exit code 1\n")) as HostCommandError;
    expect(err).toBeInstanceOf(HostCommandError);
    expect(err.commandExitCode).toBe(255);
    expect(err.message).toBe("command failed with exit code 255: pct start 200\ncommand 'systemctl start pve-container@200' failed: exit code 1");
  });

  it("pct exec: the container command's own stderr is never mistaken for PVE's", async () => {
    const err = await failWith(pctExec(200, ['sh', '-c', 'cat /x']), 'line one\nCT is locked (backup)\n', 1);
    expect(err).toBeInstanceOf(HostCommandError);
    const single = await failWith(pctExec(200, ['ls', '/nope']), "ls: cannot access '/nope': No such file or directory\n", 2);
    expect(single).toBeInstanceOf(HostCommandError);
    expect((single as HostCommandError).commandExitCode).toBe(2);
  });

  it('a timeout is not reclassified', async () => {
    const runner = new RecordingRunner([{ file: 'pct', args: ['shutdown', '200'], simulate: 'timeout' }]);
    const err = (await runPve(runner, pctShutdown(200)).catch((e: unknown) => e)) as HostCommandError;
    expect(err).toBeInstanceOf(HostCommandError);
    expect(err.timedOut).toBe(true);
  });

  it('allowFailure returns the failed result untouched', async () => {
    const runner = new RecordingRunner([{ file: 'pct', args: ['status', '200'], result: { exitCode: 2, stderr: 'CT is locked (backup)\n' } }]);
    const r = await runPve(runner, { file: 'pct', args: ['status', '200'] }, { allowFailure: true });
    expect(r.exitCode).toBe(2);
  });
});

describe('failures hidden behind exit 0', () => {
  it('pct push printing an error with exit 0 throws', async () => {
    const runner = new RecordingRunner([{ file: 'pct', args: ['push', '200', '/tmp/a', '/etc/a'], result: { exitCode: 0, stderr: 'failed to open /tmp/a for reading\n' } }]);
    const err = (await runPve(runner, pctPush(200, '/tmp/a', '/etc/a')).catch((e: unknown) => e)) as HostCommandError;
    expect(err).toBeInstanceOf(HostCommandError);
    expect(err.commandExitCode).toBe(0);
    expect(err.message).toBe('command reported an error (although it exited 0): pct push 200 /tmp/a /etc/a\nfailed to open /tmp/a for reading');
  });

  it('pveam update failure (stderr, exit 0) throws; success and warnings do not', async () => {
    const bad = new RecordingRunner([{ file: 'pveam', args: ['update'], result: { stderr: 'update failed - see /var/log/pveam.log for details\n' } }]);
    await expect(runPve(bad, pveamUpdate())).rejects.toThrow(/update failed/);
    const ok = new RecordingRunner([
      { file: 'pveam', args: ['update'], result: { stdout: 'update successful\n' } },
      { file: 'pct', args: ['push', '200', '/a', '/b'], result: { stderr: 'WARN: something odd\nTask finished with 1 warning(s)!\n' } },
    ]);
    expect((await runPve(ok, pveamUpdate())).stdout).toBe('update successful\n');
    expect((await runPve(ok, pctPush(200, '/a', '/b'))).exitCode).toBe(0);
  });

  it('other commands with stderr and exit 0 are fine', async () => {
    const runner = new RecordingRunner([{ file: 'pct', args: ['set', '200', '--delete', 'mp9'], result: { stderr: "cannot delete 'mp9' - not set in current configuration!\n" } }]);
    expect((await runPve(runner, pctSet(200, { delete: ['mp9'] }))).exitCode).toBe(0);
  });
});

describe('classifyPveFailure', () => {
  it('returns undefined for text it does not know', () => {
    expect(classifyPveFailure(pctStart(200), 'something new and strange')).toBeUndefined();
    expect(classifyPveFailure(pctStart(200), '')).toBeUndefined();
  });
});

describe('retryOnConfigLockTimeout', () => {
  const lockErr = () => new ConfigLockTimeoutError({ lockFile: '/run/lock/lxc/pve-config-200.lock', vmid: 200, pveMessage: 'x' });

  it('retries with growing waits and returns the eventual result', async () => {
    const waits: number[] = [];
    let calls = 0;
    const v = await retryOnConfigLockTimeout(
      async () => {
        calls++;
        if (calls < 3) throw lockErr();
        return 'done';
      },
      { sleep: async (ms) => void waits.push(ms) },
    );
    expect(v).toBe('done');
    expect(waits).toEqual([1000, 2000]);
  });

  it('gives up after the last delay and rethrows', async () => {
    let calls = 0;
    const p = retryOnConfigLockTimeout(
      async () => {
        calls++;
        throw lockErr();
      },
      { delaysMs: [1, 1], sleep: async () => {} },
    );
    await expect(p).rejects.toBeInstanceOf(ConfigLockTimeoutError);
    expect(calls).toBe(3);
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    await expect(
      retryOnConfigLockTimeout(async () => {
        calls++;
        throw new Error('other');
      }),
    ).rejects.toThrow('other');
    expect(calls).toBe(1);
  });
});

describe('pct exec classification is limited to pct preconditions', () => {
  it('maps a missing config and a stopped CT, but not a lock text the command printed', () => {
    expect(classifyPveFailure(pctExec(200, ['true']), "Configuration file 'nodes/pve/lxc/200.conf' does not exist\n")).toBeInstanceOf(CtNotFoundError);
    expect(classifyPveFailure(pctExec(200, ['true']), "container '200' not running!\n")).toBeInstanceOf(NotRunningError);
    expect(classifyPveFailure(pctExec(200, ['cat', 'x']), 'CT is locked (backup)\n')).toBeUndefined();
    expect(classifyPveFailure(pctExec(200, ['cat', 'x']), '400 bad request from my app\n')).toBeUndefined();
    expect(classifyPveFailure(pctStart(200), 'CT is locked (backup)\n')).toBeInstanceOf(CtLockedError);
  });
});
