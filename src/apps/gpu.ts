// `--gpu`: the package's devices passed through, each owned inside the CT by the gid its named group has in the image (render, video…).
import { lstat } from 'node:fs/promises';
import type { ContainerSpec } from '../config/schema/spec.js';
import type { OciApp } from '../catalog/schema.js';
import type { Context } from '../context.js';
import { PreflightError, type ConfigProblem } from '../errors.js';
import { readArchiveImage } from '../oci/derive.js';
import { readImageGroups } from '../oci/image-groups.js';

/** Every device --gpu asked for that this host lacks (or has as something else than a character device). */
export async function gpuDeviceProblems(pkgName: string, devices: OciApp['devices']): Promise<ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  for (const d of devices) {
    const st = await lstat(d.path).catch(() => undefined);
    const what = d.description ? ` (${d.description})` : '';
    if (!st) problems.push({ file: `package ${pkgName}`, path: '--gpu', message: `${d.path}${what} does not exist on this host: is the GPU driver loaded?` });
    else if (!st.isCharacterDevice()) problems.push({ file: `package ${pkgName}`, path: '--gpu', message: `${d.path}${what} is not a character device` });
  }
  return problems;
}

export async function requireGpuDevices(pkgName: string, devices: OciApp['devices']): Promise<void> {
  const problems = await gpuDeviceProblems(pkgName, devices);
  if (problems.length > 0) throw new PreflightError(problems, true, 'pass the device through on the host first, or install without --gpu; nothing was changed');
}

/** The spec with each device's `gid` set from the image's groups; a group the image lacks is a warning (the device stays root's). */
export function applyDeviceGids(spec: ContainerSpec, devices: OciApp['devices'], groups: ReadonlyMap<string, number> | undefined): { spec: ContainerSpec; warnings: string[] } {
  const warnings: string[] = [];
  const withGids = spec.container.devices.map((dev) => {
    const group = devices.find((d) => d.path === dev.path)?.group;
    if (!group || dev.gid !== undefined) return dev;
    const gid = groups?.get(group);
    if (gid === undefined) {
      warnings.push(`${dev.path}: the image has no group '${group}'${groups ? '' : ' (its layers could not be read)'}; the device is owned by root inside the CT`);
      return dev;
    }
    return { ...dev, gid };
  });
  return { spec: { ...spec, container: { ...spec.container, devices: withGids } }, warnings };
}

/** Read the groups from the pulled archive (after the pull: under --dry-run they are "known after apply"). */
export async function imageGroupsOf(ctx: Context, archive: string): Promise<Map<string, number> | undefined> {
  return ctx.effects.afterApply(`read /etc/group of the image in ${archive}`, async () => readImageGroups(archive, await readArchiveImage(archive)), undefined);
}
