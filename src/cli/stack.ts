// `pxdeploy plan|apply -f stack.yaml`: declarative stacks of templates, clones, containers, OCI apps and instances.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { emit, type CliIo } from './io.js';
import { makeContext, runOperation } from './context.js';

function parallelOf(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 32)) throw new UsageError(`invalid --parallel '${text}': expected a number from 1 to 32`);
  return n;
}

export function registerStack(program: Command, io: CliIo): void {
  program
    .command('plan')
    .description('compare a stack file with the node: + create, ~ change (have → want), - destroy (--prune), = unchanged')
    .requiredOption('-f, --file <file>', 'the stack file (YAML)')
    .option('--prune', 'also plan to destroy CTs tagged pxstack-<name> that the file no longer lists')
    .option('--detailed-exitcode', 'exit 2 when changes are planned (0 when none)')
    .addHelpText('after', `
Examples:
  $ pxdeploy plan -f examples/homelab.yaml
  $ pxdeploy plan -f stack.yaml --json --detailed-exitcode   exit 0 in sync, 2 changes planned`)
    .action(async (opts: { file: string; prune?: boolean; detailedExitcode?: boolean }) => {
      const { loadStack } = await import('../stacks/load.js');
      const stack = await loadStack(opts.file);
      const ctx = await makeContext(io);
      const { planStack, hasChanges } = await import('../stacks/plan.js');
      const { renderPlan } = await import('../stacks/render.js');
      const plan = await planStack(ctx, stack, { prune: !!opts.prune });
      emit(io, plan, () => renderPlan(plan));
      if (opts.detailedExitcode && hasChanges(plan)) io.exitCode = 2;
    });

  program
    .command('apply')
    .description('make the node match a stack file: dependency order, --parallel at a time, a failure stops only its dependents')
    .requiredOption('-f, --file <file>', 'the stack file (YAML)')
    .option('--prune', 'destroy CTs tagged pxstack-<name> that the file no longer lists')
    .option('--parallel <n>', 'independent resources at a time', '2')
    .addHelpText('after', `
Examples:
  $ sudo pxdeploy apply -f examples/homelab.yaml           shows the plan, asks, applies
  $ sudo pxdeploy apply -f stack.yaml --yes --parallel 4   no question; exit 1 if any resource failed`)
    .action(async (opts: { file: string; prune?: boolean; parallel: string }) => {
      const parallel = parallelOf(opts.parallel);
      const { loadStack } = await import('../stacks/load.js');
      const stack = await loadStack(opts.file);
      const { applyStack, StackApplyError } = await import('../stacks/apply.js');
      const { renderPlan, renderApply } = await import('../stacks/render.js');
      const confirm = async (plan: Parameters<typeof renderPlan>[0]) => {
        if (!io.flags().json) io.out(`${renderPlan(plan)}\n\n`);
        if (!(await io.confirm(`apply these changes to stack ${stack.name}?`))) throw new UsageError('not confirmed; nothing was changed');
      };
      try {
        await runOperation(io, { resource: `stack-${stack.name}`, operation: 'stack-apply', secrets: stack.secrets }, (ctx) => applyStack(ctx, stack, { prune: !!opts.prune, parallel, confirm }), renderApply);
      } catch (err) {
        if (!(err instanceof StackApplyError)) throw err;
        // The table is the answer: printed like a success, exit 1.
        emit(io, { ...err.result, ok: false }, () => renderApply(err.result));
        io.exitCode = 1;
      }
    });
}
