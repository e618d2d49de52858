// `pct exec <vmid> -- cmd...` and `pct enter`: lxc-attach with a clean environment; the command's exit code is ours.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import type { Handler } from '../common/cli.js';
import { PveError, perlDie } from '../common/errors.js';
import { loadConfig } from '../ct/store.js';
import { lxcArgs } from '../lxc/runtime.js';
import { isRunning } from '../lxc/state.js';

function attach(vmid: number, argv: string[]): number {
  const res = spawnSync('lxc-attach', [...lxcArgs(vmid), '--clear-env', ...(argv.length ? ['--', ...argv] : [])], { stdio: 'inherit' });
  if (res.error) throw res.error;
  if (res.signal) return 128 + (os.constants.signals[res.signal] ?? 0);
  return res.status ?? 255;
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
