// `pct template <vmid>`: refuse locked/snapshotted/running CTs and templates, then turn volumes into base volumes.
import type { Handler } from '../common/cli.js';
import { PveError } from '../common/errors.js';
import { runWorker } from '../common/task.js';
import { mountpoints, printMountpoint } from '../ct/mountpoints.js';
import { checkLock, loadConfig, withConfigLock, writeCtConfig } from '../ct/store.js';
import { removeLxcDir } from '../lxc/lxcconf.js';
import { isRunning } from '../lxc/state.js';
import { renameToBase } from '../storage/volumes.js';

export const template: Handler = async ({ params }) => {
  const vmid = Number(params.vmid);
  await withConfigLock(vmid, async () => {
    const conf = loadConfig(vmid);
    checkLock(conf);
    if (Object.keys(conf.snapshots).length) throw new PveError('unable to create template, because CT contains snapshots\n');
    if (conf.props.template === '1') throw new PveError("you can't convert a template to a template\n");
    if (isRunning(vmid)) throw new PveError("you can't convert a CT to template if the CT is running\n");
    await runWorker(() => {
      for (const mp of mountpoints(conf)) {
        if (mp.type !== 'volume') continue;
        conf.props[mp.key] = printMountpoint(mp.key, { ...mp.opts, volume: renameToBase(mp.volume) });
      }
      conf.props.template = '1';
      writeCtConfig(vmid, conf);
      removeLxcDir(vmid);
    }, { type: 'vztemplate', id: String(vmid) });
  });
};
