// `pct` commands as data: one builder per sub-command, argv exactly as pve-cli.md §2.1 documents it.
import { UsageError } from '../../errors.js';
import type { HostCommand } from '../command.js';
import { pveBool } from '../property-string.js';
import { vmidArg } from '../vmid.js';
import { CREATE_PARAMS, SET_PARAMS, optionArgs, type PctCreateOptions, type PctSetOptions } from './config-args.js';

const PCT = 'pct';

function cmd(args: string[], extra: Partial<HostCommand> = {}): HostCommand {
  return { file: PCT, args, ...extra };
}

function flag(out: string[], key: string, value: string | number | boolean | undefined): void {
  if (value === undefined) return;
  out.push(`--${key}`, typeof value === 'boolean' ? pveBool(value) : String(value));
}

/** PVE's snapshot-name rule, checked here so a bad name fails before a lock is taken. */
export function snapshotNameArg(name: string): string {
  if (!/^[a-z][a-z0-9_-]+$/i.test(name) || name.length > 40) {
    throw new UsageError(`invalid snapshot name ${JSON.stringify(name)}: 2-40 characters, a letter first, then letters, digits, '_' or '-'`);
  }
  if (name === 'current' || name === 'vzdump') throw new UsageError(`snapshot name '${name}' is reserved`);
  return name;
}

export function pctList(): HostCommand {
  return cmd(['list'], { readOnly: true });
}

export function pctStatus(vmid: number, opts: { verbose?: boolean } = {}): HostCommand {
  const args = ['status', vmidArg(vmid)];
  if (opts.verbose) flag(args, 'verbose', true);
  return cmd(args, { readOnly: true });
}

export function pctConfig(vmid: number, opts: { current?: boolean; snapshot?: string } = {}): HostCommand {
  if (opts.current && opts.snapshot !== undefined) throw new UsageError("pct config: 'current' and 'snapshot' cannot be combined");
  const args = ['config', vmidArg(vmid)];
  if (opts.current) flag(args, 'current', true);
  flag(args, 'snapshot', opts.snapshot);
  return cmd(args, { readOnly: true });
}

export function pctCreate(vmid: number, ostemplate: string, opts: PctCreateOptions = {}): HostCommand {
  const { args, secrets } = optionArgs(opts, CREATE_PARAMS);
  return cmd(['create', vmidArg(vmid), ostemplate, ...args], secrets.length > 0 ? { secrets } : {});
}

export function pctSet(vmid: number, opts: PctSetOptions): HostCommand {
  const { args } = optionArgs(opts, SET_PARAMS);
  if (args.length === 0) throw new UsageError('pct set: no options specified');
  return cmd(['set', vmidArg(vmid), ...args]);
}

export function pctStart(vmid: number, opts: { skiplock?: boolean } = {}): HostCommand {
  const args = ['start', vmidArg(vmid)];
  flag(args, 'skiplock', opts.skiplock);
  return cmd(args);
}

/** Hard stop (lxc-stop --kill). */
export function pctStop(vmid: number, opts: { skiplock?: boolean; overruleShutdown?: boolean } = {}): HostCommand {
  const args = ['stop', vmidArg(vmid)];
  flag(args, 'skiplock', opts.skiplock);
  flag(args, 'overrule-shutdown', opts.overruleShutdown);
  return cmd(args);
}

/** Clean shutdown; `timeout` in seconds (PVE default 60). Our own timeout leaves room for PVE's. */
export function pctShutdown(vmid: number, opts: { timeout?: number; forceStop?: boolean } = {}): HostCommand {
  const args = ['shutdown', vmidArg(vmid)];
  flag(args, 'timeout', opts.timeout);
  flag(args, 'forceStop', opts.forceStop);
  return cmd(args, opts.timeout !== undefined ? { timeoutMs: (opts.timeout + 60) * 1000 } : {});
}

export function pctReboot(vmid: number, opts: { timeout?: number } = {}): HostCommand {
  const args = ['reboot', vmidArg(vmid)];
  flag(args, 'timeout', opts.timeout);
  return cmd(args);
}

export function pctDestroy(vmid: number, opts: { force?: boolean; purge?: boolean; destroyUnreferencedDisks?: boolean } = {}): HostCommand {
  const args = ['destroy', vmidArg(vmid)];
  flag(args, 'force', opts.force);
  flag(args, 'purge', opts.purge);
  flag(args, 'destroy-unreferenced-disks', opts.destroyUnreferencedDisks);
  return cmd(args);
}

export interface PctExecOptions {
  keepEnv?: boolean;
  timeoutMs?: number;
  /** Fed to the command's stdin (e.g. a script for `sh -s`, or file content for `tee`). */
  input?: string;
  /** Set for commands that only read inside the CT, so they still run under --dry-run. */
  readOnly?: boolean;
  /** Values in `command` or `input` that must never be shown. */
  secrets?: readonly string[];
}

/** `pct exec <vmid> [--keep-env 0|1] -- cmd...`; the `--` keeps the command's own dashes away from pct's option parser. */
export function pctExec(vmid: number, command: readonly string[], opts: PctExecOptions = {}): HostCommand {
  if (command.length === 0) throw new UsageError('pct exec: missing command');
  const args = ['exec', vmidArg(vmid)];
  flag(args, 'keep-env', opts.keepEnv);
  args.push('--', ...command);
  const extra: Partial<HostCommand> = {};
  if (opts.timeoutMs !== undefined) extra.timeoutMs = opts.timeoutMs;
  if (opts.input !== undefined) extra.input = opts.input;
  if (opts.readOnly) extra.readOnly = true;
  if (opts.secrets && opts.secrets.length > 0) extra.secrets = opts.secrets;
  return cmd(args, extra);
}

export interface PctFileOptions {
  /** Octal mode: a number (0o640) or a string ('0640', '640'). */
  perms?: number | string;
  user?: string | number;
  group?: string | number;
}

function permsArg(perms: number | string | undefined): string | undefined {
  if (perms === undefined) return undefined;
  if (typeof perms === 'number') {
    if (!Number.isInteger(perms) || perms < 0 || perms > 0o7777) throw new UsageError(`invalid file mode ${perms}`);
    return `0${perms.toString(8)}`;
  }
  return perms;
}

function fileArgs(args: string[], opts: PctFileOptions): string[] {
  flag(args, 'perms', permsArg(opts.perms));
  flag(args, 'user', opts.user);
  flag(args, 'group', opts.group);
  return args;
}

/** Copy a host file into a running CT. */
export function pctPush(vmid: number, file: string, destination: string, opts: PctFileOptions = {}): HostCommand {
  return cmd(fileArgs(['push', vmidArg(vmid), file, destination], opts));
}

/** Copy a file out of a running CT to the host (writes a host file, so not read-only). */
export function pctPull(vmid: number, path: string, destination: string, opts: PctFileOptions = {}): HostCommand {
  return cmd(fileArgs(['pull', vmidArg(vmid), path, destination], opts));
}

export function pctSnapshot(vmid: number, name: string, opts: { description?: string } = {}): HostCommand {
  const args = ['snapshot', vmidArg(vmid), snapshotNameArg(name)];
  flag(args, 'description', opts.description);
  return cmd(args);
}

export function pctDelSnapshot(vmid: number, name: string, opts: { force?: boolean } = {}): HostCommand {
  const args = ['delsnapshot', vmidArg(vmid), snapshotNameArg(name)];
  flag(args, 'force', opts.force);
  return cmd(args);
}

/** Rolls back (PVE stops a running CT first); `start` starts it again afterwards. */
export function pctRollback(vmid: number, name: string, opts: { start?: boolean } = {}): HostCommand {
  const args = ['rollback', vmidArg(vmid), snapshotNameArg(name)];
  flag(args, 'start', opts.start);
  return cmd(args);
}

export interface PctCloneOptions {
  full?: boolean;
  storage?: string;
  hostname?: string;
  description?: string;
  pool?: string;
  snapname?: string;
  target?: string;
  bwlimit?: number;
}

export function pctClone(vmid: number, newid: number, opts: PctCloneOptions = {}): HostCommand {
  const args = ['clone', vmidArg(vmid), vmidArg(newid)];
  flag(args, 'full', opts.full);
  flag(args, 'storage', opts.storage);
  flag(args, 'hostname', opts.hostname);
  flag(args, 'description', opts.description);
  flag(args, 'pool', opts.pool);
  flag(args, 'snapname', opts.snapname);
  flag(args, 'target', opts.target);
  flag(args, 'bwlimit', opts.bwlimit);
  return cmd(args);
}

/** `pct resize <vmid> <disk> <size>`: `disk` is rootfs or mpN; `+` grows by the amount (pve-cli.md §2.1). */
export function pctResize(vmid: number, disk: string, size: string): HostCommand {
  if (!/^(rootfs|mp\d+)$/.test(disk)) throw new UsageError(`invalid disk '${disk}': expected rootfs or mpN`);
  if (!/^\+?\d+(\.\d+)?[KMGT]?$/.test(size)) throw new UsageError(`invalid size '${size}': expected [+]<number>[K|M|G|T], e.g. +1G or 8G`);
  return cmd(['resize', vmidArg(vmid), disk, size]);
}

export function pctTemplate(vmid: number): HostCommand {
  return cmd(['template', vmidArg(vmid)]);
}

export function pctUnlock(vmid: number): HostCommand {
  return cmd(['unlock', vmidArg(vmid)]);
}
