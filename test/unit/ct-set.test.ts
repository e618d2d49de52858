// ct set / ct resize: exact pct argv, live vs pending read back from `pct config --current`, no-ops and refusals that run nothing.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSize, resizeContainerDisk, setContainerResources, sizeBytes } from '../../src/containers/resources.js';
import { UsageError } from '../../src/errors.js';
import { RecordingRunner, type ExpectedCommand } from '../../src/host/recording-runner.js';
import { testContext } from '../helpers/context.js';

// Recorded `pct config 200` of a running CT: memory 1024, cores 2, swap 512, rootfs 8G, mp0 10G.
const web = readFileSync(path.resolve(import.meta.dirname, '../fixtures/host/pct-config-web.txt'), 'utf8');
const config = (stdout: string, current = false): ExpectedCommand => ({ file: 'pct', args: ['config', '200', ...(current ? ['--current', '1'] : [])], result: { stdout } });
const status = (s: string): ExpectedCommand => ({ file: 'pct', args: ['status', '200'], result: { stdout: `status: ${s}\n` } });

describe('setContainerResources', () => {
  it('sets only what differs, and reports a hot-plugged value as live', async () => {
    const runner = new RecordingRunner([config(web), status('running'), { file: 'pct', args: ['set', '200', '--memory', '2048'] }, config(web.replace('memory: 1024', 'memory: 2048'), true)], { order: 'any' });
    const changes = await setContainerResources(testContext(runner).ctx, 200, { memory: 2048, cores: 2 });
    runner.assertDone();
    expect(changes).toEqual([{ key: 'memory', from: 1024, to: 2048, applied: 'live' }]);
  });

  it('reports a value the running CT did not take as pending (current config unchanged)', async () => {
    const runner = new RecordingRunner([config(web), status('running'), { file: 'pct', args: ['set', '200', '--cores', '4', '--swap', '1024'] }, config(web.replace('swap: 512', 'swap: 1024'), true)], { order: 'any' });
    const changes = await setContainerResources(testContext(runner).ctx, 200, { cores: 4, swap: 1024 });
    runner.assertDone();
    expect(changes).toEqual([
      { key: 'cores', from: 2, to: 4, applied: 'pending' },
      { key: 'swap', from: 512, to: 1024, applied: 'live' },
    ]);
  });

  it('changes nothing when the config already has the values (pending ones included)', async () => {
    const runner = new RecordingRunner([config(web), status('running')], { order: 'any' });
    expect(await setContainerResources(testContext(runner).ctx, 200, { memory: 1024, cores: 2, swap: 512 })).toEqual([]);
    runner.assertDone();
    expect(runner.calls.every((c) => c.readOnly)).toBe(true);
  });

  it('under --dry-run plans the pct set and predicts live from the key table for a running CT', async () => {
    const runner = new RecordingRunner([config(web), status('running')], { order: 'any' });
    const t = testContext(runner, { dryRun: true });
    expect(await setContainerResources(t.ctx, 200, { memory: 512 })).toEqual([{ key: 'memory', from: 1024, to: 512, applied: 'live' }]);
    runner.assertDone();
    expect(t.ctx.effects.plan!.map((p) => p.display)).toContain('run pct set 200 --memory 512');
  });

  it('refuses a bad value before any host command', async () => {
    const runner = new RecordingRunner([]);
    await expect(setContainerResources(testContext(runner).ctx, 200, { memory: 8 })).rejects.toThrow(/invalid memory 8/);
    await expect(setContainerResources(testContext(runner).ctx, 200, { cores: 0 })).rejects.toBeInstanceOf(UsageError);
    expect(runner.calls).toEqual([]);
  });
});

describe('resizeContainerDisk', () => {
  it('grows rootfs by +1G and reads the new size back', async () => {
    const runner = new RecordingRunner([config(web), { file: 'pct', args: ['resize', '200', 'rootfs', '+1G'] }, config(web.replace('size=8G', 'size=9G'))]);
    const r = await resizeContainerDisk(testContext(runner).ctx, 200, 'rootfs', '+1G');
    runner.assertDone();
    expect(r).toEqual({ disk: 'rootfs', from: '8G', to: '9G', changed: true });
  });

  it('sets an absolute size of an mpN', async () => {
    const runner = new RecordingRunner([config(web), { file: 'pct', args: ['resize', '200', 'mp2', '1G'] }, config(web.replace('size=512M', 'size=1G'))]);
    expect(await resizeContainerDisk(testContext(runner).ctx, 200, 'mp2', '1G')).toEqual({ disk: 'mp2', from: '512M', to: '1G', changed: true });
    runner.assertDone();
  });

  it('refuses to shrink and does nothing for the size the disk has, without running pct resize', async () => {
    const runner = new RecordingRunner([config(web), config(web)]);
    await expect(resizeContainerDisk(testContext(runner).ctx, 200, 'rootfs', '4G')).rejects.toThrow('cannot shrink rootfs of CT 200 from 8G to 4G');
    expect(await resizeContainerDisk(testContext(runner).ctx, 200, 'rootfs', '8G')).toEqual({ disk: 'rootfs', from: '8G', to: '8G', changed: false });
    runner.assertDone();
  });

  it('refuses a bad disk, a bad size or a missing disk naming it', async () => {
    const runner = new RecordingRunner([config(web)]);
    await expect(resizeContainerDisk(testContext(runner).ctx, 200, 'sda', '+1G')).rejects.toThrow("invalid disk 'sda'");
    await expect(resizeContainerDisk(testContext(runner).ctx, 200, 'rootfs', '1X')).rejects.toThrow("invalid size '1X'");
    expect(runner.calls).toEqual([]);
    await expect(resizeContainerDisk(testContext(runner).ctx, 200, 'mp7', '+1G')).rejects.toThrow("CT has no disk 'mp7'");
  });

  it('converts sizes as PVE writes them', () => {
    expect(formatSize(sizeBytes('8G') + sizeBytes('512M'))).toBe('8704M');
    expect(formatSize(sizeBytes('1.5G'))).toBe('1536M');
    expect(formatSize(sizeBytes('1024G'))).toBe('1T');
  });
});
