// `pxdeploy inventory sync|show`: the cluster read into the inventory database, and what it holds.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { emit, type CliIo } from './io.js';
import { renderTable } from './table.js';
import { makeContext, runOperation } from './context.js';

const cell = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

export function registerInventory(program: Command, io: CliIo): void {
  const inv = program
    .command('inventory')
    .description('the inventory database: nodes, guests, storage and tasks read from pvesh, with their history')
    .addHelpText(
      'after',
      `
Examples:
  $ sudo pxdeploy inventory sync                 read this node, write what changed
  $ sudo pxdeploy inventory sync --all-nodes --dry-run   what a sync of every node would change
  $ pxdeploy inventory show --type ct
  $ pxdeploy history 203 --since 7d`,
    );

  inv
    .command('sync')
    .description('read nodes, guests, storage and tasks through pvesh; store what changed with a snapshot per change')
    .option('--node <node>', 'only this node')
    .option('--all-nodes', 'every node of the cluster')
    .option('--full', "without a readable /etc/pve: read every CT's config through pvesh, not only those whose summary changed")
    .action(async (opts: { node?: string; allNodes?: boolean; full?: boolean }) => {
      if (opts.node !== undefined && opts.allNodes) throw new UsageError('--node and --all-nodes exclude each other');
      if (opts.node !== undefined && !/^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/.test(opts.node)) throw new UsageError(`invalid --node '${opts.node}': expected a node name`);
      const { syncInventory } = await import('../inventory/sync.js');
      await runOperation(io, { resource: 'inventory', operation: 'inventory-sync' }, (ctx) => syncInventory(ctx, opts), (r) => {
        const count = (t: string) => r.changes.filter((c) => c.change === t).length;
        const head = `inventory of ${r.nodes.join(', ')}: ${r.guests} guest(s), ${r.configsRead} config(s) read (${r.configsFromPmxcfs} from /etc/pve); ${count('discovered')} discovered, ${count('created')} created, ${count('updated')} updated, ${count('deleted')} deleted; ${r.tasksWritten} task(s)`;
        const lines = r.changes.map((c) => `  ${c.change} ${c.kind} ${c.id}${c.change === 'updated' ? `: ${Object.entries(c.diff ?? {}).map(([k, [a, b]]) => `${k} ${cell(a) || '(unset)'} → ${cell(b) || '(unset)'}`).join(', ')}` : ''}`);
        return [r.changes.length === 0 && r.tasksWritten === 0 ? `${head} (nothing written)` : head, ...lines].join('\n');
      });
    });

  inv
    .command('show')
    .description('what the inventory holds (run `inventory sync` to refresh it)')
    .option('--type <type>', 'only ct, node or storage')
    .action(async (opts: { type?: string }) => {
      const { SHOW_TYPES, showInventory } = await import('../inventory/show.js');
      if (opts.type !== undefined && !(opts.type in SHOW_TYPES)) throw new UsageError(`invalid --type '${opts.type}': use ct, node or storage`);
      const ctx = await makeContext(io);
      const r = showInventory(ctx, opts.type as keyof typeof SHOW_TYPES | undefined);
      emit(io, r, () => {
        const parts: string[] = [];
        if (r.nodes) parts.push(renderTable(['NODE', 'STATUS', 'CPUS', 'MEMORY', 'PVE'], r.nodes.map((n) => [cell(n.id), cell(n.status), cell(n.cpu_max), cell(n.memory_max), cell(n.pve_version)])));
        if (r.containers) {
          const rows = r.containers.map((c) => [cell(c.id), c.type === 'qemu' ? 'vm' : 'ct', cell(c.node_id), cell(c.status), cell(c.memory), cell(c.cores ?? c.cpus), cell(c.name)]);
          parts.push(renderTable(['VMID', 'TYPE', 'NODE', 'STATUS', 'MEMORY', 'CORES', 'NAME'], rows));
        }
        if (r.storage) parts.push(renderTable(['STORAGE', 'NODE', 'TYPE', 'CONTENT', 'ACTIVE'], r.storage.map((s) => [cell(s.storage), cell(s.node_id), cell(s.type), cell(s.content), s.active ? 'yes' : 'no'])));
        return parts.join('\n\n');
      });
    });
}
