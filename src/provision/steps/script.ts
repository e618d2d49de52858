// Step `script:<name>`: push the script into the CT (never through argv), prepare its directory, run it under a deadline.
import type { ProvisioningScript } from '../../config/schema/scripts.js';
import type { ProvisionStep } from '../types.js';
import { osFamily } from './os-family.js';
import { hostTimeoutMs, isTimeoutExit, SCRIPTS_DIR, scriptArgv, scriptPath } from './script-command.js';
import { outputTail, StepRun } from './step-run.js';

async function prepareWorkingDir(run: StepRun, dir: string, owner: string): Promise<void> {
  const isDir = await run.read(`whether ${dir} exists`, ['test', '-d', dir]);
  // An existing directory is left as it is: chowning /srv or /tmp to the script's user would be a surprise.
  if (isDir?.exitCode === 0) return;
  await run.exec(['mkdir', '-p', dir], { what: `mkdir ${dir}` });
  if (owner !== 'root') await run.exec(['chown', owner, dir], { what: `chown ${dir}`, hint: `does user ${owner} exist in the container?` });
}

export function scriptStep(script: ProvisioningScript, secrets: readonly string[]): ProvisionStep {
  const id = `script:${script.name}`;
  return {
    id,
    title: `Run script ${script.name}${script.run_as !== 'root' ? ` as ${script.run_as}` : ''}`,
    continueOnError: script.continue_on_error,
    async run(ctx, target) {
      const family = osFamily(id, target.ostype);
      const run = new StepRun(ctx, target, id, secrets);
      const file = scriptPath(script.name);
      // 0755 directory, 0700 script owned by run_as: that user can run it, nobody else can read it.
      await run.exec(['mkdir', '-p', SCRIPTS_DIR], { what: `mkdir ${SCRIPTS_DIR}` });
      await run.exec(['chmod', '0755', SCRIPTS_DIR], { what: `chmod ${SCRIPTS_DIR}` });
      await run.push(`script-${script.name}`, script.content, file, { perms: 0o700, user: script.run_as });
      if (script.working_dir !== undefined) await prepareWorkingDir(run, script.working_dir, script.run_as);

      const result = await run.exec(scriptArgv(script, family), {
        what: `script ${script.name}`,
        timeoutMs: hostTimeoutMs(script),
        allowFailure: true,
        hint: `the script ran as ${script.run_as} in ${script.working_dir ?? '/'}`,
      });
      if (result.exitCode === 0) return;
      const tail = outputTail(result, secrets);
      if (isTimeoutExit(result.exitCode, family)) {
        throw run.fail(`script ${script.name} timed out after ${script.timeout}s (exit code ${result.exitCode})`, tail, 'raise its `timeout` in the spec, or make it finish sooner');
      }
      if (result.exitCode === 126 || result.exitCode === 127) {
        throw run.fail(`script ${script.name} could not be started (exit code ${result.exitCode})`, tail, `is ${script.interpreter} installed in the container? add it to provisioning.packages`);
      }
      throw run.fail(`script ${script.name} failed with exit code ${result.exitCode}`, tail, `the script is kept in the CT at ${file}`);
    },
  };
}
