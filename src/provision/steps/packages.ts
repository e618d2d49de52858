// Step `packages`: every provisioning.packages entry in one apt-get / apk transaction.
import type { ProvisionStep } from '../types.js';
import { installPackages, type AptIndex } from './install-packages.js';
import { osFamily } from './os-family.js';
import { StepRun } from './step-run.js';

export function packagesStep(packages: readonly string[], apt: AptIndex, secrets: readonly string[]): ProvisionStep {
  const id = 'packages';
  return {
    id,
    title: `Install packages: ${packages.join(', ')}`,
    continueOnError: false,
    async run(ctx, target) {
      const family = osFamily(id, target.ostype);
      await installPackages(new StepRun(ctx, target, id, secrets), family, apt, packages);
    },
  };
}
