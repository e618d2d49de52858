// `pct status <vmid>` and `pct status <vmid> --verbose` output → typed records.
import { UnexpectedOutputError } from '../../errors.js';
import { toRunState, type CtRunState } from './parse-list.js';

/** `status: running` → `running`. */
export function parsePctStatus(stdout: string): CtRunState {
  const m = /^status: (\S+)\s*$/m.exec(stdout);
  if (!m) throw new UnexpectedOutputError('pct status', "no 'status:' line", stdout);
  return toRunState(m[1]!);
}

export interface PctStatusVerbose {
  status: CtRunState;
  vmid: number;
  name: string;
  type: string;
  /** May be fractional when cpulimit is set. */
  cpus: number;
  /** Bytes. */
  disk: number;
  maxdisk: number;
  mem: number;
  maxmem: number;
  swap: number;
  maxswap: number;
  /** Seconds. */
  uptime: number;
  netin: number;
  netout: number;
  diskread: number;
  diskwrite: number;
  lock?: string;
  tags?: string;
  template?: boolean;
  pid?: number;
  /** pressure* values (PSI) when running, keyed as printed. */
  pressure: Record<string, number>;
  /** Every line as printed, including keys not modelled above. */
  raw: Record<string, string>;
}

const NUMERIC = ['vmid', 'cpus', 'disk', 'maxdisk', 'mem', 'maxmem', 'swap', 'maxswap', 'uptime', 'netin', 'netout', 'diskread', 'diskwrite'] as const;

function num(raw: Record<string, string>, key: string): number {
  const v = raw[key];
  if (v === undefined) return 0;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UnexpectedOutputError('pct status --verbose', `'${key}' is not a number`, v);
  return n;
}

/** One `key: value` line per key, sorted; absent optional keys stay undefined and absent counters read as 0. */
export function parsePctStatusVerbose(stdout: string): PctStatusVerbose {
  const raw: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^([\w.-]+): ?(.*?)\s*$/.exec(line);
    if (m) raw[m[1]!] = m[2]!;
  }
  if (raw.status === undefined) throw new UnexpectedOutputError('pct status --verbose', "no 'status:' line", stdout);
  const pressure: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k.startsWith('pressure') && Number.isFinite(Number(v))) pressure[k] = Number(v);
  }
  const n = Object.fromEntries(NUMERIC.map((k) => [k, num(raw, k)])) as Record<(typeof NUMERIC)[number], number>;
  const out: PctStatusVerbose = { status: toRunState(raw.status), name: raw.name ?? '', type: raw.type ?? 'lxc', ...n, pressure, raw };
  if (raw.lock !== undefined && raw.lock !== '') out.lock = raw.lock;
  if (raw.tags !== undefined && raw.tags !== '') out.tags = raw.tags;
  if (raw.template !== undefined) out.template = raw.template === '1';
  if (raw.pid !== undefined) out.pid = num(raw, 'pid');
  return out;
}
