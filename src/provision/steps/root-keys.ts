// Step `root-keys`: provisioning.ssh_keys into /root/.ssh/authorized_keys (managed block, other keys kept).
import type { ProvisionStep } from '../types.js';
import { installAuthorizedKeys } from './authorized-keys.js';
import { StepRun } from './step-run.js';

export function rootKeysStep(keys: readonly string[], secrets: readonly string[]): ProvisionStep {
  const id = 'root-keys';
  return {
    id,
    title: `Install ${keys.length} SSH key${keys.length === 1 ? '' : 's'} for root`,
    continueOnError: false,
    async run(ctx, target) {
      const run = new StepRun(ctx, target, id, secrets);
      await installAuthorizedKeys(run, { user: 'root', group: 'root', home: '/root' }, keys, 'root-authorized_keys');
    },
  };
}
