// `pxdeploy ct ...`: LXC containers from a YAML spec (create, provision) and their lifecycle on this node.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { emit, type CliIo } from './io.js';
import { renderTable } from './table.js';
import { makeContext, runOperation } from './context.js';

/** A vmid argument, checked before anything loads (PVE's own range, pve-cli.md §3.1). */
export function vmidOf(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 100 && n <= 999_999_999)) throw new UsageError(`invalid vmid '${text}': expected a number from 100 to 999999999`);
  return n;
}

/** `--memory 512`-style numbers: whole and non-negative, checked before anything loads (ranges are the operation's). */
export function countOf(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`invalid --${flag} '${text}': expected a whole number`);
  return Number(text);
}

async function loadSpec(file: string) {
  const { loadContainerSpecSource, secretValues } = await import('../config/index.js');
  const source = await loadContainerSpecSource(file, process.env);
  return { ...source, secrets: secretValues(source.spec) };
}

export function registerCt(program: Command, io: CliIo): void {
  const ct = program
    .command('ct')
    .description('LXC containers: create from a YAML spec, provision, and manage them')
    .addHelpText(
      'after',
      `
Examples:
  $ sudo pxdeploy ct create -f ct.yaml              preflight, create, start, provision
  $ sudo pxdeploy ct create -f ct.yaml --dry-run    the exact host commands, nothing run
  $ sudo pxdeploy ct provision 203                  resume provisioning after a failure
  $ pxdeploy ct show 203 --json
  $ pxdeploy ct list --status running --tag pxdeploy
  $ sudo pxdeploy ct destroy 203 --force --yes`,
    );

  ct.command('create')
    .description('create a container from a spec: preflight against the host, pct create, start, provision')
    .requiredOption('-f, --file <file>', 'the container spec (YAML)')
    .option('--vmid <vmid>', 'use this vmid (default: the spec\'s, else the next free one)')
    .option('--node <node>', 'target node (default: the spec\'s; on a cluster the one with the most free memory that has the storage, template storage and bridge)')
    .action(async (opts: { file: string; vmid?: string; node?: string }) => {
      const vmid = opts.vmid === undefined ? undefined : vmidOf(opts.vmid);
      const { spec, lineOf, secrets } = await loadSpec(opts.file);
      const { createContainer } = await import('../containers/create.js');
      await runOperation(
        io,
        { resource: `ct-${spec.container.hostname}`, operation: 'ct-create', secrets },
        async (ctx) => {
          // On a cluster without --node the node is chosen (and the reason told); a single node asks nothing.
          const { placeContainer } = await import('../cluster/place.js');
          const placed = await placeContainer(ctx, spec, opts.node);
          return { ...(await createContainer(ctx, { spec, lineOf, file: opts.file, specFile: opts.file, vmid, node: placed.node, yes: io.flags().yes })), placement: placed.reason };
        },
        (r) =>
          r.outcome === 'unchanged'
            ? `CT ${r.vmid} (${r.hostname}): no changes`
            : [
                r.placement ?? '',
                `created CT ${r.vmid} (${r.hostname}) on ${r.node}`,
                `  address: ${r.ip ?? '?'}   systemd: ${r.systemd ?? '?'}`,
                r.provisioning ? `  provisioned: ${r.provisioning.ran.length} step(s)${r.provisioning.tolerated.length ? `, ${r.provisioning.tolerated.length} failed but tolerated (${r.provisioning.tolerated.join(', ')})` : ''}` : '',
              ]
                .filter(Boolean)
                .join('\n'),
      );
    });

  ct.command('provision')
    .description('run the provisioning steps not yet done (after a failure), or all of them with --all')
    .argument('<vmid>', 'the container')
    .option('-f, --file <file>', 'the spec (default: the file the CT was created from)')
    .option('--all', 'run every step again, not only the missing ones')
    .action(async (vmidText: string, opts: { file?: string; all?: boolean }) => {
      const vmid = vmidOf(vmidText);
      const { makePaths } = await import('../state/paths.js');
      const { readContainerState } = await import('../containers/state.js');
      const state = await readContainerState(makePaths(), vmid);
      const file = opts.file ?? state?.spec_file;
      if (!file) throw new UsageError(`no spec file known for CT ${vmid}`, 'pass it with -f');
      const { spec, secrets } = await loadSpec(file);
      const { resumeProvisioning } = await import('../containers/manage.js');
      await runOperation(io, { resource: `ct-${vmid}`, operation: 'ct-provision', secrets }, (ctx) => ctx.effects.withLock(`ct-${spec.container.hostname}`, 'ct-provision', () => resumeProvisioning(ctx, vmid, spec, { all: !!opts.all })), (r) =>
        `CT ${vmid}: ran ${r.ran.length} step(s)${r.ran.length ? ` (${r.ran.join(', ')})` : ''}, skipped ${r.skipped.length} already done`,
      );
    });

  ct.command('show')
    .description('config, status and pxdeploy\'s provisioning record of one container')
    .argument('<vmid>', 'the container')
    .action(async (vmidText: string) => {
      const vmid = vmidOf(vmidText);
      const ctx = await makeContext(io);
      const { showContainer } = await import('../containers/manage.js');
      const r = await showContainer(ctx, vmid);
      emit(io, r, () => {
        const c = r.config;
        const lines = [
          `CT ${vmid} ${c.hostname ?? ''}  ${r.status}`,
          `  cores ${c.cores ?? '-'}  memory ${c.memory ?? '-'} MB  swap ${c.swap ?? '-'} MB  rootfs ${c.rootfs?.volume ?? '-'} ${c.rootfs?.size ?? ''}`,
          `  net0 ${c.net[0] ? `${c.net[0].bridge ?? ''} ip=${c.net[0].ip ?? ''}` : '-'}${r.ip ? `  address ${r.ip}` : ''}  tags ${(c.tags ?? []).join(';') || '-'}`,
        ];
        if (r.provisioning) {
          const p = r.provisioning;
          lines.push(`  provisioning: ${p.status} (${p.steps_done.length} step(s) done)${p.failed_step ? `, failed at ${p.failed_step.id}: ${p.failed_step.message}` : ''}`);
        } else lines.push('  provisioning: not made by pxdeploy');
        return lines.join('\n');
      });
    });

  for (const action of ['start', 'stop', 'restart'] as const) {
    ct.command(action)
      .description(`${action} a container`)
      .argument('<vmid>', 'the container')
      .action(async (vmidText: string) => {
        const vmid = vmidOf(vmidText);
        const { powerContainer } = await import('../containers/manage.js');
        await runOperation(io, { resource: `ct-${vmid}`, operation: `ct-${action}` }, (ctx) => powerContainer(ctx, vmid, action), (r) =>
          r.changed ? `CT ${vmid}: ${r.status}` : `CT ${vmid} is already ${r.status}`,
        );
      });
  }

  ct.command('destroy')
    .description('destroy a container and its volumes (asks unless --yes); pxdeploy\'s record of it goes too')
    .argument('<vmid>', 'the container')
    .option('--force', 'stop it first if it is running')
    .action(async (vmidText: string, opts: { force?: boolean }) => {
      const vmid = vmidOf(vmidText);
      if (!(await io.confirm(`destroy CT ${vmid} and all its volumes?`))) throw new UsageError('not confirmed; nothing was changed');
      const { destroyContainer } = await import('../containers/manage.js');
      await runOperation(io, { resource: `ct-${vmid}`, operation: 'ct-destroy' }, (ctx) => destroyContainer(ctx, vmid, { force: !!opts.force }), () => `destroyed CT ${vmid}`);
    });

  ct.command('set')
    .description('change memory, cores or swap; hot-plugged into a running CT where PVE allows, else pending until its next start')
    .argument('<vmid>', 'the container')
    .option('--memory <mb>', 'memory in MB')
    .option('--cores <n>', 'CPU cores')
    .option('--swap <mb>', 'swap in MB')
    .action(async (vmidText: string, opts: { memory?: string; cores?: string; swap?: string }) => {
      const vmid = vmidOf(vmidText);
      const want = { memory: countOf('memory', opts.memory), cores: countOf('cores', opts.cores), swap: countOf('swap', opts.swap) };
      if (Object.values(want).every((v) => v === undefined)) throw new UsageError('nothing to set', 'pass --memory, --cores and/or --swap');
      const { setContainerResources } = await import('../containers/resources.js');
      await runOperation(io, { resource: `ct-${vmid}`, operation: 'ct-set' }, async (ctx) => ({ vmid, changes: await setContainerResources(ctx, vmid, want) }), (r) =>
        r.changes.length === 0
          ? `CT ${vmid}: no changes`
          : r.changes.map((c) => `CT ${vmid}: ${c.key} ${c.from ?? '(unset)'} → ${c.to}${c.key === 'cores' ? '' : ' MB'} (${c.applied === 'live' ? 'live' : 'pending until the CT restarts'})`).join('\n'),
      );
    });

  ct.command('resize')
    .description('grow a disk (rootfs or mpN) to a size, or by +size; PVE never shrinks')
    .argument('<vmid>', 'the container')
    .argument('<disk>', 'rootfs or mpN')
    .argument('<size>', 'new size (8G) or growth (+1G); units K, M, G, T')
    .action(async (vmidText: string, disk: string, size: string) => {
      const vmid = vmidOf(vmidText);
      const { pctResize } = await import('../host/pct.js');
      pctResize(vmid, disk, size); // bad disk or size: refused before anything runs
      const { resizeContainerDisk } = await import('../containers/resources.js');
      await runOperation(io, { resource: `ct-${vmid}`, operation: 'ct-resize' }, async (ctx) => ({ vmid, ...(await resizeContainerDisk(ctx, vmid, disk, size)) }), (r) =>
        r.changed ? `CT ${vmid}: ${r.disk} ${r.from ?? '?'} → ${r.to}` : `CT ${vmid}: ${r.disk} is already ${r.to}: no changes`,
      );
    });

  ct.command('list')
    .description('list the containers of this node (from `pct list`)')
    .option('--status <status>', 'only running or stopped ones')
    .option('--tag <tag>', 'only those with this tag')
    .action(async (opts: { status?: string; tag?: string }) => {
      if (opts.status !== undefined && !['running', 'stopped'].includes(opts.status)) throw new UsageError(`invalid --status '${opts.status}': use running or stopped`);
      const ctx = await makeContext(io);
      const { listContainers } = await import('../containers/list.js');
      const cts = await listContainers(ctx, { status: opts.status, tag: opts.tag });
      emit(io, { containers: cts }, () => {
        if (cts.length === 0) return opts.status || opts.tag ? 'no matching containers on this node' : 'no containers on this node';
        const rows = cts.map((c) => [String(c.vmid), c.status, c.lock ?? '', c.name]);
        return renderTable(['VMID', 'STATUS', 'LOCK', 'NAME'], rows);
      });
    });
}
