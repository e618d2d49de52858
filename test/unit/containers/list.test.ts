// listContainers: one read-only `pct list`, parsed; nothing else is run.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listContainers } from '../../../src/containers/list.js';
import { RecordingRunner } from '../../../src/host/recording-runner.js';
import { NotFoundError } from '../../../src/errors.js';
import { testContext } from '../../helpers/context.js';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures/host');

describe('listContainers', () => {
  it('runs exactly `pct list` and parses the recorded output', async () => {
    const runner = new RecordingRunner([{ file: 'pct', args: ['list'], stdoutFile: path.join(fixtures, 'pct-list.txt') }]);
    const cts = await listContainers(testContext(runner).ctx);
    runner.assertDone();
    expect(cts.length).toBeGreaterThan(0);
    expect(cts[0]).toMatchObject({ vmid: expect.any(Number), status: expect.stringMatching(/^(running|stopped)$/) });
    expect(runner.calls[0]!.readOnly).toBe(true);
  });

  it('returns [] for the empty output of a node without containers', async () => {
    const runner = new RecordingRunner([{ file: 'pct', args: ['list'], stdoutFile: path.join(fixtures, 'pct-list-empty.txt') }]);
    expect(await listContainers(testContext(runner).ctx)).toEqual([]);
  });

  it('maps a PVE error text to its typed error', async () => {
    const runner = new RecordingRunner([
      { file: 'pct', args: ['list'], result: { exitCode: 2, stderr: "storage 'local' does not exist\n" } },
    ]);
    await expect(listContainers(testContext(runner).ctx)).rejects.toBeInstanceOf(NotFoundError);
  });
});
