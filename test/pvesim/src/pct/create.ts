// `pct create <vmid> <ostemplate>`: allocate volumes, unpack a vztmpl or OCI archive, detect arch/ostype, write the config.
import fs from 'node:fs';
import path from 'node:path';
import type { Handler } from '../common/cli.js';
import { PveError, ParamError } from '../common/errors.js';
import { run } from '../common/run.js';
import { runWorkerUpidExit, type Task } from '../common/task.js';
import { emptyConfig, type CtConfig } from '../ct/conffile.js';
import { createDisks, parseMountpoint, printMountpoint } from '../ct/mountpoints.js';
import { parseNet, printNet } from '../ct/network.js';
import { MAX_MOUNT_POINTS, MAX_NETS, optionDef } from '../ct/options.js';
import { checkVmidUnused, destroyConfig, loadConfig, withConfigLock, writeCtConfig } from '../ct/store.js';
import { applyEnv, normalizeOptionValue, setLxcEntry } from '../ct/values.js';
import { IDMAP_BASE, mountSource, removeLxcDir } from '../lxc/lxcconf.js';
import { extractOciImage, hasControlChars, isOciArchive, shellQuote, type OciImageConfig } from '../lxc/oci.js';
import { detectArch, detectOstype, extractTemplate, setupDns, setupHostname, writeCtFile } from '../lxc/rootfs.js';
import { startContainer } from '../lxc/runtime.js';
import { storageDef } from '../storage/storagecfg.js';
import { freeImage, parseVolume, volumePath } from '../storage/volumes.js';

const CREATE_ONLY = new Set(['vmid', 'ostemplate', 'storage', 'password', 'ssh-public-keys', 'force', 'pool', 'ignore-unpack-errors', 'bwlimit', 'start', 'ha-managed', 'unique', 'restore']);

function resolveTemplate(ostemplate: string): string {
  if (ostemplate.startsWith('/')) return ostemplate;
  const vol = parseVolume(ostemplate);
  if (vol.vtype !== 'vztmpl' && vol.vtype !== 'backup') throw new PveError(`unable to use volume ${ostemplate} - content type needs to be 'vztmpl'\n`);
  return volumePath(vol);
}

/** Initial config from the command-line options (volumes still in `STORAGE:SIZE` form). */
function initialConfig(params: Record<string, string>, storage: string): CtConfig {
  const conf = emptyConfig();
  for (const [key, value] of Object.entries(params)) {
    if (CREATE_ONLY.has(key) || !optionDef(key)) continue;
    if (key === 'description') conf.description = value;
    else if (key === 'env') applyEnv(conf, value);
    else if (key === 'rootfs' || /^mp\d+$/.test(key)) {
      const mp = parseMountpoint(key, value);
      const volume = /^\d+(\.\d+)?$/.test(mp.volume) ? `${storage}:${mp.volume}` : mp.volume;
      conf.props[key] = printMountpoint(key, { ...mp.opts, volume });
    } else conf.props[key] = normalizeOptionValue(key, value);
  }
  conf.props.unprivileged ??= '1';
  conf.props.rootfs ??= `${storage}:4`;
  return conf;
}

function applyOciConfig(conf: CtConfig, image: OciImageConfig, rootdir: string, task: Task): void {
  const check = (key: string, value: string): string => {
    if (hasControlChars(value)) throw new PveError(`OCI config value for '${key}' contains forbidden control characters!\n`);
    return value;
  };
  for (const vol of Object.keys(image.Volumes ?? {})) {
    fs.mkdirSync(path.join(rootdir, check('Volumes', vol)), { recursive: true });
  }
  const cmd = [...(image.Entrypoint ?? []), ...(image.Cmd ?? [])].map((w) => check('Entrypoint', w));
  if (cmd.length && cmd[0] !== '/sbin/init') {
    conf.props.entrypoint = cmd.map(shellQuote).join(' ');
    conf.props.cmode = 'console';
    for (let i = 0; i < MAX_NETS; i++) {
      const value = conf.props[`net${i}`];
      if (value === undefined) continue;
      const net = parseNet(value);
      if (net['host-managed'] !== undefined) continue;
      net['host-managed'] = '1';
      conf.props[`net${i}`] = printNet(net);
      task.log(`Auto-Enabling host-managed network for network device net${i}.`);
    }
  }
  if (image.Env?.length) applyEnv(conf, image.Env.map((e) => check('Env', e)).join('\0'));
  if (image.WorkingDir) setLxcEntry(conf, 'lxc.init.cwd', check('WorkingDir', image.WorkingDir));
  if (image.User) {
    const [user, group] = check('User', image.User).split(':');
    const lookup = (file: string, name: string): string | undefined => {
      if (/^\d+$/.test(name)) return name;
      try {
        const line = fs.readFileSync(path.join(rootdir, file), 'utf8').split('\n').find((l) => l.split(':')[0] === name);
        return line?.split(':')[2];
      } catch {
        return undefined;
      }
    };
    const uid = lookup('etc/passwd', user!);
    if (uid === undefined) throw new PveError(`unable to resolve user '${user}' from the image's /etc/passwd\n`);
    setLxcEntry(conf, 'lxc.init.uid', uid);
    if (group) {
      const gid = lookup('etc/group', group);
      if (gid === undefined) throw new PveError(`unable to resolve group '${group}' from the image's /etc/group\n`);
      setLxcEntry(conf, 'lxc.init.gid', gid);
    } else {
      const line = fs.readFileSync(path.join(rootdir, 'etc/passwd'), 'utf8').split('\n').find((l) => l.split(':')[2] === uid);
      const gid = line?.split(':')[3] ?? uid;
      setLxcEntry(conf, 'lxc.init.gid', gid);
      setLxcEntry(conf, 'lxc.init.groups', gid);
    }
  }
  setLxcEntry(conf, 'lxc.signal.halt', check('StopSignal', image.StopSignal ?? 'SIGTERM'));
}

function setRootPassword(rootdir: string, password: string, unprivileged: boolean): void {
  const shadow = path.join(rootdir, 'etc/shadow');
  if (!fs.existsSync(shadow)) return;
  const hash = run('openssl', ['passwd', '-6', '-stdin'], { input: `${password}\n` });
  if (hash.status !== 0) throw new PveError(`unable to set root password: ${hash.stderr.trim()}\n`);
  const lines = fs.readFileSync(shadow, 'utf8').split('\n');
  const updated = lines.map((l) => (l.startsWith('root:') ? ['root', hash.stdout.trim(), ...l.split(':').slice(2)].join(':') : l));
  writeCtFile(rootdir, '/etc/shadow', updated.join('\n'), unprivileged, 0o640);
}

function installSshKeys(rootdir: string, keys: string, unprivileged: boolean): void {
  const dir = path.join(rootdir, 'root/.ssh');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const id = unprivileged ? IDMAP_BASE : 0;
  fs.chownSync(dir, id, id);
  writeCtFile(rootdir, '/root/.ssh/authorized_keys', keys.endsWith('\n') ? keys : `${keys}\n`, unprivileged, 0o600);
}

export const create: Handler = async ({ params }) => {
  const vmid = Number(params.vmid);
  if (params.restore === '1') throw new PveError('pvesim: pct restore is not supported\n');
  const storage = params.storage ?? 'local';
  if (!storageDef(storage).content.has('rootdir')) {
    throw new ParamError({ storage: `storage '${storage}' does not support container directories` });
  }
  let sshKeys: string | undefined;
  if (params['ssh-public-keys'] !== undefined) {
    try {
      sshKeys = fs.readFileSync(params['ssh-public-keys'], 'utf8');
    } catch (err) {
      throw new PveError(`unable to open file '${params['ssh-public-keys']}' - ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (err as Error).message}\n`);
    }
  }
  const archive = resolveTemplate(params.ostemplate!);
  const conf = initialConfig(params, storage);
  if (!params.rootfs && Object.keys(params).some((k) => /^mp\d+$/.test(k))) {
    throw new PveError("mount points configured, but 'rootfs' not set - aborting\n");
  }
  checkVmidUnused(vmid);

  return runWorkerUpidExit(async (task) => {
    await withConfigLock(vmid, async () => {
      checkVmidUnused(vmid);
      writeCtConfig(vmid, { ...emptyConfig(), props: { lock: 'create' } });
      const volids: string[] = [];
      try {
        const unprivileged = conf.props.unprivileged === '1';
        const keys = ['rootfs', ...Array.from({ length: MAX_MOUNT_POINTS }, (_, i) => `mp${i}`)];
        createDisks(vmid, conf, keys, unprivileged, (l) => task.log(l), volids);
        const root = parseMountpoint('rootfs', conf.props.rootfs!);
        const rootdir = mountSource(root.volume, root.type);

        if (isOciArchive(archive)) {
          task.log('Detected OCI archive');
          applyOciConfig(conf, extractOciImage(archive, rootdir, unprivileged), rootdir, task);
        } else {
          extractTemplate(archive, rootdir, unprivileged, params['ignore-unpack-errors'] === '1', task);
        }
        if (!conf.props.arch) {
          const arch = detectArch(rootdir);
          if (arch) {
            task.log(`Detected container architecture: ${arch}`);
            conf.props.arch = arch;
          } else {
            task.log('Falling back to amd64.');
            task.log('Use `pct set VMID --arch ARCH` to change.');
            conf.props.arch = 'amd64';
          }
        }
        if (!conf.props.ostype) {
          const detected = detectOstype(rootdir);
          if (detected.warning) task.log(detected.warning);
          conf.props.ostype = detected.ostype;
        }
        conf.props.hostname ??= `CT${vmid}`;
        conf.props.memory ??= '512';
        conf.props.swap ??= '512';
        if (conf.props.ostype !== 'unmanaged') {
          setupHostname(rootdir, conf.props.hostname, unprivileged);
          setupDns(rootdir, conf.props.nameserver, conf.props.searchdomain, unprivileged);
          if (params.password !== undefined) setRootPassword(rootdir, params.password, unprivileged);
          if (sshKeys !== undefined) installSshKeys(rootdir, sshKeys, unprivileged);
        }
        writeCtConfig(vmid, conf);
      } catch (err) {
        for (const volid of volids) freeImage(volid);
        destroyConfig(vmid);
        removeLxcDir(vmid);
        throw new PveError(`unable to create CT ${vmid} - ${(err as Error).message}`);
      }
    });
    if (params.start === '1') startContainer(vmid, loadConfig(vmid), task);
  }, { type: 'vzcreate', id: String(vmid) });
};
