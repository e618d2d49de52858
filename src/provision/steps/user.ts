// Step `user:<name>`: create the account (groups first) or converge an existing one, then its SSH keys.
import type { UserConfig } from '../../config/schema/users.js';
import type { ProvisionStep } from '../types.js';
import { groupByGid, parseGroup, parsePasswd } from './accounts.js';
import { installAuthorizedKeys } from './authorized-keys.js';
import { osFamily } from './os-family.js';
import { StepRun } from './step-run.js';
import { planUser, UserPlanProblem } from './user-plan.js';

async function readAccounts(run: StepRun) {
  const passwd = await run.readFile('/etc/passwd');
  const group = await run.readFile('/etc/group');
  // While planning nothing is known: plan as for a fresh CT.
  return { passwd: parsePasswd(passwd ?? ''), groups: parseGroup(group ?? ''), known: passwd !== undefined && group !== undefined };
}

export function userStep(user: UserConfig, secrets: readonly string[]): ProvisionStep {
  const name = user.username;
  const id = `user:${name}`;
  return {
    id,
    title: `Create or update user ${name}`,
    continueOnError: false,
    async run(ctx, target) {
      const family = osFamily(id, target.ostype);
      const run = new StepRun(ctx, target, id, secrets);
      const before = await readAccounts(run);
      let plan;
      try {
        plan = planUser(user, family, before.passwd, before.groups);
      } catch (err) {
        if (err instanceof UserPlanProblem) throw run.fail(err.message, '', 'give the user a gid no other group has, or the gid of the existing group');
        throw err;
      }
      for (const c of plan.commands) await run.exec(c.argv, { what: c.what, ...(c.input !== undefined ? { input: c.input } : {}), ...(c.hint ? { hint: c.hint } : {}) });

      if (user.ssh_keys.length === 0) return;
      // The home and primary group the tools actually chose (defaults differ between distributions).
      const after = plan.commands.length > 0 ? await readAccounts(run) : before;
      const entry = after.known ? after.passwd.get(name) : undefined;
      if (after.known && !entry) throw run.fail(`user ${name} is missing from /etc/passwd after creating it`);
      const home = entry?.home ?? user.home ?? `/home/${name}`;
      const group = entry ? (groupByGid(after.groups, entry.gid)?.name ?? String(entry.gid)) : (plan.primaryGroup ?? name);
      await installAuthorizedKeys(run, { user: name, group, home }, user.ssh_keys, `user-${name}-authorized_keys`);
    },
  };
}
