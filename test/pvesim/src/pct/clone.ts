// `pct clone <vmid> <newid> [--target node]`: full copy (or linked clone of a template on lvmthin) of every volume, fresh MACs; to another node only from shared storage.
import fs from 'node:fs';
import type { Handler } from '../common/cli.js';
import { PveError, ParamError } from '../common/errors.js';
import { simPaths } from '../common/paths.js';
import { runWorkerUpidExit } from '../common/task.js';
import { emptyConfig, type CtConfig, type CtSection } from '../ct/conffile.js';
import { copyVolumeContents } from '../ct/copyvolume.js';
import { mountpoints, printMountpoint } from '../ct/mountpoints.js';
import { parseNet, printNet, randomMac } from '../ct/network.js';
import { checkVmidUnused, clusterNodes, destroyConfig, loadConfig, moveConfigToNode, removeLock, setLock, withConfigLock, writeCtConfig } from '../ct/store.js';
import { isRunning } from '../lxc/state.js';
import { storageDef } from '../storage/storagecfg.js';
import { allocImage, freeImage, linkedCloneVolid, parseVolume, recordedSize, recordSize, snapshotDir, volumePath } from '../storage/volumes.js';

const SKIPPED = /^(parent|snaptime|template|lock|snapstate|unused\d+)$/;

function sourceSection(conf: CtConfig, snapname: string | undefined): CtSection {
  if (snapname === undefined) return conf;
  const snap = conf.snapshots[snapname];
  if (!snap) throw new PveError(`snapshot '${snapname}' does not exist\n`);
  return snap;
}

export const clone: Handler = async ({ params }) => {
  const vmid = Number(params.vmid);
  const newid = Number(params.newid);
  const node = simPaths().node;
  const conf = loadConfig(vmid);
  checkVmidUnused(newid);
  const snapname = params.snapname;
  const src = sourceSection(conf, snapname);
  const isTemplate = conf.props.template === '1';
  const full = params.full === undefined ? !isTemplate : params.full === '1';
  if (params.storage !== undefined && !full) throw new ParamError({ storage: "parameter 'storage' not allowed for linked clones" });
  if (params.storage !== undefined && !storageDef(params.storage).content.has('rootdir')) {
    throw new ParamError({ storage: `storage '${params.storage}' does not support container directories` });
  }
  // PVE::Cluster::check_node_exists; the clone is made here and its config moved to the target at the end.
  const target = params.target !== undefined && params.target !== node ? params.target : undefined;
  if (target !== undefined && !clusterNodes().includes(target)) throw new PveError(`no such cluster node '${target}'\n`);
  const running = isRunning(vmid);
  const mps = mountpoints(src);
  for (const mp of mps) {
    if (mp.type !== 'volume') throw new PveError(`unable to clone mountpoint '${mp.key}' (type ${mp.type})\n`);
    const vol = parseVolume(mp.volume);
    if (params.target !== undefined && params.target !== node && !vol.storage.shared) {
      throw new PveError(`can't clone CT to node '${params.target}' (CT uses local storage)\n`);
    }
    if (full) {
      if (running && snapname === undefined) throw new PveError('Full clone of a running container is only possible from a snapshot\n');
    } else if (!vol.isBase || vol.storage.type !== 'lvmthin') {
      throw new PveError(`Linked clone feature for '${mp.volume}' is not available\n`);
    }
  }

  return runWorkerUpidExit(async (task) => {
    if (!isTemplate) await setLock(vmid, 'disk');
    const created: string[] = [];
    try {
      await withConfigLock(newid, () => {
        checkVmidUnused(newid);
        writeCtConfig(newid, { ...emptyConfig(), props: { lock: 'create' } });
      });
      const next: CtConfig = emptyConfig();
      for (const [k, v] of Object.entries(src.props)) if (!SKIPPED.test(k)) next.props[k] = v;
      next.lxc = [...src.lxc];
      const description = params.description ?? src.description;
      if (description !== undefined) next.description = description;
      if (params.hostname !== undefined) next.props.hostname = params.hostname;
      for (const key of Object.keys(next.props).filter((k) => /^net\d+$/.test(k))) {
        next.props[key] = printNet({ ...parseNet(next.props[key]!), hwaddr: randomMac() });
      }
      for (const mp of mps) {
        const vol = parseVolume(mp.volume);
        const fromDir = snapname === undefined ? volumePath(vol) : snapshotDir(vol, snapname);
        if (!fs.existsSync(fromDir)) throw new Error(`volume '${mp.volume}' has no data${snapname ? ` in snapshot '${snapname}'` : ''}`);
        const size = recordedSize(volumePath(vol)) ?? mp.size ?? 0;
        let newVolid: string;
        if (full) {
          task.log(`create full clone of mountpoint ${mp.key} (${mp.volume})`);
          newVolid = allocImage(params.storage ?? vol.storage.id, newid, size);
        } else {
          task.log(`create linked clone of mount point ${mp.key} (${mp.volume})`);
          newVolid = linkedCloneVolid(vol, newid);
        }
        created.push(newVolid);
        const toDir = volumePath(parseVolume(newVolid));
        recordSize(toDir, size);
        copyVolumeContents(fromDir, toDir);
        const st = fs.statSync(fromDir);
        fs.chownSync(toDir, st.uid, st.gid);
        fs.chmodSync(toDir, st.mode & 0o7777);
        next.props[mp.key] = printMountpoint(mp.key, { ...mp.opts, volume: newVolid });
      }
      await withConfigLock(newid, () => {
        writeCtConfig(newid, next);
        // PVE::LXC::Config->move_config_to_node: a rename inside pmxcfs, so the CT now belongs to the target.
        if (target !== undefined) moveConfigToNode(newid, node, target);
      });
    } catch (err) {
      for (const volid of created) freeImage(volid);
      destroyConfig(newid);
      if (!isTemplate) await removeLock(vmid, 'disk').catch(() => undefined);
      throw new PveError(`clone failed: ${(err as Error).message.replace(/\n$/, '')}\n`);
    }
    if (!isTemplate) await removeLock(vmid, 'disk');
  }, { type: 'vzclone', id: String(vmid) });
};
