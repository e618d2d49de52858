// Which CTs are linked clones of a template: their volumes name the template's base volume (`local-lvm:base-<vmid>-disk-N/vm-X-disk-M`).
import type { Context } from '../context.js';
import { runPve } from '../host/pve-run.js';
import { parsePvesmList, pvesmList } from '../host/pvesm.js';

/** The vmids with a volume on `storage` that references a base volume of template `vmid` (sorted, once each). */
export async function linkedClonesOf(ctx: Context, vmid: number, storage: string): Promise<number[]> {
  // lvmthin/zfs: `<storage>:base-900-disk-0/vm-201-disk-0`; file storages put the owner first: `<storage>:900/base-900-disk-0.raw/201/...`.
  const base = new RegExp(`[:/]base-${vmid}-disk-\\d+[^/]*/`);
  const volumes = parsePvesmList((await runPve(ctx.effects, pvesmList(storage))).stdout);
  const owners = volumes.filter((v) => base.test(v.volid) && v.vmid !== undefined && v.vmid !== vmid).map((v) => v.vmid!);
  return [...new Set(owners)].sort((a, b) => a - b);
}
