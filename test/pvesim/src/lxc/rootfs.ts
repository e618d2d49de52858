// Fill and set up a CT rootfs: unpack a template archive (inside the CT's user namespace), detect arch and ostype, write hostname/hosts.
import fs from 'node:fs';
import path from 'node:path';
import { PveError } from '../common/errors.js';
import { cmdString, run } from '../common/run.js';
import type { Task } from '../common/task.js';
import { IDMAP_BASE } from './lxcconf.js';

const USERNS = ['-m', `u:0:${IDMAP_BASE}:65536`, '-m', `g:0:${IDMAP_BASE}:65536`, '--'];

/** Run `cmd` as the CT's root: inside the user namespace for unprivileged CTs. */
export function runAsCtRoot(unprivileged: boolean, cmd: string, args: string[]): { status: number; stdout: string; stderr: string; shown: string } {
  const shown = cmdString(cmd, args);
  const res = unprivileged ? run('lxc-usernsexec', [...USERNS, cmd, ...args]) : run(cmd, args);
  return { ...res, shown };
}

function compressionFlag(archive: string): string[] {
  if (archive.endsWith('.tar')) return [];
  if (/\.(tar\.gz|tgz)$/.test(archive)) return ['-z'];
  if (/\.tar\.xz$/.test(archive)) return ['-J'];
  if (/\.tar\.zst$/.test(archive)) return ['--zstd'];
  if (/\.tar\.bz2$/.test(archive)) return ['-j'];
  const ext = /(\.[^./]+)$/.exec(archive)?.[1];
  if (!/\.tar(\.|$)/.test(archive)) throw new PveError(`file does not look like a template archive: ${archive}\n`);
  throw new PveError(`unrecognized compression format: ${ext ?? archive}\n`);
}

/** restore_tar_archive: `extracting archive '<path>'`, then tar's `Total bytes read` line. */
export function extractTemplate(archive: string, rootdir: string, unprivileged: boolean, ignoreErrors: boolean, task: Task): void {
  const comp = compressionFlag(archive);
  try {
    fs.accessSync(archive, fs.constants.R_OK);
  } catch {
    throw new PveError(`failed to open '${archive}': No such file or directory\n`);
  }
  task.log(`extracting archive '${archive}'`);
  const args = [
    'xpf', archive, ...comp, '--totals', '--one-file-system', '-p', '--sparse', '--numeric-owner', '--acls', '--xattrs',
    '--xattrs-include=user.*', '--xattrs-include=security.capability', '--warning=no-file-ignored', '--warning=no-xattr-write',
    '-C', rootdir, '--skip-old-files', '--anchored', '--exclude', './dev/*',
  ];
  const res = runAsCtRoot(unprivileged, 'tar', args);
  task.write(res.stdout);
  task.write(res.stderr);
  if (res.status !== 0) {
    const msg = `command '${res.shown}' failed: exit code ${res.status}`;
    if (!ignoreErrors) throw new PveError(`${msg}\n`);
    task.warn(msg);
  }
}

/** Resolve `p` inside `rootdir`, following symlinks relative to the CT's root. */
export function resolveInRoot(rootdir: string, p: string, depth = 0): string {
  const parts = p.split('/').filter(Boolean);
  let cur = '';
  for (let i = 0; i < parts.length; i++) {
    const next = `${cur}/${parts[i]}`;
    let st: fs.Stats;
    try {
      st = fs.lstatSync(path.join(rootdir, next));
    } catch {
      return path.join(rootdir, next, ...parts.slice(i + 1));
    }
    if (st.isSymbolicLink() && depth < 40) {
      const target = fs.readlinkSync(path.join(rootdir, next));
      const joined = target.startsWith('/') ? target : `${cur}/${target}`;
      return resolveInRoot(rootdir, [path.posix.normalize(joined), ...parts.slice(i + 1)].join('/'), depth + 1);
    }
    cur = next;
  }
  return path.join(rootdir, cur);
}

const ELF_ARCH: Record<number, string> = { 0x3e: 'amd64', 0x03: 'i386', 0xb7: 'arm64', 0x28: 'armhf', 0xf3: 'riscv64' };

/** Architecture from the ELF header of /bin/sh (then /sbin/init) in the rootfs. */
export function detectArch(rootdir: string): string | undefined {
  for (const candidate of ['/bin/sh', '/sbin/init', '/bin/busybox']) {
    try {
      const fd = fs.openSync(resolveInRoot(rootdir, candidate), 'r');
      const buf = Buffer.alloc(20);
      fs.readSync(fd, buf, 0, 20, 0);
      fs.closeSync(fd);
      if (buf.readUInt32BE(0) !== 0x7f454c46) continue;
      const machine = buf.readUInt16LE(18);
      if (machine === 0xf3) return buf[4] === 1 ? 'riscv32' : 'riscv64';
      if (ELF_ARCH[machine]) return ELF_ARCH[machine];
    } catch {
      /* try the next one */
    }
  }
  return undefined;
}

const OS_ALIASES: Record<string, string> = { rocky: 'centos', almalinux: 'centos', rhel: 'centos', arch: 'archlinux', sles: 'opensuse', openeuler: 'openeuler' };
const OS_PLUGINS = new Set(['debian', 'devuan', 'ubuntu', 'centos', 'fedora', 'opensuse', 'archlinux', 'alpine', 'gentoo', 'nixos']);
const MARKERS: [string, string][] = [
  ['/etc/devuan_version', 'devuan'],
  ['/etc/debian_version', 'debian'],
  ['/etc/alpine-release', 'alpine'],
  ['/etc/fedora-release', 'fedora'],
  ['/etc/centos-release', 'centos'],
  ['/etc/redhat-release', 'centos'],
  ['/etc/arch-release', 'archlinux'],
  ['/etc/gentoo-release', 'gentoo'],
  ['/etc/SuSE-release', 'opensuse'],
  ['/etc/nixos', 'nixos'],
];

export const UNMANAGED_WARNING = "/etc/os-release file not found and autodetection failed, falling back to 'unmanaged'";

/** Setup.pm's detection: /etc/os-release ID (with aliases), then marker files; `unmanaged` when nothing is found. */
export function detectOstype(rootdir: string): { ostype: string; warning?: string } {
  let osRelease: string | undefined;
  for (const f of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      osRelease = fs.readFileSync(resolveInRoot(rootdir, f), 'utf8');
      break;
    } catch {
      /* next */
    }
  }
  if (osRelease !== undefined) {
    const field = (k: string): string | undefined => new RegExp(`^${k}=["']?([^"'\\n]*)`, 'm').exec(osRelease!)?.[1];
    const id = field('ID')?.toLowerCase();
    if (id && OS_PLUGINS.has(id)) return { ostype: id };
    if (id && OS_ALIASES[id]) return { ostype: OS_ALIASES[id]! };
    if (id?.startsWith('opensuse')) return { ostype: 'opensuse' };
    for (const like of (field('ID_LIKE') ?? '').split(/\s+/)) if (OS_PLUGINS.has(like)) return { ostype: like };
  }
  for (const [marker, ostype] of MARKERS) if (fs.existsSync(resolveInRoot(rootdir, marker))) return { ostype };
  if (osRelease !== undefined) throw new PveError('unable to detect OS distribution\n');
  return { ostype: 'unmanaged', warning: UNMANAGED_WARNING };
}

/** Write a file in the rootfs as the CT's root would (owner mapped for unprivileged CTs); symlinked targets are left alone. */
export function writeCtFile(rootdir: string, file: string, content: string, unprivileged: boolean, mode = 0o644): void {
  const target = path.join(rootdir, file);
  try {
    if (fs.lstatSync(target).isSymbolicLink()) return;
  } catch {
    /* new file */
  }
  const dir = path.dirname(target);
  if (!fs.existsSync(dir)) return;
  const tmp = `${target}.pvesim-tmp`;
  fs.writeFileSync(tmp, content, { mode });
  const id = unprivileged ? IDMAP_BASE : 0;
  fs.chownSync(tmp, id, id);
  fs.renameSync(tmp, target);
}

function readCtFile(rootdir: string, file: string): string | undefined {
  try {
    return fs.readFileSync(path.join(rootdir, file), 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Base.pm's per-start setup for managed distributions: /etc/hostname and the PVE block in /etc/hosts.
 * pvesim also refreshes an existing /etc/hostname of `unmanaged` CTs (busybox inits read it at boot).
 */
export function setupHostname(rootdir: string, hostname: string, unprivileged: boolean, managed = true): void {
  const short = hostname.split('.')[0]!;
  if (!managed) {
    if (fs.existsSync(path.join(rootdir, 'etc/hostname'))) writeCtFile(rootdir, '/etc/hostname', `${short}\n`, unprivileged);
    return;
  }
  writeCtFile(rootdir, '/etc/hostname', `${short}\n`, unprivileged);
  const hosts = readCtFile(rootdir, '/etc/hosts') ?? '127.0.0.1 localhost.localnet localhost\n';
  const names = hostname === short ? short : `${hostname} ${short}`;
  const block = `# --- BEGIN PVE ---\n127.0.1.1 ${names}\n# --- END PVE ---\n`;
  const stripped = hosts.replace(/# --- BEGIN PVE ---\n[\s\S]*?# --- END PVE ---\n?/, '').replace(/^127\.0\.1\.1\s.*\n?/m, '');
  writeCtFile(rootdir, '/etc/hosts', `${stripped}${stripped.endsWith('\n') || !stripped ? '' : '\n'}${block}`, unprivileged);
}

/** /etc/resolv.conf from the CT's nameserver/searchdomain settings (or the host's when neither is set). */
export function setupDns(rootdir: string, nameserver: string | undefined, searchdomain: string | undefined, unprivileged: boolean): void {
  if (nameserver === undefined && searchdomain === undefined) return;
  let text = '# --- BEGIN PVE ---\n';
  if (searchdomain) text += `search ${searchdomain.split(/[;,\s]+/).join(' ')}\n`;
  for (const ns of (nameserver ?? '').split(/[;,\s]+/).filter(Boolean)) text += `nameserver ${ns}\n`;
  text += '# --- END PVE ---\n';
  writeCtFile(rootdir, '/etc/resolv.conf', text, unprivileged);
}
