// `pct start|stop|shutdown|reboot`: the running checks before the worker, then lxc-start / lxc-stop inside it.
import type { Handler } from '../common/cli.js';
import { PveError } from '../common/errors.js';
import { runWorkerUpidExit } from '../common/task.js';
import { applyPending } from '../ct/apply.js';
import { hasPending } from '../ct/pending.js';
import { checkLock, loadConfig, withConfigLock, writeCtConfig } from '../ct/store.js';
import { killContainer, shutdownContainer, startContainer } from '../lxc/runtime.js';
import { isRunning } from '../lxc/state.js';
import type { Task } from '../common/task.js';

/** vm_start's worker: checks, pending changes applied, then lxc-start. */
async function startWorker(vmid: number, skiplock: boolean, task: Task): Promise<void> {
  await withConfigLock(vmid, () => {
    const conf = loadConfig(vmid);
    if (conf.props.template === '1') throw new PveError("you can't start a CT if it's a template\n");
    if (!skiplock) checkLock(conf, ['mounted']);
    if (hasPending(conf)) {
      applyPending(vmid, conf);
      writeCtConfig(vmid, conf);
    }
    if (conf.props.debug === '1') task.log(`pvesim: starting CT ${vmid} with debug log level`);
    startContainer(vmid, conf, task);
  });
}

export const start: Handler = async ({ params }) => {
  const vmid = Number(params.vmid);
  if (isRunning(vmid)) throw new PveError(`CT ${vmid} already running\n`);
  return runWorkerUpidExit((task) => startWorker(vmid, params.skiplock === '1', task), { type: 'vzstart', id: String(vmid) });
};

export const stop: Handler = async ({ params }) => {
  const vmid = Number(params.vmid);
  if (!isRunning(vmid)) throw new PveError(`CT ${vmid} not running\n`);
  return runWorkerUpidExit(async () => {
    const conf = loadConfig(vmid);
    if (params.skiplock !== '1') checkLock(conf, ['mounted']);
    killContainer(vmid);
  }, { type: 'vzstop', id: String(vmid) });
};

export const shutdown: Handler = async ({ params }) => {
  const vmid = Number(params.vmid);
  if (!isRunning(vmid)) throw new PveError(`CT ${vmid} not running\n`);
  return runWorkerUpidExit((task) => {
    const conf = loadConfig(vmid);
    checkLock(conf);
    shutdownContainer(vmid, Number(params.timeout ?? 60), params.forceStop === '1', task);
  }, { type: 'vzshutdown', id: String(vmid) });
};

export const reboot: Handler = async ({ params }) => {
  const vmid = Number(params.vmid);
  if (!isRunning(vmid)) throw new PveError(`VM ${vmid} not running\n`);
  return runWorkerUpidExit(async (task) => {
    checkLock(loadConfig(vmid));
    shutdownContainer(vmid, Number(params.timeout ?? 60), true, task);
    await startWorker(vmid, false, task);
  }, { type: 'vzreboot', id: String(vmid) });
};
