// Which backups to keep: PVE's prune-backups rules (keep-last … keep-yearly) applied in vzdump's order; pure.

export const KEEP_RULES = ['keep-last', 'keep-hourly', 'keep-daily', 'keep-weekly', 'keep-monthly', 'keep-yearly'] as const;
export type KeepRule = (typeof KEEP_RULES)[number];
export type PruneOptions = Partial<Record<KeepRule, number>> & { 'keep-all'?: boolean };

export interface BackupRef {
  id: string;
  /** Creation time, unix seconds. */
  ctime: number;
  /** The backup the `latest` symlink points to. */
  latest?: boolean;
}

export interface PruneDecision {
  id: string;
  ctime: number;
  action: 'keep' | 'remove';
  /** The rule that kept it ('keep-daily', …), 'keep-all', 'protected', 'latest', or why it goes. */
  reason: string;
}

export interface PruneSettings {
  /** Calendar buckets in local time like PVE (localtime), or UTC for reproducible results. */
  timeZone?: 'local' | 'utc';
}

type Parts = { year: number; month: number; day: number; hour: number; date: Date };

function partsOf(ctime: number, tz: 'local' | 'utc'): Parts {
  const d = new Date(ctime * 1000);
  return tz === 'utc'
    ? { year: d.getUTCFullYear(), month: d.getUTCMonth(), day: d.getUTCDate(), hour: d.getUTCHours(), date: d }
    : { year: d.getFullYear(), month: d.getMonth(), day: d.getDate(), hour: d.getHours(), date: d };
}

/** ISO 8601 week and week-year (strftime %V/%G), as PVE's keep-weekly uses. */
export function isoWeek(year: number, month: number, day: number): { week: number; weekYear: number } {
  const d = new Date(Date.UTC(year, month, day));
  const weekday = (d.getUTCDay() + 6) % 7; // Monday = 0
  d.setUTCDate(d.getUTCDate() - weekday + 3); // the Thursday of this week decides the year
  const weekYear = d.getUTCFullYear();
  const dayOfYear = Math.round((d.getTime() - Date.UTC(weekYear, 0, 1)) / 86_400_000);
  const week = Math.floor(dayOfYear / 7) + 1;
  return { week, weekYear };
}

const BUCKET: Record<KeepRule, (p: Parts, ctime: number) => string> = {
  'keep-last': (_p, ctime) => String(ctime),
  'keep-hourly': (p) => `${p.hour}/${p.day}/${p.month}/${p.year}`,
  'keep-daily': (p) => `${p.day}/${p.month}/${p.year}`,
  'keep-weekly': (p) => {
    const { week, weekYear } = isoWeek(p.year, p.month, p.day);
    return `${week}/${weekYear}`;
  },
  'keep-monthly': (p) => `${p.month}/${p.year}`,
  'keep-yearly': (p) => `${p.year}`,
};

/**
 * PVE::Storage::prune_mark_backup_group: newest first, each rule in turn keeps the newest backup
 * of each of its next N buckets (hour, day, ISO week, …) not yet covered by a backup an earlier
 * rule kept; the rest go. As with PVE's protected backups, ids in `protectedIds` (a rollback
 * needs them) are kept and not counted by any rule. The backup `latest` points to is never
 * removed either; it is normally the newest and kept by the rules anyway.
 * No positive rule (or keep-all) keeps everything.
 */
export function selectForPruning(backups: readonly BackupRef[], opts: PruneOptions, protectedIds: Iterable<string> = [], settings: PruneSettings = {}): PruneDecision[] {
  const tz = settings.timeZone ?? 'local';
  const protectedSet = new Set(protectedIds);
  const sorted = [...backups].sort((a, b) => b.ctime - a.ctime);
  const marks = new Map<string, { action: 'keep' | 'remove'; reason: string }>();
  for (const b of sorted) if (protectedSet.has(b.id)) marks.set(b.id, { action: 'keep', reason: 'protected' });

  const positive = KEEP_RULES.filter((r) => (opts[r] ?? 0) > 0);
  if (opts['keep-all'] || positive.length === 0) {
    return sorted.map((b) => ({ id: b.id, ctime: b.ctime, ...(marks.get(b.id) ?? { action: 'keep' as const, reason: 'keep-all' }) }));
  }

  for (const rule of KEEP_RULES) {
    const count = opts[rule] ?? 0;
    if (count <= 0) continue;
    const bucketOf = (b: BackupRef): string => BUCKET[rule](partsOf(b.ctime, tz), b.ctime);
    const alreadyIncluded = new Set<string>();
    for (const b of sorted) if (marks.get(b.id)?.action === 'keep' && marks.get(b.id)?.reason !== 'protected') alreadyIncluded.add(bucketOf(b));
    const newlyIncluded = new Set<string>();
    for (const b of sorted) {
      const bucket = bucketOf(b);
      if (marks.has(b.id) || alreadyIncluded.has(bucket)) continue;
      if (!newlyIncluded.has(bucket)) {
        if (newlyIncluded.size >= count) break;
        newlyIncluded.add(bucket);
        marks.set(b.id, { action: 'keep', reason: rule });
      } else {
        marks.set(b.id, { action: 'remove', reason: `${rule}: a newer backup covers the same period` });
      }
    }
  }

  return sorted.map((b) => {
    const mark = marks.get(b.id) ?? { action: 'remove' as const, reason: 'not selected by any keep rule' };
    if (mark.action === 'remove' && b.latest) return { id: b.id, ctime: b.ctime, action: 'keep', reason: 'latest' };
    return { id: b.id, ctime: b.ctime, ...mark };
  });
}
