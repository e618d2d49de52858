// The switch is exactly docs/cutover.md's argv; the live colour is read, never guessed; the health gate waits for every check and gives up at its deadline.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCatalog, requirePackage } from '../../../src/catalog/index.js';
import { RecordingRunner, type ExpectedCommand } from '../../../src/host/recording-runner.js';
import { appModel } from '../../../src/instances/app-model.js';
import { readLiveColor, switchTo } from '../../../src/instances/frontend.js';
import { healthGate } from '../../../src/instances/health-gate.js';
import { testContext } from '../../helpers/context.js';

const pkgs = fileURLToPath(new URL('../../../packages', import.meta.url));
const notes = async () => appModel(requirePackage((await loadCatalog(pkgs)).packages, 'notes').pkg);
const exec = (argv: string[], stdout = '', exitCode = 0): ExpectedCommand => ({ file: 'pct', args: ['exec', '460', '--', ...argv], result: { stdout, exitCode } });
const curl = (url: string, code: number) => exec(['curl', '-s', '-k', '-o', '/dev/null', '--max-time', '5', '-w', '%{http_code} %{time_total}', url], `${code} 0.010`);

describe('frontend switch', () => {
  it('switchTo renames a fresh link over live (one rename), as docs/cutover.md measured', async () => {
    const runner = new RecordingRunner([exec(['ln', '-sfn', 'green', '/etc/notes/frontend/live.next']), exec(['mv', '-fT', '/etc/notes/frontend/live.next', '/etc/notes/frontend/live'])]);
    await switchTo(testContext(runner).ctx, 460, await notes(), 'green');
    expect(runner.remaining).toEqual([]);
  });

  it('readLiveColor reports the link; a missing or odd link is an error, not blue', async () => {
    const app = await notes();
    const ok = new RecordingRunner([exec(['readlink', '/etc/notes/frontend/live'], 'green\n')]);
    expect(await readLiveColor(testContext(ok).ctx, 460, app)).toBe('green');
    const missing = new RecordingRunner([exec(['readlink', '/etc/notes/frontend/live'], '', 1)]);
    await expect(readLiveColor(testContext(missing).ctx, 460, app)).rejects.toThrow(/cannot tell which colour serves: .* is missing/);
    const odd = new RecordingRunner([exec(['readlink', '/etc/notes/frontend/live'], 'purple\n')]);
    await expect(readLiveColor(testContext(odd).ctx, 460, app)).rejects.toThrow(/"purple"/);
  });
});

describe('health gate', () => {
  const checks = (b: number, info: number, mcp: number) => [curl('http://127.0.0.1:3457/health', b), curl('http://127.0.0.1:3457/api/v1/info', info), curl('http://127.0.0.1:8457/health', mcp)];

  it('passes once every check of the colour answers its status (retrying until then)', async () => {
    const runner = new RecordingRunner([...checks(503, 200, 503), ...checks(200, 200, 200)]);
    const r = await healthGate(testContext(runner).ctx, 460, await notes(), 'green', { timeoutSec: 30, intervalSec: 0.05 });
    expect(r).toMatchObject({ passed: true, attempts: 2 });
    expect(runner.remaining).toEqual([]);
  });

  it('fails at its deadline when a check keeps failing, reporting the last answers', async () => {
    const runner = new RecordingRunner([], { order: 'any' });
    for (let i = 0; i < 200; i++) for (const c of checks(500, 200, 200)) runner.expect(c);
    const r = await healthGate(testContext(runner).ctx, 460, await notes(), 'green', { timeoutSec: 1, intervalSec: 0.05 });
    expect(r.passed).toBe(false);
    expect(r.attempts).toBeGreaterThan(1);
    expect(r.last.map((p) => [p.url, p.code, p.ok])).toEqual([
      ['http://127.0.0.1:3457/health', 500, false],
      ['http://127.0.0.1:3457/api/v1/info', 200, true],
      ['http://127.0.0.1:8457/health', 200, true],
    ]);
  });

  it('under --dry-run it is listed, not run', async () => {
    const runner = new RecordingRunner([]);
    const t = testContext(runner, { dryRun: true });
    const r = await healthGate(t.ctx, 460, await notes(), 'green', { timeoutSec: 5, intervalSec: 0.1 });
    expect(r.passed).toBe(true);
    expect(runner.calls).toEqual([]);
    expect(t.ctx.effects.plan?.map((p) => p.kind)).toEqual(['after']);
  });
});
