// The argv that runs one provisioning script inside a CT: timeout, user switch, working directory, environment, interpreter.
import type { ProvisioningScript } from '../../config/schema/scripts.js';
import type { OsFamily } from './os-family.js';

export const SCRIPTS_DIR = '/var/lib/pxdeploy/scripts';

export function scriptPath(name: string): string {
  return `${SCRIPTS_DIR}/${name}`;
}

/** busybox `env` has no --chdir: a fixed shell snippet changes directory, then execs the argv it is given. */
export const CD_AND_EXEC = 'cd -- "$1" && shift && exec "$@"';

/**
 * `timeout` runs inside the CT because pct exec passes no signal on: a host-side kill would leave the
 * script running. Debian family: `runuser -u` and GNU `env -C`. Alpine (busybox): `su -s /bin/sh -c`
 * and the cd snippet, since busybox has neither runuser nor `env -C`. Values reach the script via `env
 * K=V` and the script itself by path, so no value is ever parsed by a shell.
 */
export function scriptArgv(script: ProvisioningScript, family: OsFamily): string[] {
  const dir = script.working_dir ?? '/';
  const env = Object.entries(script.environment).map(([k, v]) => `${k}=${v}`);
  const program = [script.interpreter, scriptPath(script.name)];
  const timeout = ['timeout', String(script.timeout)];
  const asRoot = script.run_as === 'root';
  if (family === 'alpine') {
    const tail = ['sh', dir, 'env', ...env, ...program];
    return asRoot ? [...timeout, 'sh', '-c', CD_AND_EXEC, ...tail] : [...timeout, 'su', '-s', '/bin/sh', '-c', CD_AND_EXEC, script.run_as, ...tail];
  }
  const run = ['env', '-C', dir, ...env, ...program];
  return asRoot ? [...timeout, ...run] : [...timeout, 'runuser', '-u', script.run_as, '--', ...run];
}

/** Exit codes that mean the in-CT timeout fired: GNU timeout's 124; busybox kills with SIGTERM (128+15). */
export function isTimeoutExit(exitCode: number, family: OsFamily): boolean {
  return exitCode === 124 || (family === 'alpine' && exitCode === 143);
}

/** The host waits a little longer than the CT's own timeout, so the in-CT one normally reports first. */
export function hostTimeoutMs(script: ProvisioningScript): number {
  return (script.timeout + 30) * 1000;
}
