// Retention: PVE's prune-backups marking (vzdump order), checked against the documented behaviour and examples.
import { describe, expect, it } from 'vitest';
import { isoWeek, selectForPruning, type BackupRef } from '../../../src/backup/retention.js';

const at = (iso: string): number => Date.parse(iso) / 1000;
const day = (iso: string): BackupRef => ({ id: iso.slice(0, 10), ctime: at(iso) });
function dailyBackups(from: string, to: string): BackupRef[] {
  const out: BackupRef[] = [];
  for (let t = at(`${from}T12:00:00Z`); t <= at(`${to}T12:00:00Z`); t += 86_400) out.push(day(new Date(t * 1000).toISOString()));
  return out;
}
const kept = (d: ReturnType<typeof selectForPruning>): string[] => d.filter((x) => x.action === 'keep').map((x) => x.id);

describe('selectForPruning', () => {
  it('keep-weekly only considers backups older than those keep-daily kept (each option covers its period once)', () => {
    const decisions = selectForPruning(dailyBackups('2024-06-11', '2024-06-30'), { 'keep-daily': 7, 'keep-weekly': 2 }, [], { timeZone: 'utc' });
    expect(kept(decisions)).toEqual(['2024-06-30', '2024-06-29', '2024-06-28', '2024-06-27', '2024-06-26', '2024-06-25', '2024-06-24', '2024-06-23', '2024-06-16']);
    expect(decisions.find((d) => d.id === '2024-06-23')?.reason).toBe('keep-weekly');
    expect(decisions.find((d) => d.id === '2024-06-30')?.reason).toBe('keep-daily');
    expect(decisions.find((d) => d.id === '2024-06-22')).toMatchObject({ action: 'remove', reason: 'keep-weekly: a newer backup covers the same period' });
    expect(decisions.find((d) => d.id === '2024-06-11')).toMatchObject({ action: 'remove', reason: 'keep-weekly: a newer backup covers the same period' });
  });

  it("PVE's documented daily-backup example (keep-last=3, daily=13, weekly=8, monthly=11, yearly=9) over three years", () => {
    const decisions = selectForPruning(dailyBackups('2022-01-01', '2024-12-31'), { 'keep-last': 3, 'keep-daily': 13, 'keep-weekly': 8, 'keep-monthly': 11, 'keep-yearly': 9 }, [], { timeZone: 'utc' });
    const keep = kept(decisions);
    expect(keep).toHaveLength(3 + 13 + 8 + 11 + 1);
    expect(keep.slice(0, 16)).toEqual(dailyBackups('2024-12-16', '2024-12-31').map((b) => b.id).reverse());
    // weekly: the Sundays of the 8 ISO weeks before the one holding Dec 16
    expect(keep.slice(16, 24)).toEqual(['2024-12-15', '2024-12-08', '2024-12-01', '2024-11-24', '2024-11-17', '2024-11-10', '2024-11-03', '2024-10-27']);
    // monthly: months not yet covered (Sep 2024 back to Nov 2023), the last day of each
    expect(keep.slice(24, 35)).toEqual(['2024-09-30', '2024-08-31', '2024-07-31', '2024-06-30', '2024-05-31', '2024-04-30', '2024-03-31', '2024-02-29', '2024-01-31', '2023-12-31', '2023-11-30']);
    // yearly: 2024 and 2023 are covered, so only 2022 is added, by its last backup
    expect(keep.at(-1)).toBe('2022-12-31');
    expect(decisions.find((d) => d.id === '2024-12-31')?.reason).toBe('keep-last');
  });

  it('keep-hourly counts only hours that have backups', () => {
    const backups = ['2024-03-01T01:00:00Z', '2024-03-01T02:00:00Z', '2024-03-01T02:30:00Z', '2024-03-01T12:00:00Z'].map((iso) => ({ id: iso, ctime: at(iso) }));
    const decisions = selectForPruning(backups, { 'keep-hourly': 4 }, [], { timeZone: 'utc' });
    expect(kept(decisions)).toEqual(['2024-03-01T12:00:00Z', '2024-03-01T02:30:00Z', '2024-03-01T01:00:00Z']);
  });

  it('keeps protected backups without counting them, like PVE protected backups', () => {
    const backups = dailyBackups('2024-01-01', '2024-01-10');
    const decisions = selectForPruning(backups, { 'keep-last': 2 }, ['2024-01-03'], { timeZone: 'utc' });
    expect(kept(decisions)).toEqual(['2024-01-10', '2024-01-09', '2024-01-03']);
    expect(decisions.find((d) => d.id === '2024-01-03')?.reason).toBe('protected');
  });

  it('never removes the backup latest points to', () => {
    const backups = dailyBackups('2024-01-01', '2024-01-05').map((b) => (b.id === '2024-01-02' ? { ...b, latest: true } : b));
    const decisions = selectForPruning(backups, { 'keep-last': 1 }, [], { timeZone: 'utc' });
    expect(kept(decisions)).toEqual(['2024-01-05', '2024-01-02']);
    expect(decisions.find((d) => d.id === '2024-01-02')?.reason).toBe('latest');
  });

  it('keeps everything with keep-all or without any positive option', () => {
    const backups = dailyBackups('2024-01-01', '2024-01-03');
    expect(selectForPruning(backups, {}).every((d) => d.action === 'keep' && d.reason === 'keep-all')).toBe(true);
    expect(selectForPruning(backups, { 'keep-all': true, 'keep-last': 1 }).every((d) => d.action === 'keep')).toBe(true);
    expect(selectForPruning(backups, { 'keep-last': 0 }).every((d) => d.action === 'keep')).toBe(true);
  });

  it('uses ISO weeks (%V/%G) at year ends', () => {
    expect(isoWeek(2020, 11, 31)).toEqual({ week: 53, weekYear: 2020 });
    expect(isoWeek(2021, 0, 3)).toEqual({ week: 53, weekYear: 2020 });
    expect(isoWeek(2024, 11, 30)).toEqual({ week: 1, weekYear: 2025 });
    expect(isoWeek(2024, 5, 16)).toEqual({ week: 24, weekYear: 2024 });
  });
});
