// The in-container provisioning of one container spec, as an ordered list of named steps.
import type { ContainerSpec } from '../config/schema/spec.js';
import { secretValues } from '../config/secrets.js';
import { dockerStep } from './steps/docker.js';
import { AptIndex } from './steps/install-packages.js';
import { packagesStep } from './steps/packages.js';
import { rootKeysStep } from './steps/root-keys.js';
import { scriptStep } from './steps/script.js';
import { tailscaleStep } from './steps/tailscale.js';
import { userStep } from './steps/user.js';
import type { ProvisionStep } from './types.js';

/**
 * Packages, docker, root's keys, each user, tailscale, each script: only the parts the spec asks for.
 * Users come before tailscale and scripts so those can rely on them; scripts run last so they can use
 * everything else. Every command carries the spec's secrets, so none is ever shown.
 */
export function provisioningSteps(spec: ContainerSpec): ProvisionStep[] {
  const p = spec.provisioning;
  const secrets = secretValues(spec);
  const apt = new AptIndex();
  const steps: ProvisionStep[] = [];
  if (p.packages.length > 0) steps.push(packagesStep(p.packages, apt, secrets));
  if (p.docker) steps.push(dockerStep(apt, secrets));
  if (p.ssh_keys.length > 0) steps.push(rootKeysStep(p.ssh_keys, secrets));
  for (const user of p.users) steps.push(userStep(user, secrets));
  if (p.tailscale) steps.push(tailscaleStep(p.tailscale, apt, secrets));
  for (const script of p.scripts) steps.push(scriptStep(script, secrets));
  return steps;
}
