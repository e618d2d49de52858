// App volumes: host directories under the data root, owned by the CT user's mapped host id (unprivileged idmap: host 100000 + n).
import type { Context } from '../context.js';
import type { OciApp } from '../catalog/schema.js';
import { chownDirs } from '../oci/archive-commands.js';
import type { TrapPlan } from './traps.js';

const IDMAP_BASE = 100_000;

export interface AppVolume {
  name: string;
  path: string;
  host: string;
}

export function appVolumes(ctx: Context, hostname: string, oci: OciApp): AppVolume[] {
  return oci.volumes.map((v) => ({ name: v.name, path: v.path, host: ctx.paths.appVolume(hostname, v.name) }));
}

/** Create missing volume directories (existing ones, and their data, are left exactly as they are). */
export async function prepareVolumes(ctx: Context, volumes: readonly AppVolume[], owners: TrapPlan['volumeOwners'], missing: readonly string[]): Promise<void> {
  for (const v of volumes.filter((x) => missing.includes(x.host))) {
    await ctx.effects.mkdir(v.host, { mode: 0o755 });
    const o = owners[v.name] ?? { uid: 0, gid: 0 };
    await ctx.effects.run(chownDirs(`${IDMAP_BASE + o.uid}:${IDMAP_BASE + o.gid}`, [v.host]));
  }
}
