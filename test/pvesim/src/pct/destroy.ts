// `pct destroy <vmid> [--force] [--purge]`: protection, lock and running checks, then volumes and config are removed.
import type { Handler } from '../common/cli.js';
import { PveError } from '../common/errors.js';
import { runWorkerUpidExit } from '../common/task.js';
import { destroyContainer } from '../ct/destroy.js';
import { checkLock, checkProtection, loadConfig, withConfigLock, writeCtConfig } from '../ct/store.js';
import { killContainer } from '../lxc/runtime.js';
import { isRunning } from '../lxc/state.js';

export const destroy: Handler = async ({ params }) => {
  const vmid = Number(params.vmid);
  const force = params.force === '1';
  const conf = loadConfig(vmid);
  checkProtection(conf, `can't remove CT ${vmid}`);
  checkLock(conf);
  const runningError = `unable to destroy CT ${vmid} - container is running\n`;
  if (!force && isRunning(vmid)) throw new PveError(runningError);

  return runWorkerUpidExit((task) =>
    withConfigLock(vmid, () => {
      const current = loadConfig(vmid);
      checkLock(current);
      if (isRunning(vmid)) {
        if (!force) throw new PveError(runningError);
        task.log(`forced to stop CT ${vmid} before destroying!`);
        killContainer(vmid);
      }
      current.props.lock = 'destroyed';
      writeCtConfig(vmid, current);
      destroyContainer(vmid, current, params['destroy-unreferenced-disks'] === '1');
      if (params.purge === '1') task.log(`purging CT ${vmid} from related configurations..`);
    }),
    { type: 'vzdestroy', id: String(vmid) },
  );
};
