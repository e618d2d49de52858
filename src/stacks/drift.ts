// `drift -f stack.yaml`: the stack planner's differences read as drift — a resource the file names that the node lacks, or a field that moved.
import type { DriftItem, DriftSource } from '../inventory/drift.js';
import type { Stack } from './load.js';
import { planStack } from './plan.js';

export function stackDriftSource(stack: Stack): DriftSource {
  return {
    async check(ctx) {
      const plan = await planStack(ctx, stack, { prune: false });
      const items: DriftItem[] = [];
      for (const r of plan.resources) {
        const resource = `${r.kind} ${r.name}`;
        const at = r.vmid === undefined ? {} : { vmid: r.vmid };
        if (r.action === '+') items.push({ resource, ...at, field: 'exists', recorded: 'yes', actual: 'no' });
        for (const c of r.action === '~' ? r.changes : []) items.push({ resource, ...at, field: c.field, recorded: c.want, actual: c.have });
      }
      return { checked: plan.resources.length, items };
    },
  };
}
