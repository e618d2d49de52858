// The backup timer's files: the two template units shipped in systemd/, and the per-id drop-in holding its calendar.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Paths } from '../state/paths.js';

export const SERVICE_TEMPLATE = 'pxdeploy-backup@.service';
export const TIMER_TEMPLATE = 'pxdeploy-backup@.timer';
export const DROP_IN_NAME = 'schedule.conf';
export const DEFAULT_CALENDAR = 'daily';

/** systemd/ at the package root (dist/schedule/ and src/schedule/ are both two levels down). */
export const UNITS_SOURCE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../systemd');

export function timerUnit(id: string): string {
  return `pxdeploy-backup@${id}.timer`;
}

export function serviceUnit(id: string): string {
  return `pxdeploy-backup@${id}.service`;
}

export function dropInDir(paths: Paths, id: string): string {
  return path.join(paths.systemdDir, `${timerUnit(id)}.d`);
}

export function dropInFile(paths: Paths, id: string): string {
  return path.join(dropInDir(paths, id), DROP_IN_NAME);
}

/** The empty OnCalendar= first clears the template's default, as systemd requires for list settings. */
export function dropInText(id: string, calendar: string, normalized: string): string {
  return `# Written by \`pxdeploy schedule enable ${id}\`; removed by \`pxdeploy schedule disable ${id}\`.\n# ${calendar} = ${normalized}\n[Timer]\nOnCalendar=\nOnCalendar=${normalized}\n`;
}

/** The calendar a drop-in sets, or undefined. */
export function calendarOfDropIn(text: string): string | undefined {
  const values = [...text.matchAll(/^OnCalendar=(.*)$/gm)].map((m) => m[1]!.trim()).filter(Boolean);
  return values.at(-1);
}

export async function templateUnits(): Promise<Array<{ name: string; text: string }>> {
  return Promise.all([SERVICE_TEMPLATE, TIMER_TEMPLATE].map(async (name) => ({ name, text: await readFile(path.join(UNITS_SOURCE_DIR, name), 'utf8') })));
}
