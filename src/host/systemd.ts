// systemd tools as data: systemd-analyze calendar (validate, next run), systemctl daemon-reload / enable / disable / show; output parsers.
import type { HostCommand } from './command.js';

export function systemdAnalyzeCalendar(spec: string): HostCommand {
  return { file: 'systemd-analyze', args: ['calendar', spec], readOnly: true, timeoutMs: 30_000 };
}

export interface CalendarCheck {
  normalized: string;
  /** "Thu 2026-12-03 00:00:00 UTC", or undefined when it never elapses again. */
  next: string | undefined;
}

/** `systemd-analyze calendar` output: "Normalized form: …" and "Next elapse: …" lines. */
export function parseCalendarCheck(stdout: string): CalendarCheck | undefined {
  const field = (name: string) => new RegExp(`^\\s*${name}:\\s*(.+)$`, 'm').exec(stdout)?.[1]?.trim();
  const normalized = field('Normalized form');
  if (!normalized) return undefined;
  const next = field('Next elapse');
  return { normalized, next: next === undefined || next === 'never' ? undefined : next };
}

export function systemctlDaemonReload(): HostCommand {
  return { file: 'systemctl', args: ['daemon-reload'] };
}

export function systemctlEnableNow(unit: string): HostCommand {
  return { file: 'systemctl', args: ['enable', '--now', unit] };
}

export function systemctlDisableNow(unit: string): HostCommand {
  return { file: 'systemctl', args: ['disable', '--now', unit] };
}

export function systemctlShow(unit: string, properties: readonly string[]): HostCommand {
  return { file: 'systemctl', args: ['show', unit, `--property=${properties.join(',')}`], readOnly: true, timeoutMs: 30_000 };
}

/** `Key=Value` lines of `systemctl show`. */
export function parseShow(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}
