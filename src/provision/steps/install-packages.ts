// Installing distribution packages in a CT: apt-get (index refreshed once per provisioning run) or apk.
import type { CommandResult } from '../../host/command.js';
import type { OsFamily } from './os-family.js';
import type { StepRun } from './step-run.js';

/** Package managers download and unpack: give them far longer than an ordinary command. */
export const PACKAGE_TIMEOUT_MS = 15 * 60_000;

/** No prompts: debconf answers with defaults, dpkg keeps locally changed config files. */
const APT_GET = [
  'env',
  'DEBIAN_FRONTEND=noninteractive',
  'apt-get',
  '-o',
  'Dpkg::Options::=--force-confdef',
  '-o',
  'Dpkg::Options::=--force-confold',
];

/**
 * The CTs whose apt index this provisioning run already refreshed, so packages, docker and tailscale
 * share one `apt-get update`; a step run on its own (a resumed run) refreshes it itself.
 */
export class AptIndex {
  private readonly fresh = new Set<number>();

  async refresh(run: StepRun): Promise<void> {
    if (this.fresh.has(run.vmid)) return;
    await run.exec([...APT_GET, 'update'], {
      what: 'apt-get update',
      timeoutMs: PACKAGE_TIMEOUT_MS,
      hint: "check the container's network and the sources in /etc/apt/sources.list(.d)",
    });
    this.fresh.add(run.vmid);
  }
}

export interface InstallOptions {
  /** Return a failed result instead of throwing, for steps that explain the failure themselves. */
  allowFailure?: boolean;
}

/** Install `names` with the family's package manager; the result of the install command. */
export async function installPackages(run: StepRun, family: OsFamily, apt: AptIndex, names: readonly string[], opts: InstallOptions = {}): Promise<CommandResult> {
  if (family === 'alpine') {
    return run.exec(['apk', 'add', '--no-cache', ...names], {
      what: 'apk add',
      timeoutMs: PACKAGE_TIMEOUT_MS,
      allowFailure: opts.allowFailure ?? false,
      hint: "check the package names (apk search <name> inside the CT) and the repositories in /etc/apk/repositories",
    });
  }
  await apt.refresh(run);
  return run.exec([...APT_GET, 'install', '-y', '--no-install-recommends', ...names], {
    what: 'apt-get install',
    timeoutMs: PACKAGE_TIMEOUT_MS,
    allowFailure: opts.allowFailure ?? false,
    hint: 'check the package names (apt-cache policy <name> inside the CT)',
  });
}
