// `pct set <vmid> [OPTIONS] [--delete k,..] [--revert k,..]`: update_vm, applied directly, hot-plugged or queued as pending.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Handler } from '../common/cli.js';
import { PveError, ParamError } from '../common/errors.js';
import { ctConfigFile } from '../common/paths.js';
import { applyPending, hotplugPending } from '../ct/apply.js';
import type { CtConfig } from '../ct/conffile.js';
import { checkRootdirContent, parseMountpoint } from '../ct/mountpoints.js';
import { parseNet } from '../ct/network.js';
import { optionDef } from '../ct/options.js';
import { addPendingDelete, cleanupPending, pendingDeletes, removePendingDelete } from '../ct/pending.js';
import { checkLock, checkProtection, loadConfig, withConfigLock, writeCtConfig } from '../ct/store.js';
import { applyEnv, normalizeOptionValue } from '../ct/values.js';
import { isRunning } from '../lxc/state.js';

const NOT_OPTIONS = new Set(['vmid', 'delete', 'revert', 'digest']);

function splitList(value: string | undefined): string[] {
  return (value ?? '').split(/[;,\s]+/).filter(Boolean);
}

function bridgeMtu(bridge: string | undefined): number | undefined {
  if (!bridge) return undefined;
  try {
    return Number(fs.readFileSync(`/sys/class/net/${bridge}/mtu`, 'utf8').trim());
  } catch {
    return undefined;
  }
}

/** Checks and the pending write of one changed option (update_pct_config's add/change loop). */
function stageOption(vmid: number, conf: CtConfig, opt: string, value: string): void {
  if (opt === 'rootfs' || /^mp\d+$/.test(opt)) {
    checkProtection(conf, `can't update CT ${vmid} drive '${opt}'`);
    const mp = parseMountpoint(opt, value);
    if (mp.type === 'volume') checkRootdirContent(mp.volume);
  } else if (opt === 'unprivileged') {
    throw new PveError(`unable to modify read-only option: '${opt}'\n`);
  } else if (/^net\d+$/.test(opt)) {
    const net = parseNet(value);
    const brMtu = bridgeMtu(net.bridge);
    if (net.mtu && brMtu && Number(net.mtu) > brMtu) throw new PveError(`${opt}: MTU size '${net.mtu}' is bigger than bridge MTU '${brMtu}'\n`);
  } else if (/^dev\d+$/.test(opt)) {
    const path = /^(?:path=)?([^,]+)/.exec(value)?.[1] ?? '';
    if (!fs.existsSync(path)) throw new PveError(`Device ${path} does not exist\n`);
  }
  if (opt === 'description') conf.pending.description = value;
  else if (opt === 'env') conf.pending.lxc = [...applyEnvEntries(value)];
  else conf.pending.props[opt] = /^(net|mp)\d+$/.test(opt) || opt === 'rootfs' ? value : normalizeOptionValue(opt, value);
  removePendingDelete(conf, opt);
}

function applyEnvEntries(env: string): [string, string][] {
  const tmp = { props: {}, lxc: [] as [string, string][] };
  applyEnv(tmp, env);
  return tmp.lxc;
}

export const set: Handler = async ({ params }) => {
  const vmid = Number(params.vmid);
  const options = Object.fromEntries(Object.entries(params).filter(([k]) => !NOT_OPTIONS.has(k)));
  const deletes = splitList(params.delete);
  const reverts = splitList(params.revert);
  if (!deletes.length && !reverts.length && !Object.keys(options).length) throw new PveError('no options specified\n');
  for (const opt of deletes) {
    if (options[opt] !== undefined) throw new ParamError({ delete: `you can't use '-${opt}' and -delete ${opt}' at the same time` });
    if (!optionDef(opt)) throw new ParamError({ delete: `unknown option '${opt}'` });
  }
  for (const opt of reverts) {
    if (options[opt] !== undefined) throw new ParamError({ revert: `you can't use '-${opt}' and '-revert ${opt}' at the same time` });
  }

  await withConfigLock(vmid, () => {
    const conf = loadConfig(vmid);
    if (params.digest !== undefined) {
      const digest = crypto.createHash('sha1').update(fs.readFileSync(ctConfigFile(vmid))).digest('hex');
      if (digest !== params.digest) throw new PveError('detected modified configuration - file changed by other user? Try again.\n');
    }
    checkLock(conf);
    const running = isRunning(vmid);
    const modified = new Set<string>();

    for (const opt of reverts) {
      delete conf.pending.props[opt];
      if (opt === 'description') delete conf.pending.description;
      if (opt === 'env') conf.pending.lxc = [];
      removePendingDelete(conf, opt);
    }
    for (const opt of deletes) {
      const isSet = opt === 'description' ? conf.description !== undefined || conf.pending.description !== undefined
        : opt === 'env' ? conf.lxc.some(([k]) => k === 'lxc.environment.runtime')
        : conf.props[opt] !== undefined || conf.pending.props[opt] !== undefined;
      if (!isSet) {
        process.stderr.write(`cannot delete '${opt}' - not set in current configuration!\n`);
        continue;
      }
      modified.add(opt);
      if (opt === 'memory' || opt === 'rootfs' || opt === 'ostype') throw new PveError(`unable to delete required option '${opt}'\n`);
      if (/^(unused|mp)\d+$/.test(opt)) checkProtection(conf, `can't remove CT ${vmid} drive '${opt}'`);
      if (opt === 'unprivileged') throw new PveError(`unable to delete read-only option: '${opt}'\n`);
      addPendingDelete(conf, opt);
    }
    for (const opt of Object.keys(options).sort()) {
      modified.add(opt);
      stageOption(vmid, conf, opt, options[opt]!);
    }
    cleanupPending(conf);
    if (pendingDeletes(conf).length === 0) delete conf.pending.props.delete;

    const errors = running ? hotplugPending(vmid, conf, modified) : applyPending(vmid, conf, modified);
    writeCtConfig(vmid, conf);
    if (Object.keys(errors).length) throw new ParamError(errors);
  });
};
