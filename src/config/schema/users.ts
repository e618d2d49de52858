// provisioning.users: extra Linux accounts with ids, groups, shell, home and their own SSH keys.
import { z } from 'zod';
import { absolutePath, intBetween, linuxName, MAX_UNIX_ID } from './primitives.js';
import { sshKeyListSchema } from './ssh-keys.js';

export const userSchema = z
  .object({
    username: linuxName('user').superRefine((u, ctx) => {
      if (u === 'root') ctx.addIssue({ code: 'custom', message: '"root" exists in every container; put root\'s keys under provisioning.ssh_keys' });
    }),
    /** 0 is root's. */
    uid: intBetween(1, MAX_UNIX_ID).optional(),
    gid: intBetween(0, MAX_UNIX_ID).optional(),
    groups: z.array(linuxName('group')).default([]),
    shell: absolutePath().default('/bin/bash'),
    /** useradd's default (/home/<username>) when absent. */
    home: absolutePath().optional(),
    ssh_keys: sshKeyListSchema,
  })
  .strict();

export type UserConfig = z.output<typeof userSchema>;
