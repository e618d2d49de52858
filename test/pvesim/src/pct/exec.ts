// `pct exec <vmid> -- cmd...` and `pct enter`: lxc-attach with a clean environment; the command's exit code is ours.
import { spawn } from 'node:child_process';
import os from 'node:os';
import type { Handler } from '../common/cli.js';
import { PveError, perlDie } from '../common/errors.js';
import { loadConfig } from '../ct/store.js';
import { lxcArgs } from '../lxc/runtime.js';
import { isRunning } from '../lxc/state.js';

const FORWARDED = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'] as const;

/**
 * Real pct `exec`s lxc-attach, so a signal sent to pct reaches lxc-attach; forward them to keep that
 * (a caller's timeout must stop the attached command, not just this node process).
 */
function attach(vmid: number, argv: string[]): Promise<number> {
  const child = spawn('lxc-attach', [...lxcArgs(vmid), '--clear-env', ...(argv.length ? ['--', ...argv] : [])], { stdio: 'inherit' });
  const forward = (sig: NodeJS.Signals) => child.kill(sig);
  for (const sig of FORWARDED) process.on(sig, forward);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      for (const sig of FORWARDED) process.off(sig, forward);
      resolve(signal ? 128 + (os.constants.signals[signal] ?? 0) : (code ?? 255));
    });
  });
}

function checkRunning(vmid: number): void {
  loadConfig(vmid);
  if (!isRunning(vmid)) throw new PveError(`container '${vmid}' not running!\n`);
}

export const exec: Handler = ({ params, extraArgs }) => {
  const vmid = Number(params.vmid);
  checkRunning(vmid);
  if (!extraArgs?.length) throw perlDie('missing command', '/usr/share/perl5/PVE/CLI/pct.pm', 236);
  return attach(vmid, extraArgs);
};

export const enter: Handler = ({ params }) => {
  const vmid = Number(params.vmid);
  checkRunning(vmid);
  return attach(vmid, []);
};
