// Every state-machine transition and step of an instance operation, written to the state file and the operation log.
import type { Context } from '../context.js';
import { faultPoint } from '../faults.js';
import { readInstanceState, updateInstanceState, type InstanceState, type InstanceStatus } from '../state/instance-state.js';

export class Journal {
  constructor(
    private readonly ctx: Context,
    readonly id: string,
    readonly operation: string,
  ) {}

  async read(): Promise<InstanceState | undefined> {
    return readInstanceState(this.ctx.paths, this.id);
  }

  /** Merge `patch` into the state; a status change is logged as `state: a → b`. */
  async write(patch: Partial<InstanceState>, base?: InstanceState): Promise<InstanceState> {
    const now = this.ctx.clock.now().toISOString();
    const next = await updateInstanceState(this.ctx.effects, this.ctx.paths, this.id, (cur) => {
      const from = cur ?? base;
      if (!from) throw new Error(`no state for ${this.id}`);
      const merged: InstanceState = { ...from, ...patch, last_operation: this.operation, last_operation_time: now };
      if (patch.status && patch.status !== from.status) this.ctx.log.info(`state: ${cur ? from.status : 'null'} → ${patch.status}`);
      return merged;
    });
    return next!;
  }

  /** Enter a step: recorded first, so a crash inside it is reported with its name; then the test fault point. */
  async step(name: string): Promise<void> {
    this.ctx.log.info(`step: ${name}`);
    this.ctx.report.info(`${this.operation}: ${name}`);
    await this.write({ operation_step: name, last_operation_status: 'in_progress' });
    faultPoint(`${this.operation}:${name}`);
  }

  async transition(status: InstanceStatus, extra: Partial<InstanceState> = {}): Promise<InstanceState> {
    return this.write({ status, ...extra });
  }
}
