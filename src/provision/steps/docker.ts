// Step `docker`: the distribution's Docker engine, enabled at boot and started (nesting/keyctl are set when the CT is created).
import type { ProvisionStep } from '../types.js';
import { installPackages, type AptIndex } from './install-packages.js';
import { osFamily } from './os-family.js';
import { StepRun } from './step-run.js';

export function dockerStep(apt: AptIndex, secrets: readonly string[]): ProvisionStep {
  const id = 'docker';
  return {
    id,
    title: 'Install Docker',
    continueOnError: false,
    async run(ctx, target) {
      const family = osFamily(id, target.ostype);
      const run = new StepRun(ctx, target, id, secrets);
      if (family === 'alpine') {
        await installPackages(run, family, apt, ['docker']);
        await run.exec(['rc-update', 'add', 'docker', 'default'], { what: 'rc-update add docker' });
        await run.exec(['rc-service', 'docker', 'start'], { what: 'rc-service docker start' });
        return;
      }
      await installPackages(run, family, apt, ['docker.io']);
      // Devuan has no systemd; the package's own init script was enabled by its postinst.
      const start = target.ostype === 'devuan' ? ['service', 'docker', 'start'] : ['systemctl', 'enable', '--now', 'docker'];
      await run.exec(start, { what: start.join(' '), hint: 'Docker in a CT needs the nesting and keyctl features; see the daemon log inside the CT' });
    },
  };
}
