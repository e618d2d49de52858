// `app update`: pull the new image (the old archive stays), recreate the CT with the same vmid, network, env and volumes; roll back if unhealthy.
import type { Package } from '../catalog/schema.js';
import type { Context } from '../context.js';
import { NothingToDoError, PxError, RollbackFailedError, RolledBackError } from '../errors.js';
import { packageToSpec } from '../backends/oci/package-spec.js';
import { pveshDestroyCt, readCtConfig, remoteNodeOf } from '../cluster/remote-ct.js';
import { pctDestroy } from '../host/pct.js';
import { runPve } from '../host/pve-run.js';
import type { RegistryCreds } from '../host/skopeo.js';
import type { RegistryAuth } from '../oci/credentials.js';
import { finishPull, startPull } from '../oci/pull.js';
import { packageImageRef } from '../oci/target.js';
import { createAppCt } from './create-ct.js';
import { applyDeviceGids, imageGroupsOf } from './gpu.js';
import { readAppState, writeAppState, type AppState } from './state.js';
import { planTraps } from './traps.js';

export interface UpdateInput {
  state: AppState;
  pkg: Package;
  tag?: string;
  auth: RegistryAuth & { creds?: RegistryCreds };
  progress?: boolean;
}

export interface UpdateResult {
  hostname: string;
  vmid: number;
  from: string;
  to: string;
  url: string;
}

export async function updateApp(ctx: Context, input: UpdateInput): Promise<UpdateResult> {
  const { pkg } = input;
  const oci = pkg.oci!;
  // An app on another node is read, destroyed and made again through the API there (pct acts only here).
  const remoteNode = remoteNodeOf(ctx, input.state.node);
  return ctx.effects.withLock(`app-${input.state.hostname}`, 'app-update', async () => {
    const target = packageImageRef(pkg, input.tag ?? input.state.tag);
    // The registry's digest and the CT's env are independent reads: asked together.
    const [probe, envRead] = await Promise.allSettled([
      startPull(ctx, { target, storage: input.state.archive.volid.split(':')[0]!, auth: input.auth, ...(input.progress ? { progress: true } : {}) }),
      // The env values (secrets too) live in the CT config; the record only names the keys.
      ctx.effects.afterApply(`read the env of CT ${input.state.vmid}`, async () => (await readCtConfig(ctx, input.state.vmid, remoteNode)).environment, {} as Record<string, string>),
    ]);
    if (probe.status === 'rejected') throw probe.reason;
    const session = probe.value;
    let pulled;
    try {
      if (envRead.status === 'rejected') throw envRead.reason;
      if (session.digest === input.state.digest) throw new NothingToDoError(`${input.state.hostname} already runs ${target.ref} (${session.digest})`);
      pulled = await finishPull(ctx, session);
    } finally {
      await session.close();
    }
    // A re-pull of the same tag may have moved the running archive aside (oci/pin.ts): the record names where it is now.
    const state = pulled.pinned?.apps.includes(input.state.hostname) ? ((await readAppState(ctx.paths, input.state.hostname, ctx.effects)) ?? input.state) : input.state;
    const current = envRead.status === 'fulfilled' ? envRead.value : {};
    const env = Object.fromEntries(Object.keys(state.env).map((k) => [k, current[k] ?? state.env[k]!]));
    const traps = planTraps(pkg.name, oci, env);
    const spec = packageToSpec(pkg, {
      hostname: state.hostname,
      vmid: state.vmid,
      ip: state.network.ip,
      ...(state.network.gateway ? { gateway: state.network.gateway } : {}),
      bridge: state.network.bridge,
      storage: state.storage,
      volumeHosts: Object.fromEntries(state.volumes.map((v) => [v.name, v.host])),
      gpu: state.gpu === true,
    });
    // The gid of a device's group is the new image's (update) or the old one's (rollback): each archive is read for its own CT.
    const specFor = async (archive: string) => (state.gpu ? applyDeviceGids(spec, oci.devices, await imageGroupsOf(ctx, archive)).spec : spec);
    const remoteFor = (archive: AppState['archive']) => (remoteNode ? { remote: { node: remoteNode, archiveVolid: archive.volid } } : {});
    const ctInput = { spec, storage: state.storage, vmid: state.vmid, env, ...(traps.user ? { user: traps.user } : {}), health: oci.health, secretKeys: state.secret_keys };

    ctx.report.info(`replacing CT ${state.vmid}: ${state.tag ?? state.digest} → ${target.tag ?? pulled.digest}`);
    await runPve(ctx.effects, remoteNode ? pveshDestroyCt(remoteNode, state.vmid, { force: true, purge: true }) : pctDestroy(state.vmid, { force: true, purge: true }));
    try {
      const ct = await createAppCt(ctx, { ...ctInput, spec: await specFor(pulled.path), archive: pulled.path, ...remoteFor({ volid: pulled.volid, path: pulled.path }) });
      await writeAppState(ctx.effects, ctx.paths, {
        ...state,
        ...(target.tag ? { tag: target.tag } : {}),
        digest: pulled.digest,
        archive: { volid: pulled.volid, path: pulled.path },
        previous: { ...(state.tag ? { tag: state.tag } : {}), digest: state.digest, archive: state.archive },
        url: ct.url,
        updated_at: ctx.clock.now().toISOString(),
      });
      return { hostname: state.hostname, vmid: ct.vmid, from: state.tag ?? state.digest, to: target.tag ?? pulled.digest, url: ct.url };
    } catch (err) {
      const why = err instanceof Error ? err.message.split('\n')[0]! : String(err);
      ctx.report.warn(`update failed (${why}); recreating CT ${state.vmid} from ${state.archive.volid}`);
      try {
        await createAppCt(ctx, { ...ctInput, spec: await specFor(state.archive.path), archive: state.archive.path, ...remoteFor(state.archive) });
      } catch (rollbackErr) {
        throw new RollbackFailedError(`update of ${state.hostname} failed (${why}) and so did the rollback: ${rollbackErr instanceof Error ? rollbackErr.message.split('\n')[0] : String(rollbackErr)}`, `the volumes are intact under ${state.volumes.map((v) => v.host).join(', ') || '(none)'}`);
      }
      throw new RolledBackError(`update of ${state.hostname} to ${target.ref} failed: ${why}; rolled back to ${state.tag ?? state.digest}`, err instanceof PxError && err.hint ? err.hint : undefined);
    }
  });
}
