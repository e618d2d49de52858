// What it takes to make one account match the spec, from the CT's passwd/group: pure, so every case is testable.
import type { UserConfig } from '../../config/schema/users.js';
import { groupByGid, type GroupEntry, type PasswdEntry } from './accounts.js';
import type { OsFamily } from './os-family.js';

export interface AccountCommand {
  argv: string[];
  what: string;
  input?: string;
  hint?: string;
}

export interface UserPlan {
  /** Empty when the account already matches. */
  commands: AccountCommand[];
  /** The primary group's name when the plan knows it (a gid from the spec, or a group named after the user). */
  primaryGroup: string | undefined;
}

/** The spec cannot be applied as written; the step reports it. */
export class UserPlanProblem extends Error {}

const USERMOD_HINT_ALPINE = "busybox has no usermod: add Alpine's `shadow` package to provisioning.packages to change an existing user";

function addGroup(family: OsFamily, group: string, gid?: number): AccountCommand {
  const gidArgs = gid === undefined ? [] : ['-g', String(gid)];
  const argv = family === 'alpine' ? ['addgroup', ...gidArgs, group] : ['groupadd', ...gidArgs, group];
  return { argv, what: `creating group ${group}` };
}

function addMember(user: string, group: string): AccountCommand {
  return { argv: ['addgroup', user, group], what: `adding ${user} to group ${group}` };
}

export function planUser(
  user: UserConfig,
  family: OsFamily,
  passwd: ReadonlyMap<string, PasswdEntry>,
  groups: ReadonlyMap<string, GroupEntry>,
): UserPlan {
  const name = user.username;
  const existing = passwd.get(name);
  const known = new Map(groups);
  const commands: AccountCommand[] = [];

  let primary: string | undefined;
  if (user.gid !== undefined) {
    const byGid = groupByGid(known, user.gid);
    if (byGid) {
      primary = byGid.name;
    } else {
      const clash = known.get(name);
      if (clash) throw new UserPlanProblem(`group '${name}' already exists with gid ${clash.gid}, but the spec gives user ${name} gid ${user.gid}, which no group has`);
      commands.push(addGroup(family, name, user.gid));
      known.set(name, { name, gid: user.gid, members: [] });
      primary = name;
    }
  } else if (!existing && known.has(name)) {
    // useradd refuses to make a group that exists; adduser would pick another: join the existing one.
    primary = name;
  }

  for (const g of user.groups) {
    if (known.has(g)) continue;
    commands.push(addGroup(family, g));
    known.set(g, { name: g, gid: -1, members: [] });
  }

  if (!existing) {
    if (family === 'alpine') {
      commands.push({
        argv: [
          'adduser',
          '-D',
          ...(user.home !== undefined ? ['-h', user.home] : []),
          ...(user.uid !== undefined ? ['-u', String(user.uid)] : []),
          ...(primary !== undefined ? ['-G', primary] : []),
          '-s',
          user.shell,
          name,
        ],
        what: `creating user ${name}`,
      });
      for (const g of user.groups) if (g !== primary) commands.push(addMember(name, g));
      // adduser -D leaves the password "!" (locked), and OpenSSH without PAM then refuses even key logins; "*" only means "no password".
      commands.push({ argv: ['chpasswd', '-e'], input: `${name}:*\n`, what: `unlocking ${name} for SSH key logins` });
    } else {
      commands.push({
        argv: [
          'useradd',
          '--create-home',
          ...(user.home !== undefined ? ['--home-dir', user.home] : []),
          ...(user.uid !== undefined ? ['--uid', String(user.uid)] : []),
          ...(primary !== undefined ? ['--gid', primary] : []),
          ...(user.groups.length > 0 ? ['--groups', user.groups.join(',')] : []),
          '--shell',
          user.shell,
          name,
        ],
        what: `creating user ${name}`,
      });
    }
    return { commands, primaryGroup: primary ?? name };
  }

  const changes: string[] = [];
  if (user.uid !== undefined && existing.uid !== user.uid) changes.push('--uid', String(user.uid));
  if (user.gid !== undefined && existing.gid !== user.gid) changes.push('--gid', primary!);
  if (existing.shell !== user.shell) changes.push('--shell', user.shell);
  if (user.home !== undefined && existing.home !== user.home) changes.push('--home', user.home, '--move-home');
  const primaryGid = user.gid ?? existing.gid;
  // Membership is only added: groups the user joined by other means are left alone.
  const missing = user.groups.filter((g) => {
    const entry = known.get(g)!;
    return entry.gid !== primaryGid && !entry.members.includes(name);
  });

  if (family === 'alpine') {
    if (changes.length > 0) commands.push({ argv: ['usermod', ...changes, name], what: `changing user ${name}`, hint: USERMOD_HINT_ALPINE });
    for (const g of missing) commands.push(addMember(name, g));
  } else if (changes.length > 0 || missing.length > 0) {
    const append = missing.length > 0 ? ['--append', '--groups', missing.join(',')] : [];
    commands.push({ argv: ['usermod', ...changes, ...append, name], what: `changing user ${name}` });
  }
  return { commands, primaryGroup: primary ?? groupByGid(known, existing.gid)?.name };
}
