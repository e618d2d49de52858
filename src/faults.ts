// Test-only fault injection: PXDEPLOY_FAIL_AT=<step> makes pxdeploy fail (or, with `<step>:kill`, die by SIGKILL) at a named step.
import { PxError, ExitCode } from './errors.js';

/**
 * Crash-safety tests name a step (`ct-create:started`, `update:switched`, …) to prove that dying
 * there leaves nothing half-made or a colour serving. Never set it in production: it exists only
 * so tests can reach failure paths that real hosts produce rarely.
 */
export function faultPoint(step: string, env: NodeJS.ProcessEnv = process.env): void {
  const want = env.PXDEPLOY_FAIL_AT;
  if (!want) return;
  if (want === `${step}:kill`) process.kill(process.pid, 'SIGKILL');
  if (want === step) throw new PxError(`injected failure at ${step} (PXDEPLOY_FAIL_AT)`, ExitCode.other, 'PXDEPLOY_FAIL_AT is for tests only; unset it');
}
