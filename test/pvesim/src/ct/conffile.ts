// Parse and write /etc/pve/nodes/<node>/lxc/<vmid>.conf exactly as parse_pct_config / write_pct_config do.
import crypto from 'node:crypto';
import { optionDef } from './options.js';
import { parseBoolean } from '../common/schema.js';

export interface CtSection {
  props: Record<string, string>;
  description?: string;
  /** Raw `lxc.*` entries in file order. */
  lxc: [string, string][];
}

export interface CtConfig extends CtSection {
  pending: CtSection;
  snapshots: Record<string, CtSection>;
  digest: string;
}

export function emptySection(): CtSection {
  return { props: {}, lxc: [] };
}

export function emptyConfig(): CtConfig {
  return { ...emptySection(), pending: emptySection(), snapshots: {}, digest: '' };
}

/** PVE::Tools::encode_text: escape control/non-ASCII bytes, ':' and '%' as %XX. */
export function encodeText(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x20 || byte > 0x7f || ch === ':' || ch === '%' ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}` : ch;
  }
  return out;
}

export function decodeText(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const m = text[i] === '%' ? /^[0-9a-fA-F]{2}/.exec(text.slice(i + 1, i + 3)) : null;
    if (m) {
      bytes.push(parseInt(m[0], 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

const VALID_LXC_KEY = /^lxc\.(cgroup2?|prlimit|net)\./;
const VALID_LXC_KEYS = new Set(
  (
    'apparmor.profile apparmor.allow_incomplete apparmor.allow_nesting apparmor.raw selinux.context include arch uts.name ' +
    'signal.halt signal.reboot signal.stop init.cmd init.cwd init.uid init.gid init.groups pty.max console.logfile console.path tty.max ' +
    'devtty.dir hook.autodev autodev kmsg mount.fstab mount.entry mount.auto rootfs.mount cap.drop cap.keep seccomp.profile ' +
    'seccomp.notify.proxy seccomp.notify.cookie idmap hook.pre-start hook.pre-mount hook.mount hook.start hook.stop ' +
    'hook.post-stop hook.clone hook.destroy hook.version log.level log.file start.auto start.delay start.order group ' +
    'environment environment.runtime environment.hooks sysctl.fs.mqueue sysctl.kernel.msgmax sysctl.kernel.msgmnb ' +
    'sysctl.kernel.msgmni sysctl.kernel.sem sysctl.kernel.shmall sysctl.kernel.shmmax sysctl.kernel.shmmni sysctl.kernel.shm_rmid_forced'
  )
    .split(' ')
    .map((k) => `lxc.${k}`),
);
const REJECTED_LXC_KEYS: Record<string, string> = {
  'lxc.rootfs.path': 'lxc.rootfs.path is auto generated from rootfs',
  'lxc.rootfs.options': 'lxc.rootfs.options is not supported, please use mount point options in the "rootfs" key',
};

/** check_type: normalise a stored value by its key's type; throws the reason for a bad value. */
export function checkConfigValue(key: string, value: string): string {
  const def = optionDef(key);
  if (!def) throw new Error(`unknown setting '${key}'`);
  if (/[\n\r]/.test(value)) throw new Error('property contains a line feed');
  if (def.type === 'boolean') {
    const b = parseBoolean(value);
    if (b === undefined) throw new Error(`type check ('boolean') failed - got '${value}'`);
    return String(b);
  }
  if (def.type === 'integer') {
    if (!/^\d+$/.test(value)) throw new Error(`type check ('integer') failed - got '${value}'`);
    return String(Number(value));
  }
  if (def.type === 'number' && !/^\d+(\.\d+)?$/.test(value)) throw new Error(`type check ('number') failed - got '${value}'`);
  return value;
}

export function parseConfig(raw: string, vmid: number, warn: (msg: string) => void = (m) => process.stderr.write(m)): CtConfig {
  const res = emptyConfig();
  res.digest = crypto.createHash('sha1').update(raw).digest('hex');
  let conf: CtSection = res;
  let section = '';
  let descr = '';
  const closeSection = (): void => {
    if (descr) conf.description = descr;
    descr = '';
  };
  for (const line of raw.split('\n')) {
    if (/^\s*$/.test(line)) continue;
    if (/^\[pve:pending\]\s*$/i.test(line)) {
      closeSection();
      section = 'pending';
      conf = res.pending = emptySection();
      continue;
    }
    const snap = /^\[([a-z][a-z0-9_-]+)\]\s*$/i.exec(line);
    if (snap) {
      closeSection();
      section = snap[1]!;
      conf = res.snapshots[section] = emptySection();
      continue;
    }
    const comment = /^#(.*)$/.exec(line);
    if (comment) {
      descr += `${decodeText(comment[1]!)}\n`;
      continue;
    }
    let m = /^(lxc\.[a-z0-9_\-.]+)(:|\s*=)\s*(.*?)\s*$/.exec(line);
    if (m) {
      const key = m[1]!;
      if (REJECTED_LXC_KEYS[key]) warn(`vm ${vmid} - ${key}: ${REJECTED_LXC_KEYS[key]}\n`);
      else if (VALID_LXC_KEYS.has(key) || VALID_LXC_KEY.test(key)) conf.lxc.push([key, m[3]!]);
      else warn(`vm ${vmid} - unable to parse config: ${line}\n`);
      continue;
    }
    if ((m = /^(description):\s*(.*\S)\s*$/.exec(line))) {
      descr += decodeText(m[2]!);
    } else if ((m = /snapstate:\s*(prepare|delete)\s*$/.exec(line))) {
      conf.props.snapstate = m[1]!;
    } else if ((m = /^delete:\s*(.*\S)\s*$/.exec(line))) {
      if (section === 'pending') conf.props.delete = m[1]!;
      else warn(`vm ${vmid} - property 'delete' is only allowed in [pve:pending]\n`);
    } else if ((m = /^([a-z][a-z_]*\d*):\s*(.+?)\s*$/.exec(line))) {
      let value = m[2]!;
      try {
        value = checkConfigValue(m[1]!, value);
      } catch (err) {
        warn(`vm ${vmid} - unable to parse value of '${m[1]}' - ${(err as Error).message}\n`);
      }
      conf.props[m[1]!] = value;
    } else {
      warn(`vm ${vmid} - unable to parse config: ${line}\n`);
    }
  }
  closeSection();
  return res;
}

function writeSection(conf: CtSection): string {
  let raw = '';
  const lines = (conf.description ?? '').split('\n');
  while (lines.length && lines[lines.length - 1] === '') lines.pop(); // Perl's split drops trailing empty fields
  for (const line of lines) raw += `#${encodeText(line)}\n`;
  for (const key of Object.keys(conf.props).sort()) {
    const value = conf.props[key]!;
    if (value.includes('\n')) throw new Error(`detected invalid newline inside property '${key}'`);
    raw += `${key}: ${value}\n`;
  }
  for (const [k, v] of conf.lxc) raw += `${k}: ${v}\n`;
  return raw;
}

export function sectionHasContent(s: CtSection): boolean {
  return Object.keys(s.props).length > 0 || s.lxc.length > 0 || !!s.description;
}

export function writeConfig(conf: CtConfig): string {
  let raw = writeSection(conf);
  if (sectionHasContent(conf.pending)) raw += `\n[pve:pending]\n${writeSection(conf.pending)}`;
  for (const name of Object.keys(conf.snapshots).sort()) raw += `\n[${name}]\n${writeSection(conf.snapshots[name]!)}`;
  return raw;
}
