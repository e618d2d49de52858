// The CT's ostype → the tool family provisioning uses: apt + shadow-utils + systemd/sysvinit, or apk + busybox + OpenRC.
import { ProvisionStepError } from '../../errors.js';

export type OsFamily = 'debian' | 'alpine';

const FAMILY: Readonly<Record<string, OsFamily>> = { debian: 'debian', ubuntu: 'debian', devuan: 'debian', alpine: 'alpine' };

export const SUPPORTED_OSTYPES = Object.keys(FAMILY);

/** The family of `ostype`, or a ProvisionStepError naming the ostype this step cannot handle. */
export function osFamily(stepId: string, ostype: string): OsFamily {
  const family = FAMILY[ostype];
  if (family) return family;
  throw new ProvisionStepError(
    stepId,
    `ostype '${ostype}' is not supported by provisioning (supported: ${SUPPORTED_OSTYPES.join(', ')})`,
    '',
    'use a Debian, Ubuntu, Devuan or Alpine template, or remove this part of the provisioning section',
  );
}
