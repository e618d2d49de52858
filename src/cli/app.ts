// `pxdeploy app ...`: app containers from catalog packages (OCI images): install, update, list, remove.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { emit, type CliIo } from './io.js';
import { makeContext, runOperation } from './context.js';
import { renderTable } from './table.js';
import { registryAuthOf, showPullProgress } from './oci.js';

function vmidOf(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 100 && n <= 999_999_999)) throw new UsageError(`invalid vmid '${text}': expected a number from 100 to 999999999`);
  return n;
}

const collect = (v: string, prev: string[]) => [...prev, v];

async function requireOciPackage(name: string) {
  const { loadCatalog, requirePackage } = await import('../catalog/index.js');
  const { loadNamedPackage } = await import('./oci.js');
  const one = await loadNamedPackage(name);
  if (one?.oci) return one;
  const { pkg } = requirePackage((await loadCatalog()).packages.filter((p) => p.oci), name);
  return pkg;
}

export function registerApp(program: Command, io: CliIo): void {
  const app = program
    .command('app')
    .description('app containers from the catalog (OCI images): install, update, list, remove')
    .addHelpText(
      'after',
      `
Examples:
  $ sudo pxdeploy app install demo --set GREETING=hi --ip 10.0.0.50/24 --gateway 10.0.0.1
  $ sudo pxdeploy app install vikunja --set VIKUNJA_SERVICE_PUBLICURL=http://todo.lan/
  $ sudo pxdeploy app update demo --tag 2.0          recreate from the new image, roll back if unhealthy
  $ pxdeploy app list --json
  $ sudo pxdeploy app remove demo --yes              the volumes stay (--purge-data removes them)`,
    );

  app
    .command('install')
    .description('create an app CT from a catalog package: pull, pct create, env read back, start, health gate')
    .argument('<package>', 'a catalog package with an oci: section')
    .option('--vmid <vmid>', 'use this vmid (default: the next free one)')
    .option('--hostname <name>', 'CT hostname and app name (default: the package name)')
    .option('--ip <cidr>', 'static IPv4 address (default: dhcp)')
    .option('--gateway <ip>', 'IPv4 gateway (with --ip)')
    .option('--bridge <bridge>', 'bridge', 'vmbr0')
    .option('--storage <storage>', 'storage for the root disk', 'local-lvm')
    .option('--template-storage <storage>', 'storage holding the pulled image', 'local')
    .option('--node <node>', 'target node (default on a cluster: the one with the most free memory that has the storages and bridge; another node needs --ip)')
    .option('--set <KEY=VALUE>', 'an environment variable of the package (repeatable)', collect, [])
    .option('--allow-env <KEY>', 'allow --set of a variable the package does not declare (repeatable)', collect, [])
    .option('--gpu', 'pass the package\'s GPU devices through')
    .option('--creds-file <file>', 'registry credentials file ("user:password")')
    .option('--authfile <file>', 'a containers auth.json')
    .option('--tls-verify <bool>', 'false for a plain-HTTP registry')
    .action(async (name: string, opts: { vmid?: string; hostname?: string; ip?: string; gateway?: string; bridge: string; storage: string; templateStorage: string; set: string[]; allowEnv: string[]; gpu?: boolean; credsFile?: string; authfile?: string; tlsVerify?: string; node?: string }) => {
      const vmid = opts.vmid === undefined ? undefined : vmidOf(opts.vmid);
      if (opts.tlsVerify !== undefined && !['true', 'false'].includes(opts.tlsVerify)) throw new UsageError(`invalid --tls-verify=${opts.tlsVerify}: use true or false`);
      const { auth, secrets } = await registryAuthOf(opts);
      const pkg = await requireOciPackage(name);
      const { installApp, validateInstall } = await import('../apps/install.js');
      const input = {
        pkg,
        ...(opts.hostname ? { hostname: opts.hostname } : {}),
        ...(vmid !== undefined ? { vmid } : {}),
        ...(opts.ip ? { ip: opts.ip } : {}),
        ...(opts.gateway ? { gateway: opts.gateway } : {}),
        bridge: opts.bridge,
        storage: opts.storage,
        ...(opts.node ? { node: opts.node } : {}),
        templateStorage: opts.templateStorage,
        sets: opts.set,
        allowEnv: opts.allowEnv,
        gpu: !!opts.gpu,
        auth,
        progress: showPullProgress(io),
        ...(opts.tlsVerify !== undefined ? { tlsVerify: opts.tlsVerify === 'true' } : {}),
      };
      const validated = validateInstall(input);
      const envSecrets = validated.env.secretKeys.map((k) => validated.env.values[k]);
      await runOperation(
        io,
        { resource: `app-${opts.hostname ?? pkg.name}`, operation: 'app-install', secrets: [...secrets, ...envSecrets] },
        (ctx) => installApp(ctx, { ...input, validated }),
        (r) =>
          [
            ...(r.placement ? [r.placement] : []),
            `installed ${r.hostname} (CT ${r.vmid}${r.placement ? ` on ${r.node}` : ''}, ${r.digest.slice(0, 19)}): ${r.url}`,
            ...r.volumes.map((v) => `  volume ${v.name}: ${v.host} → ${v.path}`),
            ...(r.generated.length ? [`  generated secrets: ${r.generated.join(', ')} (stored in the CT config)`] : []),
          ].join('\n'),
      );
    });

  app
    .command('update')
    .description('recreate an app CT from a new image with the same vmid, IP, env and volumes; roll back if unhealthy')
    .argument('<app>', 'hostname or vmid')
    .option('--tag <tag>', 'the image tag to move to (default: the current one, re-pulled)')
    .option('--creds-file <file>', 'registry credentials file ("user:password")')
    .option('--authfile <file>', 'a containers auth.json')
    .action(async (ref: string, opts: { tag?: string; credsFile?: string; authfile?: string }) => {
      const { auth, secrets } = await registryAuthOf(opts);
      const { makePaths } = await import('../state/paths.js');
      const { findApp } = await import('../apps/state.js');
      const state = await findApp(makePaths(), ref);
      if (!state) throw new UsageError(`no app '${ref}'`, 'see `pxdeploy app list`');
      const pkg = await requireOciPackage(state.package);
      const { updateApp } = await import('../apps/update.js');
      await runOperation(io, { resource: `app-${state.hostname}`, operation: 'app-update', secrets }, (ctx) => updateApp(ctx, { state, pkg, ...(opts.tag ? { tag: opts.tag } : {}), auth, progress: showPullProgress(io) }), (r) =>
        `updated ${r.hostname} (CT ${r.vmid}) ${r.from} → ${r.to}: ${r.url}`,
      );
    });

  app
    .command('list')
    .description('the apps pxdeploy installed')
    .action(async () => {
      const ctx = await makeContext(io);
      const { listApps } = await import('../apps/state.js');
      const apps = await listApps(ctx.paths);
      emit(io, { apps }, () =>
        apps.length === 0 ? 'no apps installed' : renderTable(['APP', 'PACKAGE', 'NODE', 'VMID', 'IMAGE', 'URL'], apps.map((a) => [a.hostname, a.package, a.node, String(a.vmid), `${a.image}:${a.tag ?? a.digest.slice(0, 19)}`, a.url])),
      );
    });

  app
    .command('remove')
    .description('destroy an app CT (asks unless --yes); its volumes stay unless --purge-data')
    .argument('<app>', 'hostname or vmid')
    .option('--purge-data', 'delete the volume directories too')
    .action(async (ref: string, opts: { purgeData?: boolean }) => {
      const { makePaths } = await import('../state/paths.js');
      const { findApp } = await import('../apps/state.js');
      const state = await findApp(makePaths(), ref);
      if (!state) throw new UsageError(`no app '${ref}'`, 'see `pxdeploy app list`');
      const what = opts.purgeData ? 'and DELETE its data volumes' : '(its volumes are kept)';
      if (!(await io.confirm(`remove app ${state.hostname} (CT ${state.vmid}) ${what}?`))) throw new UsageError('not confirmed; nothing was changed');
      const { removeApp } = await import('../apps/remove.js');
      await runOperation(io, { resource: `app-${state.hostname}`, operation: 'app-remove' }, (ctx) => removeApp(ctx, state, { purgeData: !!opts.purgeData }), (r) =>
        [`removed ${r.hostname} (CT ${r.vmid})`, ...r.volumes.map((v) => (r.purged ? `  deleted ${v}` : `  kept volume ${v}`))].join('\n'),
      );
    });
}
