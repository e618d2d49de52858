// Checks a container spec against the host before anything changes, reporting every problem at once with its file line.
import { lstat } from 'node:fs/promises';
import type { LineOf } from '../config/container-spec.js';
import type { SpecPath } from '../config/problems/path.js';
import { formatPath } from '../config/problems/path.js';
import { parseTemplateRef } from '../config/schema/names.js';
import type { ContainerSpec } from '../config/schema/spec.js';
import type { Context } from '../context.js';
import { PreflightError, type ConfigProblem } from '../errors.js';
import { runPve } from '../host/pve-run.js';
import { parsePveamAvailable, parsePveamList, pveamAvailable, pveamList } from '../host/pveam.js';
import { parseClusterLxc, parseNodeNetwork, parseNodeStatus, pveshClusterResourcesVm, pveshNodeNetwork, pveshNodeStatus } from '../host/pvesh.js';
import { parsePvesmStatus, pvesmStatus } from '../host/pvesm.js';
import type { ClusterLxc } from '../host/pvesh.js';
import { cachedRead } from '../cluster/cache.js';
import { parseNodeStorage, pveshNodeStorage } from '../cluster/node-info.js';
import { isLocalNode } from '../cluster/pmxcfs.js';

/** Where pxdeploy looks for templates and puts root disks when neither the spec nor the config says. */
export const DEFAULT_TEMPLATE_STORAGE = 'local';
export const DEFAULT_ROOTFS_STORAGE = 'local-lvm';
/** Unprivileged CTs map host uids 100000..165535 to 0..65535 (PVE's default idmap). */
const IDMAP_BASE = 100_000;
const IDMAP_SIZE = 65_536;

export interface PreflightInput {
  spec: ContainerSpec;
  lineOf: LineOf;
  file: string;
  /** `--vmid` (wins over the spec's). */
  vmid?: number;
  node?: string;
  /** `--yes`: a missing template may be downloaded. */
  yes: boolean;
  /** A template chosen by the caller (an OCI archive being pulled): not looked up with pveam. */
  ostemplate?: string;
}

export interface CreatePlan {
  /** Fixed by the spec or --vmid; undefined means allocate one. */
  vmid?: number;
  node: string;
  storage: string;
  /** The template volume id to create from. */
  ostemplate: string;
  /** `pveam download <storage> <template>` needed first. */
  download?: { storage: string; template: string };
  /** Host directories of bind mounts that do not exist yet (created before `pct create`). */
  missingDirs: string[];
  warnings: string[];
  /** The cluster's CTs as seen now (for the idempotency check). */
  cluster: ClusterLxc[];
}

/** Newest first by the version embedded in template names (`debian-12-standard_12.12-1_amd64`). */
function newestFirst(a: string, b: string): number {
  return b.localeCompare(a, 'en', { numeric: true });
}

function matchesShortName(file: string, name: string): boolean {
  return file.startsWith(`${name}-`) || file.startsWith(`${name}_`) || file.startsWith(`${name}.`);
}

export async function preflightCreate(ctx: Context, input: PreflightInput): Promise<CreatePlan> {
  const { spec } = input;
  const c = spec.container;
  const problems: Array<ConfigProblem & { missing: boolean }> = [];
  const at = (path: SpecPath, message: string, missing = false) => {
    const line = input.lineOf(path);
    problems.push({ file: input.file, ...(line === undefined ? {} : { line }), path: formatPath(path), message, missing });
  };
  const warnings: string[] = [];
  const node = input.node ?? c.node ?? 'localhost';
  const run = (cmd: Parameters<typeof runPve>[1]) => runPve(ctx.effects, cmd);
  // pvesm sees only this node's storage; another node's comes from the API (placement asked it already).
  const remote = !isLocalNode(ctx.paths.pveDir, node);

  // The reads are independent: asked together, preflight costs one round of PVE CLI start-ups, not six.
  const [clusterOut, statusOut, rootdirOut, networkOut, template] = await Promise.all([
    run(pveshClusterResourcesVm()),
    cachedRead(ctx, pveshNodeStatus(node)),
    remote ? cachedRead(ctx, pveshNodeStorage(node)) : run(pvesmStatus({ content: ['rootdir'] })),
    cachedRead(ctx, pveshNodeNetwork(node)),
    input.ostemplate !== undefined
      ? Promise.resolve<ResolvedTemplate>({ volid: input.ostemplate })
      : resolveTemplate(ctx, c.template, input.yes, (m, missing) => at(['container', 'template'], m, missing)),
  ]);
  const cluster = parseClusterLxc(clusterOut.stdout);
  const vmid = input.vmid ?? c.vmid;
  if (vmid !== undefined) {
    const taken = cluster.find((g) => g.vmid === vmid);
    if (taken && taken.name !== c.hostname) at(['container', 'vmid'], `vmid ${vmid} is taken by CT ${taken.name ?? '?'} on node ${taken.node}`);
  }

  const status = parseNodeStatus(statusOut.stdout);
  const cpus = status.cpuinfo?.cpus;
  if (cpus !== undefined && c.resources.cores > cpus) at(['container', 'resources', 'cores'], `${c.resources.cores} cores, but node ${node} has ${cpus} CPUs`);
  const memMiB = Math.floor(status.memory.total / 1024 / 1024);
  if (c.resources.memory > memMiB) at(['container', 'resources', 'memory'], `${c.resources.memory} MB, but node ${node} has ${memMiB} MB of memory`);

  const nodeStorages = remote ? parseNodeStorage(rootdirOut.stdout) : undefined;
  const storages = nodeStorages ? nodeStorages.filter((s) => s.content.includes('rootdir') && s.status !== 'disabled') : parsePvesmStatus(rootdirOut.stdout);
  const storage = c.storage_pool ?? DEFAULT_ROOTFS_STORAGE;
  const pool = storages.find((s) => s.name === storage);
  if (!pool) {
    // Only now is the full list worth asking for: it tells "no rootdir content" from "no such storage".
    const all = nodeStorages ?? parsePvesmStatus((await run(pvesmStatus())).stdout);
    if (all.some((s) => s.name === storage)) at(['container', 'storage_pool'], `storage '${storage}' does not allow content type 'rootdir' (Container); choose one of: ${storages.map((s) => s.name).join(', ') || 'none'}`);
    else at(['container', 'storage_pool'], `storage '${storage}' does not exist on node ${node}`, true);
  } else if (pool.status !== 'active') {
    at(['container', 'storage_pool'], `storage '${storage}' is ${pool.status}`);
  } else if (pool.availableKiB < c.resources.disk * 1024 * 1024) {
    at(['container', 'resources', 'disk'], `${c.resources.disk} GB root disk, but '${storage}' has ${(pool.availableKiB / 1024 / 1024).toFixed(1)} GB free`);
  }
  for (const m of c.mount_points) {
    if (m.storage !== undefined && !storages.some((s) => s.name === m.storage)) {
      at(['container', 'mount_points', c.mount_points.indexOf(m), 'storage'], `storage '${m.storage}' cannot hold container volumes (no 'rootdir' content, or missing)`);
    }
  }

  const bridges = parseNodeNetwork(networkOut.stdout).filter((i) => i.type === 'bridge' || i.type === 'OVSBridge');
  if (!bridges.some((b) => b.iface === c.network.bridge)) {
    at(['container', 'network', 'bridge'], `bridge '${c.network.bridge}' does not exist on node ${node} (bridges: ${bridges.map((b) => b.iface).join(', ') || 'none'})`, true);
  }

  const missingDirs: string[] = [];
  for (const [i, m] of c.mount_points.entries()) {
    if (m.host === undefined) continue;
    const st = await lstat(m.host).catch(() => undefined);
    if (!st) missingDirs.push(m.host);
    else if (!st.isDirectory()) at(['container', 'mount_points', i, 'host'], `${m.host} exists but is not a directory`);
    else if (c.unprivileged && (st.uid < IDMAP_BASE || st.uid >= IDMAP_BASE + IDMAP_SIZE)) {
      warnings.push(`${m.host} is owned by host uid ${st.uid}, which the unprivileged CT does not map: it shows as nobody:nogroup inside (chown it to ${IDMAP_BASE}+<uid>)`);
    }
  }
  for (const [i, d] of c.devices.entries()) {
    const st = await lstat(d.path).catch(() => undefined);
    if (!st) at(['container', 'devices', i, 'path'], `${d.path} does not exist on this host`, true);
    else if (!st.isCharacterDevice()) at(['container', 'devices', i, 'path'], `${d.path} is not a character device`);
  }

  if (problems.length > 0) {
    const onlyMissing = problems.every((p) => p.missing);
    const hint = template.downloadCommand && !input.yes ? `download the template with \`${template.downloadCommand}\`, or re-run with --yes` : 'nothing was changed on the host';
    const ordered = problems.map(({ missing: _m, ...p }) => p).sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
    throw new PreflightError(ordered, onlyMissing, hint);
  }
  return { vmid, node, storage, ostemplate: template.volid!, download: template.download, missingDirs, warnings, cluster };
}

interface ResolvedTemplate {
  volid?: string;
  download?: { storage: string; template: string };
  downloadCommand?: string;
}

/** `debian-12` → the newest matching local vztmpl; a missing one is offered for download (with --yes). */
async function resolveTemplate(ctx: Context, ref: string, yes: boolean, problem: (message: string, missing: boolean) => void): Promise<ResolvedTemplate> {
  const parsed = parseTemplateRef(ref);
  const storage = parsed.kind === 'volid' ? parsed.storage : DEFAULT_TEMPLATE_STORAGE;
  const local = parsePveamList((await runPve(ctx.effects, pveamList(storage))).stdout);
  if (parsed.kind === 'volid') {
    if (local.some((t) => t.volid === ref)) return { volid: ref };
    const name = parsed.file.replace(/^vztmpl\//, '');
    return offerDownload(ctx, storage, (t) => t === name, ref, yes, problem);
  }
  const found = local.map((t) => t.name).filter((n) => matchesShortName(n, parsed.name)).sort(newestFirst);
  if (found[0]) return { volid: `${storage}:vztmpl/${found[0]}` };
  return offerDownload(ctx, storage, (t) => matchesShortName(t, parsed.name), ref, yes, problem);
}

async function offerDownload(
  ctx: Context,
  storage: string,
  match: (template: string) => boolean,
  ref: string,
  yes: boolean,
  problem: (message: string, missing: boolean) => void,
): Promise<ResolvedTemplate> {
  const available = parsePveamAvailable((await cachedRead(ctx, pveamAvailable())).stdout).map((a) => a.template).filter(match).sort(newestFirst);
  const template = available[0];
  if (!template) {
    problem(`no template matches '${ref}' on storage '${storage}' or in \`pveam available\` (run \`pveam update\` first?)`, true);
    return {};
  }
  const command = `pveam download ${storage} ${template}`;
  if (!yes) {
    problem(`template '${ref}' is not on storage '${storage}'; it can be downloaded with \`${command}\` (or re-run with --yes)`, true);
    return { downloadCommand: command };
  }
  return { volid: `${storage}:vztmpl/${template}`, download: { storage, template }, downloadCommand: command };
}
