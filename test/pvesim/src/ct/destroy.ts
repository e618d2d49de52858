// Remove a CT's volumes (config, pending and snapshot references), its LXC dir and its config: destroy_lxc_container.
import fs from 'node:fs';
import path from 'node:path';
import { simPaths } from '../common/paths.js';
import { readStorageConfig } from '../storage/storagecfg.js';
import { freeImage, listVolumes, parseVolume } from '../storage/volumes.js';
import type { CtConfig } from './conffile.js';
import { sectionVolids } from './mountpoints.js';
import { clusterNodes, destroyConfig, listVmids, loadConfig } from './store.js';
import { removeLxcDir } from '../lxc/lxcconf.js';

/** vdisk_free refuses a base volume that linked clones still use. */
function checkBaseUnused(volid: string, vmid: number): void {
  for (const node of clusterNodes()) {
    for (const other of listVmids(node)) {
      if (other === vmid) continue;
      const text = (() => {
        try {
          return JSON.stringify(loadConfig(other, node));
        } catch {
          return '';
        }
      })();
      if (text.includes(`${volid}/`)) throw new Error(`base volume '${volid.replace(/^[^:]+:/, '')}' is still in use by linked cloned\n`);
    }
  }
}

/** Free every volume the CT owns; other CTs' volumes (e.g. a linked clone's base) are left alone. */
export function destroyVolumes(vmid: number, conf: CtConfig, unreferenced: boolean): void {
  const volids = new Set([...sectionVolids(conf, true), ...sectionVolids(conf.pending, true)]);
  for (const snap of Object.values(conf.snapshots)) for (const v of sectionVolids(snap, true)) volids.add(v);
  if (unreferenced) {
    for (const storage of readStorageConfig().values()) {
      if (storage.disabled) continue;
      for (const vol of listVolumes(storage, 'rootdir', vmid)) volids.add(vol.volid);
    }
  }
  for (const volid of volids) {
    let owner: number | undefined;
    try {
      owner = parseVolume(volid).owner;
    } catch {
      continue;
    }
    if (owner !== vmid) {
      process.stderr.write(`ignore deletion of '${volid}', CT ${vmid} isn't the owner!\n`);
      continue;
    }
    if (parseVolume(volid).isBase) checkBaseUnused(volid, vmid);
    freeImage(volid);
  }
}

export function destroyContainer(vmid: number, conf: CtConfig, unreferenced: boolean): void {
  destroyVolumes(vmid, conf, unreferenced);
  removeLxcDir(vmid);
  fs.rmSync(path.join(simPaths().runDir, `lxc-${vmid}.log`), { force: true });
  destroyConfig(vmid);
}
