// `pxdeploy clone <template>`: a CT cloned from a template pxdeploy built, with its own address, started, post_clone scripts run.
import type { Command } from 'commander';
import { countOf, vmidOf } from './ct.js';
import type { CliIo } from './io.js';
import { runOperation } from './context.js';

export function registerClone(program: Command, io: CliIo): void {
  program
    .command('clone')
    .description('clone a template into a new CT (full copy by default; vmid from id_ranges.services, 200-299), start it and run post_clone')
    .argument('<template>', 'the template\'s name or vmid (see `pxdeploy template list`)')
    .requiredOption('--hostname <hostname>', 'the new CT\'s hostname')
    .option('--vmid <vmid>', 'use this vmid (default: the lowest free one in id_ranges.services)')
    .option('--ip <cidr>', 'static IPv4 address with prefix, e.g. 10.0.0.20/24 (or dhcp)')
    .option('--gateway <ip>', 'IPv4 gateway (with --ip)')
    .option('--storage <storage>', 'storage for the copy (default: storage.services in the config, else the template\'s)')
    .option('--linked', 'a linked clone sharing the template\'s disk (only where the storage can snapshot)')
    .option('--memory <mb>', 'memory in MB (default: the template\'s)')
    .option('--cores <n>', 'CPU cores (default: the template\'s)')
    .option('--tag <tag...>', 'extra tags')
    .option('--node <node>', 'target node (default on a cluster: the template\'s, or the one with the most free memory when its storage is shared); no post_clone there')
    .addHelpText(
      'after',
      `
Examples:
  $ sudo pxdeploy clone debian-base --hostname web --ip 10.0.0.20/24 --gateway 10.0.0.1
  $ sudo pxdeploy clone 900 --hostname scratch --linked`,
    )
    .action(async (template: string, o: { hostname: string; vmid?: string; ip?: string; gateway?: string; storage?: string; linked?: boolean; memory?: string; cores?: string; tag?: string[]; node?: string }) => {
      const opts = {
        template,
        hostname: o.hostname,
        vmid: o.vmid === undefined ? undefined : vmidOf(o.vmid),
        ip: o.ip,
        gateway: o.gateway,
        storage: o.storage,
        linked: !!o.linked,
        tags: o.tag,
        memory: countOf('memory', o.memory),
        cores: countOf('cores', o.cores),
        ...(o.node ? { node: o.node } : {}),
      };
      const { cloneTemplate, checkCloneOptions } = await import('../clones/clone.js');
      checkCloneOptions(opts);
      await runOperation(io, { resource: `ct-${o.hostname}`, operation: 'clone' }, (ctx) => cloneTemplate(ctx, opts), (r) =>
        r.outcome === 'unchanged'
          ? `CT ${r.vmid} (${r.hostname}) is already a clone of ${r.template}: no changes`
          : [...(r.placement ? [r.placement] : []), `cloned ${r.template} as CT ${r.vmid} (${r.hostname})${r.linked ? ', linked' : ''}${r.placement && r.node ? ` on ${r.node}` : ''}`, `  address: ${r.ip ?? '?'}${r.postClone ? `   post_clone: ${r.postClone.ran.length} step(s)` : ''}`].join('\n'),
      );
    });
}
