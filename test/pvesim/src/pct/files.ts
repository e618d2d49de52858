// `pct push` / `pct pull`: copy a file into or out of a running CT with create_file's perms/owner semantics.
import fs from 'node:fs';
import path from 'node:path';
import type { Handler } from '../common/cli.js';
import { PveError, perlDie } from '../common/errors.js';
import { strerror } from '../common/errno.js';
import { runWorker } from '../common/task.js';
import { loadConfig, withConfigLock } from '../ct/store.js';
import { IDMAP_BASE } from '../lxc/lxcconf.js';
import { lxcState } from '../lxc/state.js';

function lookupId(dbFile: string, name: string): number | undefined {
  try {
    const line = fs.readFileSync(dbFile, 'utf8').split('\n').find((l) => l.split(':')[0] === name);
    const id = line?.split(':')[2];
    return id === undefined ? undefined : Number(id);
  } catch {
    return undefined;
  }
}

/** `--user/--group`: a number, or a name looked up in `<root>/etc/passwd|group`. */
function resolveOwner(root: string, user: string | undefined, group: string | undefined): { uid?: number; gid?: number } {
  const res: { uid?: number; gid?: number } = {};
  if (user !== undefined) {
    const uid = /^\d+$/.test(user) ? Number(user) : lookupId(path.join(root, 'etc/passwd'), user);
    if (uid === undefined) throw new PveError(`failed to get uid for: ${user}\n`);
    res.uid = uid;
  }
  if (group !== undefined) {
    const gid = /^\d+$/.test(group) ? Number(group) : lookupId(path.join(root, 'etc/group'), group);
    if (gid === undefined) throw new PveError(`failed to get gid for: ${group}\n`);
    res.gid = gid;
  }
  return res;
}

/** `--perms`: octal unless `0x…` (a leading 0 is added to bare numbers, as pct does). */
function parsePerms(perms: string | undefined): number | undefined {
  if (perms === undefined) return undefined;
  const p = /^0/.test(perms) ? perms : `0${perms}`;
  let mode: number;
  if (/^0x[0-9a-f]+$/i.test(p)) mode = parseInt(p.slice(2), 16);
  else if (/^0[0-7]*$/.test(p)) mode = parseInt(p, 8);
  else throw new PveError(`invalid mode: '${perms}'\n`);
  return mode;
}

interface Owner {
  uid?: number;
  gid?: number;
}

/** create_file: new files get `perms` (default 0666 & ~umask); existing ones keep mode/owner unless told. */
function createFile(file: string, shownPath: string, perms: number | undefined, owner: Owner, defaultOwner: number): number {
  let fd: number;
  let isNew = true;
  try {
    fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new PveError(`failed to create file: ${shownPath}: ${strerror(err)}\n`);
    isNew = false;
    try {
      fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_TRUNC);
    } catch (err2) {
      throw new PveError(`failed to create file: ${shownPath}: ${strerror(err2)}\n`);
    }
  }
  const mode = perms ?? (isNew ? 0o666 & ~process.umask() : undefined);
  if (mode !== undefined) fs.fchmodSync(fd, mode);
  if (isNew || owner.uid !== undefined || owner.gid !== undefined) {
    const st = fs.fstatSync(fd);
    const uid = owner.uid ?? (isNew ? defaultOwner : st.uid);
    const gid = owner.gid ?? (isNew ? defaultOwner : st.gid);
    try {
      fs.fchownSync(fd, uid, gid);
    } catch (err) {
      throw new PveError(`failed to change file owner: ${strerror(err)}\n`);
    }
  }
  return fd;
}

function copyInto(srcFd: number, destFd: number): void {
  const buf = Buffer.alloc(1 << 16);
  for (;;) {
    const n = fs.readSync(srcFd, buf, 0, buf.length, null);
    if (!n) break;
    fs.writeSync(destFd, buf, 0, n);
  }
}

export const push: Handler = async ({ params }) => {
  const vmid = Number(params.vmid);
  await withConfigLock(vmid, async () => {
    const state = lxcState(vmid);
    if (!state.running || !state.pid) throw new PveError('can only push files to a running CT\n');
    const unprivileged = loadConfig(vmid).props.unprivileged === '1';
    const perms = parsePerms(params.perms);
    await runWorker(() => {
      const ctRoot = `/proc/${state.pid}/root`;
      let srcFd: number;
      try {
        srcFd = fs.openSync(params.file!, 'r');
      } catch {
        throw new PveError(`failed to open ${params.file} for reading\n`);
      }
      const shift = unprivileged ? IDMAP_BASE : 0;
      const owner = resolveOwner(ctRoot, params.user, params.group);
      const mapped: Owner = {};
      if (owner.uid !== undefined) mapped.uid = owner.uid + shift;
      if (owner.gid !== undefined) mapped.gid = owner.gid + shift;
      const destFd = createFile(path.join(ctRoot, params.destination!), params.destination!, perms, mapped, shift);
      copyInto(srcFd, destFd);
      fs.closeSync(srcFd);
      fs.closeSync(destFd);
    });
  });
};

export const pull: Handler = async ({ params }) => {
  const vmid = Number(params.vmid);
  await withConfigLock(vmid, async () => {
    const state = lxcState(vmid);
    if (!state.running || !state.pid) throw perlDie('can only pull files from a running VM', '/usr/share/perl5/PVE/CLI/pct.pm', 436);
    const perms = parsePerms(params.perms);
    await runWorker(() => {
      const destFd = createFile(params.destination!, params.destination!, perms, resolveOwner('/', params.user, params.group), 0);
      let srcFd: number;
      try {
        srcFd = fs.openSync(path.join(`/proc/${state.pid}/root`, params.path!), 'r');
      } catch (err) {
        fs.closeSync(destFd);
        throw new PveError(`failed to open ${params.path}: ${strerror(err)}\n`);
      }
      copyInto(srcFd, destFd);
      fs.closeSync(srcFd);
      fs.closeSync(destFd);
    });
  });
};
