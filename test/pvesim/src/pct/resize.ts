// `pct resize <vmid> <disk> <size>`: grow (never shrink) a volume; the new size is written into the config.
import type { Handler } from '../common/cli.js';
import { PveError } from '../common/errors.js';
import { formatSize } from '../common/formats.js';
import { runWorker } from '../common/task.js';
import { parseMountpoint, printMountpoint } from '../ct/mountpoints.js';
import { checkLock, checkProtection, loadConfig, withConfigLock, writeCtConfig } from '../ct/store.js';
import { parseVolume, recordedSize, recordSize, volumePath } from '../storage/volumes.js';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { ctConfigFile } from '../common/paths.js';

const UNIT: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

export const resize: Handler = async ({ params }) => {
  const vmid = Number(params.vmid);
  const disk = params.disk!;
  const m = /^(\+)?(\d+(?:\.\d+)?)([KMGT])?$/.exec(params.size!)!;
  const amount = Math.floor(Number(m[2]) * (m[3] ? UNIT[m[3]]! : 1));
  await withConfigLock(vmid, async () => {
    const conf = loadConfig(vmid);
    if (params.digest !== undefined) {
      const digest = crypto.createHash('sha1').update(fs.readFileSync(ctConfigFile(vmid))).digest('hex');
      if (digest !== params.digest) throw new PveError('detected modified configuration - file changed by other user? Try again.\n');
    }
    checkLock(conf);
    checkProtection(conf, `can't resize CT ${vmid} drive '${disk}'`);
    const value = conf.props[disk];
    if (value === undefined) throw new PveError(`unable to parse volume ID '${disk}'\n`);
    const mp = parseMountpoint(disk, value);
    if (mp.type !== 'volume') throw new PveError(`can't resize mount point of type '${mp.type}'\n`);
    const vol = parseVolume(mp.volume);
    if (vol.owner !== vmid) throw new PveError(`can't resize mount point owned by another container (${vol.owner})\n`);
    const dir = volumePath(vol);
    const size = recordedSize(dir) ?? mp.size ?? 0;
    const newSize = m[1] ? size + amount : amount;
    if (newSize < size) throw new PveError('unable to shrink disk size\n');
    if (newSize === size) throw new PveError('disk is already at specified size\n');
    await runWorker(() => {
      recordSize(dir, newSize);
      conf.props[disk] = printMountpoint(disk, { ...mp.opts, size: formatSize(newSize) });
      writeCtConfig(vmid, conf);
    }, { type: 'resize', id: String(vmid) });
  });
};
