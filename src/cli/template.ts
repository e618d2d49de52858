// `pxdeploy template build|list`: CT templates built from a spec (provisioned, cleaned, `pct template`) and recorded with its hash.
import type { Command } from 'commander';
import { vmidOf } from './ct.js';
import { emit, type CliIo } from './io.js';
import { renderTable } from './table.js';
import { makeContext, runOperation } from './context.js';

export function registerTemplate(program: Command, io: CliIo): void {
  const template = program
    .command('template')
    .description('CT templates: build one from a spec (900–999 by default), list them with their clones')
    .addHelpText(
      'after',
      `
Examples:
  $ sudo pxdeploy template build debian-base -f base.yaml          create, provision, clean, pct template
  $ sudo pxdeploy template build debian-base -f base.yaml --rebuild   after the spec changed
  $ pxdeploy template list`,
    );

  template
    .command('build')
    .description('build a template from a container spec; an unchanged spec does nothing, a changed one needs --rebuild')
    .argument('<name>', 'the template\'s name (clones refer to it)')
    .requiredOption('-f, --file <file>', 'the container spec (YAML)')
    .option('--vmid <vmid>', 'use this vmid (default: the lowest free one in id_ranges.templates, 900-999)')
    .option('--storage <storage>', 'storage for the template (default: storage.templates in the config, else local-hdd if present, else the spec\'s)')
    .option('--rebuild', 'build again although a template of this name exists (refused while linked clones use it)')
    .option('--node <node>', 'only this node: building provisions with pct exec, which works only where pxdeploy runs (clone to other nodes)')
    .action(async (name: string, opts: { file: string; vmid?: string; storage?: string; rebuild?: boolean; node?: string }) => {
      const vmid = opts.vmid === undefined ? undefined : vmidOf(opts.vmid);
      const { assertSafeId } = await import('../state/paths.js');
      assertSafeId(name);
      // Validated here first: every problem of the file before any lock or host command, and its secrets masked.
      const { loadContainerSpec, secretValues } = await import('../config/index.js');
      const secrets = secretValues(await loadContainerSpec(opts.file));
      const { buildTemplate } = await import('../templates/build.js');
      await runOperation(
        io,
        { resource: `template-${name}`, operation: 'template-build', secrets },
        (ctx) => buildTemplate(ctx, { name, specFile: opts.file, vmid, storage: opts.storage, rebuild: !!opts.rebuild, ...(opts.node ? { node: opts.node } : {}) }),
        (r) =>
          r.changed
            ? `${r.placement ? `${r.placement}\n` : ''}built template ${r.record.name}: CT ${r.record.vmid} on ${r.record.storage} (spec ${r.record.specHash.slice(0, 12)})`
            : `template ${r.record.name} (CT ${r.record.vmid}) is up to date: no changes`,
      );
    });

  template
    .command('list')
    .description('the templates pxdeploy built: vmid, name, storage, spec hash, when, and their clones')
    .action(async () => {
      const ctx = await makeContext(io);
      const { listTemplates } = await import('../templates/list.js');
      const templates = await listTemplates(ctx);
      emit(io, { templates }, () => {
        if (templates.length === 0) return 'no templates (build one with `pxdeploy template build <name> -f <spec>`)';
        const rows = templates.map((t) => [
          String(t.vmid),
          t.name + (t.present ? '' : ' (missing)'),
          t.storage,
          t.specHash.slice(0, 12),
          t.builtAt.replace(/\.\d+Z$/, 'Z'),
          t.clones.length === 0 ? '-' : t.clones.join(','),
        ]);
        return renderTable(['VMID', 'NAME', 'STORAGE', 'SPEC', 'BUILT', 'CLONES'], rows);
      });
    });
}
