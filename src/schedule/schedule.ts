// `schedule enable|disable|status`: install the backup timer units and a calendar drop-in, reload systemd, enable or disable the timer.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../context.js';
import { NotFoundError, UsageError } from '../errors.js';
import { parseCalendarCheck, parseShow, systemctlDaemonReload, systemctlDisableNow, systemctlEnableNow, systemctlShow, systemdAnalyzeCalendar } from '../host/systemd.js';
import { calendarOfDropIn, DEFAULT_CALENDAR, dropInDir, dropInFile, dropInText, serviceUnit, templateUnits, timerUnit } from './units.js';

export interface EnableResult {
  id: string;
  timer: string;
  calendar: string;
  normalized: string;
  next: string | undefined;
  files: string[];
}

/** `systemd-analyze calendar` decides what systemd accepts; its normalized form goes in the drop-in. */
export async function checkCalendar(ctx: Context, calendar: string): Promise<{ normalized: string; next: string | undefined }> {
  if (calendar.trim() === '' || /[\n\r]/.test(calendar)) throw new UsageError(`invalid --on '${calendar}': one OnCalendar expression on one line`);
  const r = await ctx.effects.run(systemdAnalyzeCalendar(calendar), { allowFailure: true });
  const parsed = r.exitCode === 0 ? parseCalendarCheck(r.stdout) : undefined;
  if (!parsed) throw new UsageError(`invalid --on '${calendar}': ${(r.stderr || r.stdout).trim().split('\n').at(-1) ?? 'not an OnCalendar expression'}`, 'e.g. daily, weekly, "Mon *-*-* 03:00", "*-*-* 02,14:30" (see systemd.time(7))');
  return parsed;
}

/** `checked` is checkCalendar's answer when the caller validated before starting the operation. */
export async function enableSchedule(ctx: Context, id: string, calendar: string = DEFAULT_CALENDAR, checked?: { normalized: string; next: string | undefined }): Promise<EnableResult> {
  checked ??= await checkCalendar(ctx, calendar);
  const files: string[] = [];
  for (const unit of await templateUnits()) {
    const file = path.join(ctx.paths.systemdDir, unit.name);
    await ctx.effects.writeFile(file, unit.text, { mode: 0o644 });
    files.push(file);
  }
  await ctx.effects.writeFile(dropInFile(ctx.paths, id), dropInText(id, calendar, checked.normalized), { mode: 0o644 });
  files.push(dropInFile(ctx.paths, id));
  await ctx.effects.run(systemctlDaemonReload());
  await ctx.effects.run(systemctlEnableNow(timerUnit(id)));
  return { id, timer: timerUnit(id), calendar, normalized: checked.normalized, next: checked.next, files };
}

/** Ids with a calendar drop-in. */
export async function scheduledIds(ctx: Context): Promise<string[]> {
  const names = await readdir(ctx.paths.systemdDir).catch(() => [] as string[]);
  return names.map((n) => /^pxdeploy-backup@(.+)\.timer\.d$/.exec(n)?.[1]).filter((n): n is string => n !== undefined).sort();
}

export async function disableSchedule(ctx: Context, id: string): Promise<{ id: string; timer: string; removed: string[] }> {
  const all = await scheduledIds(ctx);
  if (!all.includes(id)) throw new NotFoundError(`no backup schedule for ${id}`, 'see `pxdeploy schedule status`');
  const others = all.filter((i) => i !== id);
  await ctx.effects.run(systemctlDisableNow(timerUnit(id)), { allowFailure: true });
  const removed = [dropInDir(ctx.paths, id)];
  // The templates go with the last schedule that uses them.
  if (others.length === 0) for (const u of await templateUnits()) removed.push(path.join(ctx.paths.systemdDir, u.name));
  for (const p of removed) await ctx.effects.remove(p);
  await ctx.effects.run(systemctlDaemonReload());
  return { id, timer: timerUnit(id), removed };
}

export interface ScheduleStatus {
  id: string;
  calendar: string | undefined;
  active: string;
  next: string;
  last: string;
  result: string;
}

const shown = (v: string | undefined) => (v === undefined || v === '' || v === 'n/a' ? '-' : v);

export async function scheduleStatus(ctx: Context): Promise<ScheduleStatus[]> {
  const out: ScheduleStatus[] = [];
  for (const id of await scheduledIds(ctx)) {
    const calendar = calendarOfDropIn((await ctx.effects.readFile(dropInFile(ctx.paths, id))) ?? '');
    const timer = await ctx.effects.run(systemctlShow(timerUnit(id), ['ActiveState', 'NextElapseUSecRealtime', 'LastTriggerUSec']), { allowFailure: true });
    const service = await ctx.effects.run(systemctlShow(serviceUnit(id), ['Result', 'ExecMainStatus']), { allowFailure: true });
    if (timer.exitCode !== 0) {
      out.push({ id, calendar, active: 'unknown', next: '-', last: '-', result: `systemctl: ${(timer.stderr.trim().split('\n').at(-1) ?? '').slice(0, 80)}` });
      continue;
    }
    const t = parseShow(timer.stdout);
    const s = service.exitCode === 0 ? parseShow(service.stdout) : {};
    const result = s.Result === undefined ? '-' : s.Result === 'success' ? (t.LastTriggerUSec && t.LastTriggerUSec !== 'n/a' ? 'success' : '-') : `${s.Result} (exit ${s.ExecMainStatus ?? '?'})`;
    out.push({ id, calendar, active: shown(t.ActiveState), next: shown(t.NextElapseUSecRealtime), last: shown(t.LastTriggerUSec), result });
  }
  return out;
}
