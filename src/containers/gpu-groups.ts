// GPU nodes (/dev/dri/*) belong to the CT's own `render` (or `video`) group, whose gid only the CT knows: look it up, then set devN's gid.
import type { ContainerSpec } from '../config/schema/spec.js';
import type { Context } from '../context.js';
import { pctExec, pctReboot, pctSet, type DevSpec } from '../host/pct.js';
import { runPve } from '../host/pve-run.js';
import { specToCreateOptions } from '../backends/lxc/spec-to-options.js';

/** `render:x:108:` → 108 for the first of the groups that exists. */
export function groupGid(getentOut: string, names: readonly string[]): number | undefined {
  const gids = new Map(getentOut.split('\n').map((l) => l.split(':')).filter((f) => f.length >= 3).map((f) => [f[0]!, Number(f[2])]));
  for (const n of names) if (Number.isInteger(gids.get(n))) return gids.get(n);
  return undefined;
}

/**
 * For /dev/dri/* devices given without a gid: set the gid of `render` (else `video`) inside the CT
 * and reboot once so the pending devN change applies. Other devices are left as the spec says.
 */
export async function assignGpuGroups(ctx: Context, vmid: number, spec: ContainerSpec, storage: string): Promise<boolean> {
  const wanted = spec.container.devices.map((d, i) => ({ d, i })).filter(({ d }) => d.path.startsWith('/dev/dri/') && d.gid === undefined);
  if (wanted.length === 0) return false;
  const out = (await runPve(ctx.effects, { ...pctExec(vmid, ['getent', 'group', 'render', 'video'], { timeoutMs: 15_000 }), readOnly: true }, { allowFailure: true })).stdout;
  const gid = groupGid(out, ['render', 'video']);
  if (gid === undefined) {
    ctx.report.warn(`CT ${vmid} has neither a render nor a video group: /dev/dri devices keep gid 0`);
    return false;
  }
  const dev: Record<number, DevSpec> = {};
  const all = specToCreateOptions(spec, { storage }).dev ?? {};
  for (const { i } of wanted) dev[i] = { ...all[i], gid };
  await runPve(ctx.effects, pctSet(vmid, { dev }));
  await runPve(ctx.effects, pctReboot(vmid));
  return true;
}
