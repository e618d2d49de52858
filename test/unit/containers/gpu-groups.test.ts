// /dev/dri devices get the gid of the CT's render (else video) group: parsing getent and the pct set + reboot that follow.
import { describe, expect, it } from 'vitest';
import { parseContainerSpecText } from '../../../src/config/container-spec.js';
import { assignGpuGroups, groupGid } from '../../../src/containers/gpu-groups.js';
import { RecordingRunner } from '../../../src/host/recording-runner.js';
import { testContext } from '../../helpers/context.js';

const spec = (devices: string) => {
  const r = parseContainerSpecText(`container:\n  hostname: gpu\n  template: debian-12\n  devices:\n${devices}`, 'ct.yaml', {});
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.spec;
};

describe('GPU groups', () => {
  it('reads the gid of render, else video', () => {
    expect(groupGid('video:x:44:\nrender:x:105:\n', ['render', 'video'])).toBe(105);
    expect(groupGid('video:x:44:\n', ['render', 'video'])).toBe(44);
    expect(groupGid('', ['render', 'video'])).toBeUndefined();
  });

  it('sets devN with that gid and reboots once, leaving other devices and given gids alone', async () => {
    const s = spec('    - path: /dev/dri/renderD128\n    - path: /dev/ttyUSB0\n    - path: /dev/dri/card0\n      gid: 7\n');
    const runner = new RecordingRunner([
      { file: 'pct', args: ['exec', '301', '--', 'getent', 'group', 'render', 'video'], result: { stdout: 'video:x:44:\nrender:x:105:\n' } },
      { file: 'pct', args: ['set', '301', '--dev0', '/dev/dri/renderD128,gid=105'] },
      { file: 'pct', args: ['reboot', '301'] },
    ]);
    expect(await assignGpuGroups(testContext(runner).ctx, 301, s, 'local-lvm')).toBe(true);
    runner.assertDone();
  });

  it('does nothing without /dev/dri devices lacking a gid', async () => {
    const runner = new RecordingRunner([]);
    expect(await assignGpuGroups(testContext(runner).ctx, 301, spec('    - path: /dev/ttyUSB0\n'), 'local-lvm')).toBe(false);
    runner.assertDone();
  });
});
