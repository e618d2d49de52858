// planUser and the passwd/group parsers: the account commands for each starting state, nothing when it already matches.
import { describe, expect, it } from 'vitest';
import { userSchema } from '../../../src/config/schema/users.js';
import { parseGroup, parsePasswd } from '../../../src/provision/steps/accounts.js';
import { planUser, UserPlanProblem } from '../../../src/provision/steps/user-plan.js';

const user = (u: Record<string, unknown>) => userSchema.parse(u);
const argvs = (p: ReturnType<typeof planUser>) => p.commands.map((c) => c.argv);

const PASSWD = parsePasswd('root:x:0:0:root:/root:/bin/bash\ndave:x:1200:1200::/home/dave:/bin/bash\n');
const GROUP = parseGroup('root:x:0:\nsudo:x:27:dave\ndave:x:1200:\nalice:x:1300:\n');

describe('parsePasswd / parseGroup', () => {
  it('reads the fields user convergence needs and skips comments, NIS markers and malformed lines', () => {
    const p = parsePasswd('# comment\n+::::::\nbroken:x:abc:1::/:/bin/sh\nalice:x:1001:100:Alice:/home/alice:/bin/zsh\r\n');
    expect([...p.values()]).toEqual([{ name: 'alice', uid: 1001, gid: 100, home: '/home/alice', shell: '/bin/zsh' }]);
    const g = parseGroup('sudo:x:27:alice, bob\nempty:x:5:\nbad:x::\n');
    expect([...g.values()]).toEqual([
      { name: 'sudo', gid: 27, members: ['alice', 'bob'] },
      { name: 'empty', gid: 5, members: [] },
    ]);
  });
});

describe('planUser', () => {
  it('a new user whose name is already a group joins that group (useradd would refuse otherwise)', () => {
    const plan = planUser(user({ username: 'alice' }), 'debian', PASSWD, GROUP);
    expect(argvs(plan)).toEqual([['useradd', '--create-home', '--gid', 'alice', '--shell', '/bin/bash', 'alice']]);
    expect(plan.primaryGroup).toBe('alice');
  });

  it('a gid some group already has is used by name, not created', () => {
    const plan = planUser(user({ username: 'erin', gid: 27 }), 'debian', PASSWD, GROUP);
    expect(argvs(plan)).toEqual([['useradd', '--create-home', '--gid', 'sudo', '--shell', '/bin/bash', 'erin']]);
  });

  it('an existing user that matches needs nothing', () => {
    expect(planUser(user({ username: 'dave', uid: 1200, gid: 1200, groups: ['sudo'] }), 'debian', PASSWD, GROUP).commands).toEqual([]);
  });

  it('an existing user: uid, primary group and home are changed (home moved) in one usermod', () => {
    const plan = planUser(user({ username: 'dave', uid: 1201, gid: 1300, home: '/srv/dave' }), 'debian', PASSWD, GROUP);
    expect(argvs(plan)).toEqual([['usermod', '--uid', '1201', '--gid', 'alice', '--home', '/srv/dave', '--move-home', 'dave']]);
  });

  it('alpine: changing an existing user needs usermod, and the failure hint says which package has it', () => {
    const plan = planUser(user({ username: 'dave', shell: '/bin/ash' }), 'alpine', PASSWD, GROUP);
    expect(argvs(plan)).toEqual([['usermod', '--shell', '/bin/ash', 'dave']]);
    expect(plan.commands[0]!.hint).toContain('`shadow` package');
  });

  it('a gid no group has, with a group of the user\'s name holding another gid, is a problem', () => {
    expect(() => planUser(user({ username: 'alice', gid: 4000 }), 'debian', PASSWD, GROUP)).toThrow(UserPlanProblem);
  });
});
