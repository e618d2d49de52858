// Schedule: calendar check and systemctl show parsing on recorded output; enable/disable plan exactly the unit files, drop-in and systemctl commands.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordingRunner } from '../../../src/host/recording-runner.js';
import { parseCalendarCheck, parseShow } from '../../../src/host/systemd.js';
import { calendarOfDropIn, dropInText, UNITS_SOURCE_DIR } from '../../../src/schedule/units.js';
import { disableSchedule, enableSchedule, scheduleStatus } from '../../../src/schedule/schedule.js';
import { testContext } from '../../helpers/context.js';

const fixture = (f: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', f), 'utf8');
const calendarOk = { file: 'systemd-analyze', args: ['calendar', 'Mon *-*-* 03:00'], result: { stdout: fixture('analyze-calendar-mon-0300.txt') } };

describe('systemd output parsers', () => {
  it('reads the normalized form and next elapse of systemd-analyze calendar; "never" is no next run', () => {
    expect(parseCalendarCheck(fixture('analyze-calendar-mon-0300.txt'))).toEqual({ normalized: 'Mon *-*-* 03:00:00', next: 'Mon 2026-12-07 03:00:00 UTC' });
    expect(parseCalendarCheck(fixture('analyze-calendar-past.txt'))).toEqual({ normalized: '2020-01-01 00:00:00', next: undefined });
    expect(parseCalendarCheck("Failed to parse calendar specification 'x': Invalid argument\n")).toBeUndefined();
  });

  it('reads systemctl show Key=Value lines', () => {
    expect(parseShow(fixture('systemctl-show-timer.txt'))).toEqual({ NextElapseUSecRealtime: 'Thu 2026-12-03 00:00:00 UTC', LastTriggerUSec: 'Wed 2026-12-02 07:58:17 UTC', ActiveState: 'active' });
  });

  it('the drop-in clears the template calendar before setting its own, and reads back', () => {
    const text = dropInText('demo', 'Mon 03:00', 'Mon *-*-* 03:00:00');
    expect(text).toContain('[Timer]\nOnCalendar=\nOnCalendar=Mon *-*-* 03:00:00\n');
    expect(calendarOfDropIn(text)).toBe('Mon *-*-* 03:00:00');
  });
});

describe('schedule enable / disable / status', () => {
  it('--dry-run plans the two templates, the drop-in, daemon-reload and enable --now, and writes nothing', async () => {
    const runner = new RecordingRunner([calendarOk]);
    const { ctx, printed, root } = testContext(runner, { dryRun: true });
    const r = await enableSchedule(ctx, 'demo', 'Mon *-*-* 03:00');
    const dir = path.join(root, 'etc/systemd/system');
    expect(printed.map((l) => l.replace(/ \(\d+ bytes, mode 0644\)$/, ''))).toEqual([
      `[dry-run] write ${dir}/pxdeploy-backup@.service`,
      `[dry-run] write ${dir}/pxdeploy-backup@.timer`,
      `[dry-run] write ${dir}/pxdeploy-backup@demo.timer.d/schedule.conf`,
      '[dry-run] run systemctl daemon-reload',
      '[dry-run] run systemctl enable --now pxdeploy-backup@demo.timer',
    ]);
    expect(r).toMatchObject({ normalized: 'Mon *-*-* 03:00:00', next: 'Mon 2026-12-07 03:00:00 UTC' });
    expect(existsSync(dir)).toBe(false);
  });

  it('the real run writes the shipped unit files unchanged and runs exactly the planned systemctl commands', async () => {
    const runner = new RecordingRunner([calendarOk, { file: 'systemctl', args: ['daemon-reload'] }, { file: 'systemctl', args: ['enable', '--now', 'pxdeploy-backup@demo.timer'] }]);
    const { ctx, root } = testContext(runner);
    await enableSchedule(ctx, 'demo', 'Mon *-*-* 03:00');
    const dir = path.join(root, 'etc/systemd/system');
    for (const f of ['pxdeploy-backup@.service', 'pxdeploy-backup@.timer']) expect(readFileSync(path.join(dir, f), 'utf8')).toBe(readFileSync(path.join(UNITS_SOURCE_DIR, f), 'utf8'));
    expect(calendarOfDropIn(readFileSync(path.join(dir, 'pxdeploy-backup@demo.timer.d/schedule.conf'), 'utf8'))).toBe('Mon *-*-* 03:00:00');
    expect(runner.calls.map((c) => [c.file, ...c.args].join(' '))).toEqual(['systemd-analyze calendar Mon *-*-* 03:00', 'systemctl daemon-reload', 'systemctl enable --now pxdeploy-backup@demo.timer']);
  });

  it('refuses a calendar systemd-analyze rejects, before any write', async () => {
    const runner = new RecordingRunner([{ file: 'systemd-analyze', args: ['calendar', 'soonish'], result: { exitCode: 1, stderr: "Failed to parse calendar specification 'soonish': Invalid argument\n" } }]);
    const { ctx, root } = testContext(runner);
    await expect(enableSchedule(ctx, 'demo', 'soonish')).rejects.toThrow(/invalid --on 'soonish': Failed to parse calendar specification/);
    expect(existsSync(path.join(root, 'etc'))).toBe(false);
  });

  it('disable keeps the templates while another id is scheduled, and removes them with the last one', async () => {
    const runner = new RecordingRunner([
      { file: 'systemctl', args: ['disable', '--now', 'pxdeploy-backup@a.timer'] }, { file: 'systemctl', args: ['daemon-reload'] },
      { file: 'systemctl', args: ['disable', '--now', 'pxdeploy-backup@b.timer'] }, { file: 'systemctl', args: ['daemon-reload'] },
    ]);
    const { ctx, root } = testContext(runner);
    const dir = path.join(root, 'etc/systemd/system');
    for (const id of ['a', 'b']) {
      mkdirSync(path.join(dir, `pxdeploy-backup@${id}.timer.d`), { recursive: true });
      writeFileSync(path.join(dir, `pxdeploy-backup@${id}.timer.d/schedule.conf`), dropInText(id, 'daily', '*-*-* 00:00:00'));
    }
    for (const f of ['pxdeploy-backup@.service', 'pxdeploy-backup@.timer']) writeFileSync(path.join(dir, f), 'x');
    expect((await disableSchedule(ctx, 'a')).removed).toEqual([path.join(dir, 'pxdeploy-backup@a.timer.d')]);
    expect(existsSync(path.join(dir, 'pxdeploy-backup@.service'))).toBe(true);
    expect((await disableSchedule(ctx, 'b')).removed).toEqual([path.join(dir, 'pxdeploy-backup@b.timer.d'), path.join(dir, 'pxdeploy-backup@.service'), path.join(dir, 'pxdeploy-backup@.timer')]);
    expect(existsSync(path.join(dir, 'pxdeploy-backup@.service'))).toBe(false);
    await expect(disableSchedule(ctx, 'b')).rejects.toThrow(/no backup schedule for b/);
  });

  it('status reads the calendar from the drop-in and the timer state from systemctl show; no systemd is reported, not fatal', async () => {
    const runner = new RecordingRunner([
      { file: 'systemctl', args: ['show', 'pxdeploy-backup@demo.timer', '--property=ActiveState,NextElapseUSecRealtime,LastTriggerUSec'], result: { stdout: fixture('systemctl-show-timer.txt') } },
      { file: 'systemctl', args: ['show', 'pxdeploy-backup@demo.service', '--property=Result,ExecMainStatus'], result: { stdout: 'Result=exit-code\nExecMainStatus=1\n' } },
      { file: 'systemctl', args: ['show', 'pxdeploy-backup@demo.timer', '--property=ActiveState,NextElapseUSecRealtime,LastTriggerUSec'], result: { exitCode: 1, stderr: 'System has not been booted with systemd as init system (PID 1). Can\'t operate.\n' } },
      { file: 'systemctl', args: ['show', 'pxdeploy-backup@demo.service', '--property=Result,ExecMainStatus'], result: { exitCode: 1 } },
    ]);
    const { ctx, root } = testContext(runner);
    const d = path.join(root, 'etc/systemd/system/pxdeploy-backup@demo.timer.d');
    mkdirSync(d, { recursive: true });
    writeFileSync(path.join(d, 'schedule.conf'), dropInText('demo', 'daily', '*-*-* 00:00:00'));
    expect(await scheduleStatus(ctx)).toEqual([{ id: 'demo', calendar: '*-*-* 00:00:00', active: 'active', next: 'Thu 2026-12-03 00:00:00 UTC', last: 'Wed 2026-12-02 07:58:17 UTC', result: 'exit-code (exit 1)' }]);
    expect((await scheduleStatus(ctx))[0]).toMatchObject({ active: 'unknown', result: expect.stringMatching(/^systemctl: System has not been booted with systemd/) });
  });
});
