// Provisioning as data: named steps run inside a CT through pct exec / pct push, each recorded when done.
import type { Context } from '../context.js';

export interface ProvisionTarget {
  vmid: number;
  /** The CT's `ostype` from `pct config`: picks apt (debian, ubuntu, devuan) or apk (alpine). */
  ostype: string;
}

export interface ProvisionStep {
  /** Stable id kept in the container state, so a resumed run can skip it: `packages`, `user:alice`, `script:nginx-site`. */
  id: string;
  /** One line for progress output and the log. */
  title: string;
  /** A failure is recorded and provisioning goes on (scripts' `continue_on_error`). */
  continueOnError: boolean;
  /** Performs the step through ctx.effects; throws ProvisionStepError (or any PxError) on failure. */
  run(ctx: Context, target: ProvisionTarget): Promise<void>;
}
