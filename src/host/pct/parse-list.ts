// `pct list` output → entries; an empty output (no containers, no header) is an empty list.
import { UnexpectedOutputError } from '../../errors.js';

export type CtRunState = 'running' | 'stopped' | 'unknown';

export interface PctListEntry {
  vmid: number;
  status: CtRunState;
  /** PVE lock (`backup`, `create`, `snapshot`, ...) or undefined. */
  lock?: string;
  name: string;
}

export function toRunState(s: string): CtRunState {
  return s === 'running' || s === 'stopped' ? s : 'unknown';
}

/**
 * Rows are `%-10s %-10s %-12s %-20s`, but a lock longer than 12 chars (`snapshot-delete`) pushes the
 * name right, so split on whitespace instead of slicing columns. Names never contain whitespace
 * (PVE strips it) and locks are single words, so 3 fields mean "no lock" and 4 mean "lock, name".
 */
export function parsePctList(stdout: string): PctListEntry[] {
  const out: PctListEntry[] = [];
  for (const line of stdout.split('\n')) {
    const fields = line.trim().split(/\s+/).filter((f) => f !== '');
    if (fields.length === 0) continue;
    if (fields[0] === 'VMID' && fields[1] === 'Status') continue;
    if (fields.length < 3 || fields.length > 4 || !/^\d+$/.test(fields[0]!)) {
      throw new UnexpectedOutputError('pct list', 'a row does not read as VMID Status [Lock] Name', line);
    }
    const [vmid, status, a, b] = fields as [string, string, string, string | undefined];
    out.push(b === undefined ? { vmid: Number(vmid), status: toRunState(status), name: a } : { vmid: Number(vmid), status: toRunState(status), lock: a, name: b });
  }
  return out;
}
