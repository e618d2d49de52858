// `pxdeploy schedule enable|disable|status`: scheduled backups on systemd timers (pxdeploy-backup@<id>.timer).
import type { Command } from 'commander';
import { emit, type CliIo } from './io.js';
import { makeContext, runOperation } from './context.js';
import { renderTable } from './table.js';

export function registerSchedule(program: Command, io: CliIo): void {
  const schedule = program
    .command('schedule')
    .description('scheduled backups on systemd timers: enable, disable, status')
    .addHelpText(
      'after',
      `
Examples:
  $ sudo pxdeploy schedule enable demo                      daily (with up to 15 min random delay)
  $ sudo pxdeploy schedule enable demo --on "Mon *-*-* 03:00"
  $ sudo pxdeploy schedule enable demo --dry-run            the exact files and systemctl commands
  $ pxdeploy schedule status
  $ sudo pxdeploy schedule disable demo`,
    );

  schedule
    .command('enable')
    .description('install pxdeploy-backup@.service/.timer and a drop-in with the calendar, daemon-reload, enable --now the timer')
    .argument('<id>', 'the instance or app to back up on a schedule')
    .option('--on <calendar>', 'a systemd OnCalendar expression, checked with systemd-analyze calendar', 'daily')
    .action(async (id: string, opts: { on: string }) => {
      const { makePaths } = await import('../state/paths.js');
      const { resolveBackupSource } = await import('../backup/ops/locate.js');
      await resolveBackupSource(makePaths(), id);
      const { checkCalendar, enableSchedule } = await import('../schedule/schedule.js');
      // Input is validated before the operation (and its log) starts.
      const checked = await checkCalendar(await makeContext(io), opts.on);
      await runOperation(io, { resource: id, operation: 'schedule-enable' }, (ctx) => enableSchedule(ctx, id, opts.on, checked), (r) =>
        [`backups of ${r.id} scheduled: ${r.calendar} (${r.normalized}); next ${r.next ?? 'never'} plus up to 15 min`, ...r.files.map((f) => `  wrote ${f}`), `  enabled ${r.timer}`].join('\n'),
      );
    });

  schedule
    .command('disable')
    .description('disable --now the timer and remove its drop-in (and the template units with the last schedule)')
    .argument('<id>', 'the app whose schedule to remove')
    .action(async (id: string) => {
      const { makePaths } = await import('../state/paths.js');
      makePaths().backupsOf(id);
      const { disableSchedule } = await import('../schedule/schedule.js');
      await runOperation(io, { resource: id, operation: 'schedule-disable' }, (ctx) => disableSchedule(ctx, id), (r) => [`disabled ${r.timer}`, ...r.removed.map((f) => `  removed ${f}`)].join('\n'));
    });

  schedule
    .command('status')
    .description('the backup timers: calendar, next run, last run and its result')
    .action(async () => {
      const ctx = await makeContext(io);
      const { scheduleStatus } = await import('../schedule/schedule.js');
      const timers = await scheduleStatus(ctx);
      emit(io, { timers }, () =>
        timers.length === 0 ? 'no backup schedules' : renderTable(['ID', 'CALENDAR', 'ACTIVE', 'NEXT', 'LAST', 'RESULT'], timers.map((t) => [t.id, t.calendar ?? '-', t.active, t.next, t.last, t.result])),
      );
    });
}
