// One app CT from a pulled archive through the OCI backend: derived image, pct create (pvesh on another node), read-back check, start, health gate; on any failure the CT is removed.
import path from 'node:path';
import type { ContainerSpec } from '../config/schema/spec.js';
import type { HealthCheck } from '../catalog/schema.js';
import type { Context } from '../context.js';
import { specToCreateOptions } from '../backends/lxc/spec-to-options.js';
import { ociBackend } from '../backends/oci/backend.js';
import { pveshCreateCt, pveshCtStatus, pveshDestroyCt } from '../cluster/remote-ct.js';
import { pctCreate, pctDestroy, pctStart } from '../host/pct.js';
import { runPve } from '../host/pve-run.js';
import { withAllocatedVmid } from '../containers/vmid.js';
import { healthUrl } from './health.js';

export interface AppCtInput {
  spec: ContainerSpec;
  storage: string;
  /** The pulled archive (absolute path). */
  archive: string;
  /** Fixed vmid (update, rollback) or undefined (allocate). */
  vmid?: number;
  env: Record<string, string>;
  user?: string;
  health: HealthCheck;
  /** What secrets look like in a mismatch message. */
  secretKeys: readonly string[];
  /** Host work `pct create` needs done (volume directories), run while the image is prepared. */
  prepare?: () => Promise<void>;
  /** Another node: made there through the API from the archive's volid (that node sees storages, not this host's paths). */
  remote?: { node: string; archiveVolid: string };
}

/** The volid of an archive in the same template cache as the pulled one (`local:vztmpl/<file>`). */
function volidBeside(archiveVolid: string, file: string): string {
  return `${archiveVolid.slice(0, archiveVolid.indexOf(':'))}:vztmpl/${path.basename(file)}`;
}

export async function createAppCt(ctx: Context, input: AppCtInput): Promise<{ vmid: number; ip: string; url: string }> {
  const { spec } = input;
  const remote = input.remote;
  const backend = ociBackend({
    archive: input.archive,
    env: input.env,
    ...(input.user ? { user: input.user } : {}),
    health: input.health,
    secretKeys: input.secretKeys,
    ...(remote ? { node: remote.node, derivedDir: path.dirname(input.archive) } : {}),
  });
  const [template] = await Promise.all([backend.template(ctx, spec), input.prepare?.()]);
  let vmid: number;
  try {
    ctx.report.info(`creating CT ${spec.container.hostname} from ${input.archive}`);
    vmid = await withAllocatedVmid(ctx, input.vmid, async (id) => {
      const opts = specToCreateOptions(spec, { storage: input.storage });
      if (!remote) await runPve(ctx.effects, pctCreate(id, template.ostemplate, opts));
      else {
        const volid = template.ostemplate === input.archive ? remote.archiveVolid : volidBeside(remote.archiveVolid, template.ostemplate);
        await runPve(ctx.effects, pveshCreateCt(remote.node, id, volid, opts));
      }
      return id;
    });
  } finally {
    await template.release();
  }
  try {
    await backend.verifyCreated?.(ctx, vmid);
    await runPve(ctx.effects, remote ? pveshCtStatus(remote.node, vmid, 'start') : pctStart(vmid));
    const { ip } = await backend.waitUp(ctx, vmid, spec);
    return { vmid, ip, url: healthUrl(ip, { ...input.health, path: '/' }) };
  } catch (err) {
    ctx.log.error(`CT ${vmid} failed; removing it: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    const destroy = { force: true, purge: true };
    await runPve(ctx.effects, remote ? pveshDestroyCt(remote.node, vmid, destroy) : pctDestroy(vmid, destroy), { allowFailure: true }).catch(() => undefined);
    throw err;
  }
}
