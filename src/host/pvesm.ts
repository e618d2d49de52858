// pvesm: storage status, volume paths and content lists — argv builders and output parsers.
import type { HostCommand } from './command.js';
import { UnexpectedOutputError } from '../errors.js';

const PVESM = 'pvesm';

export function pvesmStatus(opts: { storage?: string; content?: readonly string[]; enabled?: boolean } = {}): HostCommand {
  const args = ['status'];
  if (opts.storage) args.push('--storage', opts.storage);
  if (opts.content && opts.content.length > 0) args.push('--content', opts.content.join(','));
  if (opts.enabled !== undefined) args.push('--enabled', opts.enabled ? '1' : '0');
  return { file: PVESM, args, readOnly: true };
}

export function pvesmPath(volid: string): HostCommand {
  return { file: PVESM, args: ['path', volid], readOnly: true };
}

export function pvesmList(storage: string, opts: { content?: string; vmid?: number } = {}): HostCommand {
  const args = ['list', storage];
  if (opts.content) args.push('--content', opts.content);
  if (opts.vmid !== undefined) args.push('--vmid', String(opts.vmid));
  return { file: PVESM, args, readOnly: true };
}

export type StorageState = 'active' | 'inactive' | 'disabled';

export interface PvesmStatusEntry {
  name: string;
  type: string;
  status: StorageState;
  /** KiB, truncated (0 for a disabled storage). */
  totalKiB: number;
  usedKiB: number;
  availableKiB: number;
  /** Undefined for a disabled storage (`N/A`). */
  usedPercent: number | undefined;
}

/**
 * Header then `%-<n>s %10s %10s %15d %15d %15d % 7.2f%%` rows (percent `N/A` when disabled). The
 * header's own labels contain spaces (`Total (KiB)`), so it is recognised and skipped, never split.
 */
export function parsePvesmStatus(stdout: string): PvesmStatusEntry[] {
  const out: PvesmStatusEntry[] = [];
  for (const line of stdout.split('\n')) {
    const f = line.trim().split(/\s+/).filter((x) => x !== '');
    if (f.length === 0) continue;
    if (f[0] === 'Name' && f[1] === 'Type' && f[2] === 'Status') continue;
    const [name, type, status, total, used, avail, pct] = f;
    const sizesOk = [total, used, avail].every((x) => x !== undefined && /^\d+$/.test(x));
    const pctOk = pct === 'N/A' || (pct !== undefined && /^\d+(\.\d+)?%$/.test(pct));
    if (f.length !== 7 || !sizesOk || !pctOk || !['active', 'inactive', 'disabled'].includes(status!)) {
      throw new UnexpectedOutputError('pvesm status', 'expected "Name Type Status Total Used Available %"', line);
    }
    out.push({
      name: name!,
      type: type!,
      status: status as StorageState,
      totalKiB: Number(total),
      usedKiB: Number(used),
      availableKiB: Number(avail),
      usedPercent: pct === 'N/A' ? undefined : Number(pct!.slice(0, -1)),
    });
  }
  return out;
}

/** `pvesm path` prints the absolute path and a newline. */
export function parsePvesmPath(stdout: string): string {
  const p = stdout.trim();
  if (!p.startsWith('/') || p.includes('\n')) throw new UnexpectedOutputError('pvesm path', 'expected one absolute path', stdout);
  return p;
}

export interface PvesmListEntry {
  volid: string;
  format: string;
  /** Content type: `vztmpl`, `rootdir`, `images`, `backup`, `iso`, `snippets`, ... */
  type: string;
  /** Bytes; undefined when PVE prints `-` or nothing. */
  sizeBytes: number | undefined;
  /** True when PVE printed `~N` (approximate). */
  sizeApproximate: boolean;
  /** Owner guest; only volumes owned by a guest carry it. */
  vmid?: number;
}

function parseSize(s: string): { sizeBytes: number | undefined; sizeApproximate: boolean } | undefined {
  if (s === '-') return { sizeBytes: undefined, sizeApproximate: false };
  const m = /^(~?)(\d+)$/.exec(s);
  return m ? { sizeBytes: Number(m[2]), sizeApproximate: m[1] === '~' } : undefined;
}

/**
 * Header `Volid Format Type Size VMID`, rows `%-<n>s %-7s %-9s %<d>s [%d]`. Split on whitespace; when
 * a row has 4 fields the header tells whether the 4th sits in the Size or the VMID column (older PVE
 * prints an empty size for some volumes).
 */
export function parsePvesmList(stdout: string): PvesmListEntry[] {
  const out: PvesmListEntry[] = [];
  let vmidCol: number | undefined;
  for (const line of stdout.split('\n')) {
    const f = line.trim().split(/\s+/).filter((x) => x !== '');
    if (f.length === 0) continue;
    if (f[0] === 'Volid' && f[1] === 'Format') {
      vmidCol = line.indexOf('VMID') >= 0 ? line.indexOf('VMID') : undefined;
      continue;
    }
    const bad = (): never => {
      throw new UnexpectedOutputError('pvesm list', 'expected "Volid Format Type Size [VMID]"', line);
    };
    if (f.length < 3 || f.length > 5) bad();
    const [volid, format, type] = f as [string, string, string];
    let sizeText: string | undefined;
    let vmidText: string | undefined;
    if (f.length === 5) [sizeText, vmidText] = [f[3], f[4]];
    else if (f.length === 4) {
      const lastAt = line.lastIndexOf(f[3]!);
      if (vmidCol !== undefined && lastAt >= vmidCol) vmidText = f[3];
      else sizeText = f[3];
    }
    const size = sizeText === undefined ? { sizeBytes: undefined, sizeApproximate: false } : parseSize(sizeText);
    if (!size || (vmidText !== undefined && !/^\d+$/.test(vmidText))) bad();
    const entry: PvesmListEntry = { volid, format, type, ...size! };
    if (vmidText !== undefined) entry.vmid = Number(vmidText);
    out.push(entry);
  }
  return out;
}
