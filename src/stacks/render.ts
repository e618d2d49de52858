// Text for plan and apply: one line per resource with its sign, fields as `have → want`, Terraform's summary line, the deploy-all table.
import { renderTable } from '../cli/table.js';
import type { ApplyResult } from './apply.js';
import type { StackPlan } from './plan.js';

export function summaryLine(plan: StackPlan): string {
  const s = plan.summary;
  return `Plan: ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy.`;
}

export function renderPlan(plan: StackPlan): string {
  const width = Math.max(0, ...plan.resources.map((r) => r.name.length));
  const lines = [`stack ${plan.stack} (resources tagged ${plan.tag})`];
  for (const r of plan.resources) {
    lines.push(`  ${r.action} ${r.name.padEnd(width)}  ${r.what}${r.vmid !== undefined && !r.what.includes(`${r.vmid}`) ? ` (CT ${r.vmid})` : ''}`);
    const fw = Math.max(0, ...r.changes.map((c) => c.field.length));
    for (const c of r.changes) lines.push(`      ${c.field.padEnd(fw)}: ${c.have} → ${c.want}`);
    if (r.blocked) lines.push(`      ! ${r.blocked}`);
  }
  lines.push('', summaryLine(plan));
  if (plan.summary.add + plan.summary.change + plan.summary.destroy === 0) lines.push('No changes: the node matches the stack file.');
  return lines.join('\n');
}

const RESULT: Record<string, string> = { ok: 'ok', failed: 'FAILED', skipped: 'skipped', unchanged: 'unchanged' };

/** The seed's deploy-all summary: every resource, what happened to it, then the counts. */
export function renderApply(r: ApplyResult): string {
  if (r.counts.ok + r.counts.failed + r.counts.skipped === 0) return `${summaryLine(r.planned)}\nNo changes: nothing was run.`;
  const rows = r.results.map((x) => [x.name, x.kind, x.action, RESULT[x.status]!, x.seconds === undefined ? '' : `${x.seconds}s`, x.detail]);
  const c = r.counts;
  // The table keeps one line per resource; a failure's output tail (what the failing script said) follows it.
  const tails = r.results.filter((x) => x.error).flatMap((x) => ['', `${x.name}: ${x.detail}`, ...x.error!.split('\n').slice(1).map((l) => `  ${l}`)]);
  return [
    renderTable(['RESOURCE', 'KIND', 'ACTION', 'RESULT', 'TIME', 'DETAIL'], rows),
    '',
    `Apply ${c.failed > 0 ? 'finished with failures' : 'complete'}: ${c.ok} succeeded, ${c.failed} failed, ${c.skipped} skipped, ${c.unchanged} unchanged.`,
    ...tails,
  ].join('\n');
}
