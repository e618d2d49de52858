// pveam: template index and template files on a storage — argv builders and output parsers.
import type { HostCommand } from './command.js';
import { UnexpectedOutputError } from '../errors.js';

const PVEAM = 'pveam';

export type PveamSection = 'system' | 'mail' | 'turnkeylinux';

/** Refresh the template index (network; exits 0 even when it fails, which runPve detects). */
export function pveamUpdate(): HostCommand {
  return { file: PVEAM, args: ['update'], timeoutMs: 5 * 60 * 1000 };
}

export function pveamAvailable(opts: { section?: PveamSection } = {}): HostCommand {
  const args = ['available'];
  if (opts.section) args.push('--section', opts.section);
  return { file: PVEAM, args, readOnly: true };
}

export function pveamList(storage: string): HostCommand {
  return { file: PVEAM, args: ['list', storage], readOnly: true };
}

/** Templates are a few hundred MB; give the download more than the default 10 minutes. */
export function pveamDownload(storage: string, template: string, opts: { timeoutMs?: number } = {}): HostCommand {
  return { file: PVEAM, args: ['download', storage, template], timeoutMs: opts.timeoutMs ?? 30 * 60 * 1000 };
}

export function pveamRemove(volid: string): HostCommand {
  return { file: PVEAM, args: ['remove', volid] };
}

export interface PveamAvailableEntry {
  section: string;
  template: string;
  /** Only printed by pve-manager ≥ 9.2 (third column). */
  architecture?: string;
}

/** `%-15s %s` (PVE 9.1) or `%-15s %-60s %s` (newer, with architecture): the template is always column 2. */
export function parsePveamAvailable(stdout: string): PveamAvailableEntry[] {
  const out: PveamAvailableEntry[] = [];
  for (const line of stdout.split('\n')) {
    const f = line.trim().split(/\s+/).filter((x) => x !== '');
    if (f.length === 0) continue;
    if (f.length < 2 || f.length > 3) throw new UnexpectedOutputError('pveam available', 'expected "section template [architecture]"', line);
    const entry: PveamAvailableEntry = { section: f[0]!, template: f[1]! };
    if (f[2] !== undefined) entry.architecture = f[2];
    out.push(entry);
  }
  return out;
}

export interface PveamListEntry {
  /** `local:vztmpl/debian-12-standard_12.12-1_amd64.tar.zst` */
  volid: string;
  storage: string;
  /** File name after `vztmpl/`. */
  name: string;
  /** As printed (`%.2f` MiB), so only approximate. */
  sizeMiB: number;
}

/** Header `NAME SIZE`, then `%-60s %-4.2fMB` per template. */
export function parsePveamList(stdout: string): PveamListEntry[] {
  const out: PveamListEntry[] = [];
  for (const line of stdout.split('\n')) {
    const f = line.trim().split(/\s+/).filter((x) => x !== '');
    if (f.length === 0) continue;
    if (f[0] === 'NAME' && f[1] === 'SIZE') continue;
    const size = f.length === 2 ? /^(\d+(?:\.\d+)?)MB$/.exec(f[1]!) : null;
    const vol = /^([^:]+):(?:vztmpl\/)?(.+)$/.exec(f[0]!);
    if (!size || !vol) throw new UnexpectedOutputError('pveam list', 'expected "<volid> <size>MB"', line);
    out.push({ volid: f[0]!, storage: vol[1]!, name: vol[2]!, sizeMiB: Number(size[1]) });
  }
  return out;
}
