// RecordingRunner: answers from expectations, fails on anything unexpected, and on what did not run.
import { describe, expect, it } from 'vitest';
import { HostCommandError } from '../../../src/errors.js';
import { RecordingRunner, UnexpectedCommandError } from '../../../src/host/recording-runner.js';
import { fixture, fixturePath } from './fixture.js';

describe('RecordingRunner', () => {
  it('answers expected commands in order and records the calls', async () => {
    const r = new RecordingRunner([
      { file: 'pct', args: ['list'], stdoutFile: fixturePath('pct-list.txt') },
      { file: 'pct', args: ['start', '200'], result: { stdout: '', stderr: '' } },
    ]);
    expect((await r.run({ file: 'pct', args: ['list'] })).stdout).toBe(fixture('pct-list.txt'));
    expect((await r.run({ file: 'pct', args: ['start', '200'] })).exitCode).toBe(0);
    expect(r.argvs).toEqual([
      ['pct', 'list'],
      ['pct', 'start', '200'],
    ]);
    r.assertDone();
  });

  it('rejects an unexpected command, naming it and the expected next one', async () => {
    const r = new RecordingRunner([{ file: 'pct', args: ['status', '200'] }]);
    const err = await r.run({ file: 'pct', args: ['destroy', '200'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnexpectedCommandError);
    expect((err as Error).message).toBe(
      'unexpected host command #1: ["pct","destroy","200"]\n  expected next: ["pct","status","200"]\n  (1 expected command(s) remaining)',
    );
  });

  it('rejects a command after the list is used up', async () => {
    const r = new RecordingRunner([]);
    await expect(r.run({ file: 'pvesm', args: ['status'] })).rejects.toThrow('no more commands were expected');
  });

  it('compares argv exactly: one differing argument is unexpected', async () => {
    const r = new RecordingRunner([{ file: 'pct', args: ['set', '200', '--memory', '512'] }]);
    await expect(r.run({ file: 'pct', args: ['set', '200', '--memory', '1024'] })).rejects.toBeInstanceOf(UnexpectedCommandError);
  });

  it('still fails assertDone when the code under test swallowed the unexpected-command error', async () => {
    const r = new RecordingRunner([]);
    await r.run({ file: 'pct', args: ['list'] }).catch(() => undefined);
    expect(() => r.assertDone()).toThrow(/unexpected host command #1/);
  });

  it('assertDone lists expected commands that never ran', async () => {
    const r = new RecordingRunner([{ file: 'pct', args: ['list'] }, { file: 'pct', args: ['start', '200'] }]);
    await r.run({ file: 'pct', args: ['list'] });
    expect(() => r.assertDone()).toThrow('1 expected command(s) did not run:\n  ["pct","start","200"]');
  });

  it('throws HostCommandError for a non-zero result unless allowFailure', async () => {
    const stderr = "Configuration file 'nodes/pve/lxc/999.conf' does not exist\n";
    const r = new RecordingRunner([
      { file: 'pct', args: ['config', '999'], result: { exitCode: 255, stderr } },
      { file: 'pct', args: ['config', '999'], result: { exitCode: 255, stderr } },
    ]);
    const err = await r.run({ file: 'pct', args: ['config', '999'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostCommandError);
    expect((err as HostCommandError).commandExitCode).toBe(255);
    expect((err as HostCommandError).stderrTail).toBe(stderr.trim());
    expect((await r.run({ file: 'pct', args: ['config', '999'] }, { allowFailure: true })).exitCode).toBe(255);
  });

  it('in any-order mode matches each expectation once, whatever the order', async () => {
    const r = new RecordingRunner([{ file: 'a', args: ['1'] }, { file: 'b', args: ['2'] }], { order: 'any' });
    await r.run({ file: 'b', args: ['2'] });
    await r.run({ file: 'a', args: ['1'] });
    r.assertDone();
    await expect(r.run({ file: 'a', args: ['1'] })).rejects.toThrow('no more commands were expected');
  });

  it('checks stdin when the expectation names it', async () => {
    const r = new RecordingRunner([{ file: 'pct', args: ['exec', '200', '--', 'sh', '-s'], input: 'echo hi\n' }]);
    await expect(r.run({ file: 'pct', args: ['exec', '200', '--', 'sh', '-s'], input: 'rm -rf /\n' })).rejects.toThrow('(argv matches; stdin differs)');
  });

  it('simulates a timeout and a missing tool', async () => {
    const r = new RecordingRunner([
      { file: 'pct', args: ['shutdown', '200'], simulate: 'timeout' },
      { file: 'skopeo', args: ['copy'], simulate: 'not-installed' },
    ]);
    const t = (await r.run({ file: 'pct', args: ['shutdown', '200'] }).catch((e: unknown) => e)) as HostCommandError;
    expect(t.timedOut).toBe(true);
    const n = (await r.run({ file: 'skopeo', args: ['copy'] }).catch((e: unknown) => e)) as HostCommandError;
    expect(n.hint).toContain('skopeo');
  });

  it('fails at setup when a fixture file is missing', () => {
    expect(() => new RecordingRunner([{ file: 'pct', args: ['list'], stdoutFile: fixturePath('no-such-fixture.txt') }])).toThrow(/ENOENT/);
  });

  it('redacts secrets of the actual command in its complaint', async () => {
    const r = new RecordingRunner([]);
    const err = (await r.run({ file: 'skopeo', args: ['--creds', 'u:topsecret'], secrets: ['u:topsecret'] }).catch((e: unknown) => e)) as Error;
    expect(err.message).not.toContain('topsecret');
  });
});
