// `app install <package>`: validate everything, pull if needed, create the app CT (derived image with env), health-gate it, record it.
import type { Package } from '../catalog/schema.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { packageToSpec } from '../backends/oci/package-spec.js';
import { placeOn } from '../cluster/place.js';
import { localNodeName } from '../cluster/pmxcfs.js';
import { preflightCreate, DEFAULT_ROOTFS_STORAGE, DEFAULT_TEMPLATE_STORAGE } from '../containers/preflight.js';
import { finishPull, startPull, type PullSession } from '../oci/pull.js';
import { archiveNameOf } from '../oci/reference.js';
import { packageImageRef } from '../oci/target.js';
import type { RegistryAuth } from '../oci/credentials.js';
import type { RegistryCreds } from '../host/skopeo.js';
import { createAppCt } from './create-ct.js';
import { applyDeviceGids, imageGroupsOf, requireGpuDevices } from './gpu.js';
import { resolveAppEnv } from './env.js';
import { maskEnv, readAppState, writeAppState, type AppState } from './state.js';
import { planTraps } from './traps.js';
import { appVolumes, prepareVolumes } from './volumes.js';

export interface InstallInput {
  pkg: Package;
  hostname?: string;
  vmid?: number;
  ip?: string;
  gateway?: string;
  bridge?: string;
  storage?: string;
  templateStorage?: string;
  sets: string[];
  allowEnv: string[];
  gpu: boolean;
  auth: RegistryAuth & { creds?: RegistryCreds };
  tlsVerify?: boolean;
  /** skopeo's progress output (a terminal, not --json). */
  progress?: boolean;
  /** `--node` (or a stack's `node:`); on a cluster without it, the placement choice. */
  node?: string;
  /** validateInstall's result, when the caller ran it first (to know the secrets to mask). */
  validated?: ReturnType<typeof validateInstall>;
}

export interface InstallResult {
  hostname: string;
  node: string;
  /** Why this node (a cluster's placement, or --node). */
  placement?: string;
  vmid: number;
  ip: string;
  url: string;
  digest: string;
  env: Record<string, string>;
  generated: string[];
  volumes: { name: string; path: string; host: string }[];
  notes: string[];
  warnings: string[];
}

/** Everything that can be checked before the host changes: env, traps, flags. */
export function validateInstall(input: InstallInput) {
  const oci = input.pkg.oci;
  if (!oci) throw new UsageError(`package ${input.pkg.name} is not an OCI app`, 'see `pxdeploy oci search ""`');
  if (input.gateway && !input.ip) throw new UsageError('--gateway needs --ip');
  if (input.gpu && oci.devices.length === 0) throw new UsageError(`package ${input.pkg.name} declares no GPU devices`);
  const env = resolveAppEnv(input.pkg.name, oci, { sets: input.sets, allowed: input.allowEnv });
  const traps = planTraps(input.pkg.name, oci, env.values);
  return { oci, env, traps };
}

export async function installApp(ctx: Context, input: InstallInput): Promise<InstallResult> {
  const { oci, env, traps } = input.validated ?? validateInstall(input);
  const hostname = input.hostname ?? input.pkg.name;
  if (await readAppState(ctx.paths, hostname)) throw new UsageError(`app ${hostname} is already installed`, `update it with \`pxdeploy app update ${hostname}\`, or remove it first`);
  const storage = input.storage ?? DEFAULT_ROOTFS_STORAGE;
  const volumes = appVolumes(ctx, hostname, oci);
  const spec = packageToSpec(input.pkg, {
    hostname,
    ...(input.vmid !== undefined ? { vmid: input.vmid } : {}),
    ip: input.ip ?? 'dhcp',
    ...(input.gateway ? { gateway: input.gateway } : {}),
    bridge: input.bridge ?? 'vmbr0',
    storage,
    volumeHosts: Object.fromEntries(volumes.map((v) => [v.name, v.host])),
    gpu: input.gpu,
  });
  const target = packageImageRef(input.pkg);
  const templateStorage = input.templateStorage ?? DEFAULT_TEMPLATE_STORAGE;
  const placed = await placeOn(ctx, { storage, templateStorage, bridge: spec.container.network.bridge }, input.node, '--node');
  if (placed.remote) checkRemote(ctx, input, placed.node!, hostname, volumes.map((v) => v.host));
  // --gpu without the device on this host is said in its own words, before anything else is asked.
  if (input.gpu) await requireGpuDevices(input.pkg.name, oci.devices);
  // Preflight and the registry's digest are independent questions: asked together, not one after the other.
  const [preflight, probe] = await Promise.allSettled([
    preflightCreate(ctx, { spec, lineOf: () => undefined, file: `package ${input.pkg.name}`, yes: true, ostemplate: `${templateStorage}:vztmpl/${archiveNameOf(target)}`, ...(placed.node ? { node: placed.node } : {}) }),
    startPull(ctx, { target, ...(input.templateStorage ? { storage: input.templateStorage } : {}), auth: input.auth, ...(input.tlsVerify === undefined ? {} : { tlsVerify: input.tlsVerify }), ...(input.progress ? { progress: true } : {}) }),
  ]);
  const session: PullSession | undefined = probe.status === 'fulfilled' ? probe.value : undefined;
  try {
    // The host's problems first: they are what `app install` checks before it touches the registry's answer.
    if (preflight.status === 'rejected') throw preflight.reason;
    if (probe.status === 'rejected') throw probe.reason;
    const result = await installChecked(ctx, input, { oci, env, traps, hostname, storage, volumes, spec, target, plan: preflight.value, session: session!, remote: placed.remote });
    return { ...result, ...(placed.reason ? { placement: placed.reason } : {}) };
  } finally {
    await session?.close();
  }
}

/**
 * Another node is reached through the API: no device there can be checked, and the DHCP lease is only
 * seen there (the health gate needs the address). Volume directories are made here, at the same path:
 * the other node sees them only where that path is shared (pvesim's nodes share this host).
 */
function checkRemote(ctx: Context, input: InstallInput, node: string, hostname: string, volumeDirs: readonly string[]): void {
  const refuse = (what: string) => new UsageError(`app ${hostname} on node ${node}: ${what}`, `install it on this node (--node ${localNodeName(ctx.paths.pveDir)}), or run pxdeploy on ${node} itself`);
  if (input.gpu) throw refuse("--gpu needs the devices on the CT's own node, which pxdeploy here cannot check");
  if (input.ip === undefined || input.ip === 'dhcp') throw refuse('needs a static --ip: the DHCP lease is only seen on that node, and the health gate needs the address');
  if (volumeDirs.length > 0) ctx.report.warn(`app ${hostname} on node ${node}: its volume directories (${volumeDirs.join(', ')}) are made on this node; ${node} must see the same path (a shared mount)`);
}

async function installChecked(
  ctx: Context,
  input: InstallInput,
  p: ReturnType<typeof validateInstall> & { hostname: string; storage: string; volumes: ReturnType<typeof appVolumes>; spec: ReturnType<typeof packageToSpec>; target: ReturnType<typeof packageImageRef>; plan: Awaited<ReturnType<typeof preflightCreate>>; session: PullSession; remote: boolean },
): Promise<InstallResult> {
  const { oci, env, traps, hostname, storage, volumes, spec, target, plan, session, remote } = p;
  if (plan.cluster.some((g) => g.name === hostname)) throw new UsageError(`a CT named ${hostname} already exists`, 'choose another --hostname');

  return ctx.effects.withLock(`app-${hostname}`, 'app-install', async () => {
    for (const w of [...plan.warnings, ...traps.warnings]) ctx.report.warn(w);
    for (const n of traps.notes) ctx.report.info(n);
    const pulled = await finishPull(ctx, session);
    const gpu = input.gpu ? applyDeviceGids(spec, oci.devices, await imageGroupsOf(ctx, pulled.path)) : { spec, warnings: [] };
    for (const w of gpu.warnings) ctx.report.warn(w);
    const ct = await createAppCt(ctx, {
      spec: gpu.spec,
      storage,
      archive: pulled.path,
      vmid: plan.vmid,
      env: env.values,
      ...(traps.user ? { user: traps.user } : {}),
      health: oci.health,
      secretKeys: env.secretKeys,
      prepare: () => prepareVolumes(ctx, volumes, traps.volumeOwners, plan.missingDirs),
      ...(remote ? { remote: { node: plan.node, archiveVolid: pulled.volid } } : {}),
    });
    const state: AppState = {
      schemaVersion: 1,
      hostname,
      package: input.pkg.name,
      vmid: ct.vmid,
      node: plan.node,
      image: target.image,
      ...(target.tag ? { tag: target.tag } : {}),
      digest: pulled.digest,
      archive: { volid: pulled.volid, path: pulled.path },
      storage,
      network: { bridge: spec.container.network.bridge, ip: spec.container.network.ip, ...(spec.container.network.gateway ? { gateway: spec.container.network.gateway } : {}) },
      env: maskEnv(env.values, env.secretKeys),
      secret_keys: env.secretKeys,
      volumes,
      ...(input.gpu ? { gpu: true } : {}),
      url: ct.url,
      installed_at: ctx.clock.now().toISOString(),
    };
    await writeAppState(ctx.effects, ctx.paths, state);
    return { hostname, node: plan.node, vmid: ct.vmid, ip: ct.ip, url: ct.url, digest: pulled.digest, env: state.env, generated: env.generated, volumes, notes: traps.notes, warnings: [...plan.warnings, ...traps.warnings] };
  });
}
