// pxdeploy(1) in roff, rendered from the command tree and its help texts, so the man page lists exactly the commands and options the binary has.
import type { Command, Option } from 'commander';
import { EXIT_CODE_MEANINGS } from '../errors.js';

/** roff-safe text: backslashes and dashes escaped, other than ASCII as \[uXXXX], a leading dot or quote escaped so a line is never read as a request. */
function esc(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/[^\x00-\x7f]/gu, (c) => `\\[u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`)
    .split('\n')
    .map((l) => (/^[.']/.test(l) ? `\\&${l}` : l))
    .join('\n');
}

const usageOf = (cmd: Command, path: string): string => `${path} ${cmd.usage()}`.trim();

function optionLines(options: readonly Option[]): string[] {
  return options.flatMap((o) => [
    '.TP',
    `.B ${esc(o.flags)}`,
    esc(`${o.description}${o.defaultValue !== undefined && typeof o.defaultValue !== 'boolean' ? ` (default: ${String(o.defaultValue)})` : ''}${o.argChoices ? ` (one of: ${o.argChoices.join(', ')})` : ''}`),
  ]);
}

/** The "Examples:" block a command adds after its help (the text commander prints), if any. */
function examplesOf(cmd: Command): string[] {
  let text = '';
  const probe = { writeOut: (s: string) => void (text += s), writeErr: () => undefined };
  const saved = cmd.configureOutput();
  cmd.configureOutput({ ...saved, ...probe });
  try {
    cmd.outputHelp();
  } finally {
    cmd.configureOutput(saved);
  }
  const at = text.indexOf('Examples:');
  if (at < 0) return [];
  return text
    .slice(at + 'Examples:'.length)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('$ '));
}

function commandSection(cmd: Command, path: string): string[] {
  const name = `${path} ${cmd.name()}`.trim();
  const examples = examplesOf(cmd).map(esc);
  const example = examples.length > 0 ? ['.RS', '.nf', ...examples, '.fi', '.RE'] : [];
  const opts = cmd.options.filter((o) => !o.hidden);
  const own = ['.TP', `.B ${esc(usageOf(cmd, name))}`, esc(cmd.description()), ...(opts.length > 0 ? ['.RS', ...optionLines(opts), '.RE'] : []), ...example];
  // A group gets a heading with its examples; a group that also runs on its own (`backup <id>`) gets its usage too.
  if (cmd.commands.length === 0) return own;
  return [
    '.SS',
    esc(name),
    ...(cmd.registeredArguments.length > 0 ? own : [esc(cmd.description()), ...example]),
    ...cmd.commands.flatMap((sub) => commandSection(sub, name)),
  ];
}

/** The whole page. `date` is the page's date (the release's), so a rebuild of the same version is identical. */
export function renderManPage(program: Command, version: string, date: string): string {
  const top = program.options.filter((o) => !o.hidden);
  return [
    `.TH PXDEPLOY 1 "${date}" "pxdeploy ${esc(version)}" "User Commands"`,
    '.SH NAME',
    `pxdeploy \\- ${esc(program.description())}`,
    '.SH SYNOPSIS',
    '.B pxdeploy',
    '[\\fIglobal options\\fR] \\fIcommand\\fR [\\fIarguments\\fR] [\\fIoptions\\fR]',
    '.SH DESCRIPTION',
    esc('pxdeploy runs on a Proxmox VE node as root and drives guests only through the node\'s own tools (pct, pveam, pvesm, pvesh, skopeo). Every change is taken under a lock, logged per operation, and planned first: --dry-run prints the exact host commands and changes nothing.'),
    '.SH GLOBAL OPTIONS',
    ...optionLines(top),
    '.SH COMMANDS',
    ...program.commands.flatMap((c) => commandSection(c, 'pxdeploy')),
    '.SH EXIT STATUS',
    ...Object.entries(EXIT_CODE_MEANINGS).flatMap(([code, what]) => ['.TP', `.B ${code}`, esc(what.long)]),
    '.SH ENVIRONMENT',
    '.TP',
    '.B PXDEPLOY_ROOT',
    esc('re-roots every path pxdeploy reads or writes (tests).'),
    '.SH FILES',
    ...[
      ['/etc/pxdeploy/config.yaml', 'node settings (id ranges, default storages)'],
      ['/etc/pxdeploy/instances/<id>.yaml', 'blue/green instance configs'],
      ['/var/lib/pxdeploy/', 'state (JSON), the inventory database, locks'],
      ['/var/log/pxdeploy/', 'operation logs, rotated'],
      ['/var/backups/pxdeploy/<id>/', 'backups (<ts>.tar.gz with a .sha256 sidecar, latest)'],
    ].flatMap(([file, what]) => ['.TP', `.I ${esc(file!)}`, esc(what!)]),
    '.SH SEE ALSO',
    '.BR pct (1),',
    '.BR pvesh (1),',
    '.BR pvesm (1),',
    '.BR skopeo (1)',
    '',
  ].join('\n');
}
