// Waiting for a started CT's systemd: "cannot reach systemd yet" is "not yet", never "no systemd"; only a PID 1 that is not systemd means none.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SYSTEMD_STATE, waitForCtUp } from '../../../src/containers/wait.js';
import { RecordingRunner } from '../../../src/host/recording-runner.js';
import { testContext } from '../../helpers/context.js';

const PROBE = ['exec', '580', '--', 'sh', '-c', `ip -4 -o addr show dev eth0; echo "systemd: $(${SYSTEMD_STATE})"`];
const ETH0 = '2: eth0    inet 10.203.0.130/24 brd 10.203.0.255 scope global eth0\n';

describe('waitForCtUp', () => {
  it('keeps waiting while systemctl cannot reach systemd (empty state), then while it starts; done once it runs', async () => {
    const runner = new RecordingRunner([
      { file: 'pct', args: PROBE, result: { stdout: `${ETH0}systemd: \n` } }, // early boot: the address is there (LXC set it), systemd's socket is not
      { file: 'pct', args: PROBE, result: { stdout: `${ETH0}systemd: starting\n` } },
      { file: 'pct', args: PROBE, result: { stdout: `${ETH0}systemd: running\n` } },
    ]);
    const { ctx } = testContext(runner);
    await expect(waitForCtUp(ctx, 580, 30_000)).resolves.toEqual({ ip: '10.203.0.130', systemd: 'running' });
    runner.assertDone();
  });

  it("the probe says none only when PID 1 is not systemd (this host's PID 1 is not), and asks systemctl otherwise", () => {
    const pid1 = readFileSync('/proc/1/comm', 'utf8').trim();
    const r = spawnSync('sh', ['-c', SYSTEMD_STATE], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    if (pid1 === 'systemd') expect(r.stdout.trim()).toMatch(/^(running|degraded|starting|initializing|maintenance|stopping|offline|unknown)$/);
    else expect(r.stdout).toBe('none\n');
  });
});
