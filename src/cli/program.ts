// Builds the commander program: global flags, help with examples, and every working command group.
import { Command, Option } from 'commander';
import type { CliIo } from './io.js';
import { registerValidate } from './validate.js';
import { registerLock } from './lock.js';
import { registerCt } from './ct.js';
import { registerOci } from './oci.js';
import { registerApp } from './app.js';
import { registerInstances } from './instances.js';
import { registerBackup } from './backup.js';
import { registerSchedule } from './schedule.js';
import { registerInventory } from './inventory.js';
import { registerHistory } from './history.js';
import { registerDrift } from './drift.js';
import { registerStack } from './stack.js';
import { registerTemplate } from './template.js';
import { registerClone } from './clone.js';
import { registerCompletion } from './completion.js';
import { EXIT_CODE_MEANINGS } from '../errors.js';

/** `Exit codes: 0 ok, 1 error, …` from the one table of them, wrapped under its label. */
function exitCodesLine(): string {
  const label = 'Exit codes: ';
  const items = Object.entries(EXIT_CODE_MEANINGS).map(([code, m]) => `${code} ${m.short}`);
  const lines: string[][] = [[]];
  for (const item of items) {
    const line = lines.at(-1)!;
    if (line.length > 0 && label.length + [...line, item].join(', ').length + 1 > 90) lines.push([item]);
    else line.push(item);
  }
  return lines.map((l, i) => `${i === 0 ? label : ' '.repeat(label.length)}${l.join(', ')}${i === lines.length - 1 ? '.' : ','}`).join('\n');
}

const EXAMPLES = `
Examples:
  $ pxdeploy validate -f ct.yaml              check a container spec, report every problem with file:line
  $ pxdeploy validate -f ct.yaml --json       the same, as JSON
  $ pxdeploy ct list --json                   the containers of this node, from pct list
  $ sudo pxdeploy oci pull jellyfin           pull an app image into the template cache (skopeo)
  $ sudo pxdeploy app install demo --set GREETING=hi   an app CT from the catalog, health-gated
  $ sudo pxdeploy install notes-demo -f examples/instances/demo.yaml   a blue/green instance (blue live)
  $ sudo pxdeploy update --release 2.0.0 --color green   backup, deploy green, migrate, health gate, switch
  $ pxdeploy status --json                    the colour that really serves, versions per colour
  $ pxdeploy plan -f examples/homelab.yaml    what apply would change, field by field (+ ~ - =)
  $ sudo pxdeploy apply -f examples/homelab.yaml --yes   templates, clones and apps in dependency order
  $ pxdeploy lock status                      who holds which pxdeploy lock, and since when
  $ sudo pxdeploy lock release web --force    remove a lock whose holder is known to be gone

${exitCodesLine()}
Environment: PXDEPLOY_ROOT re-roots every path pxdeploy reads or writes (tests).
`;

export function buildProgram(io: CliIo, version: string): Command {
  const program = new Command('pxdeploy');
  program
    .description('Deploy and run LXC containers, OCI apps and blue/green instances on a Proxmox VE node.')
    // Only -V here: `--version` alone is answered in main.ts, and `update --version V` is the subcommand's own option.
    .version(version, '-V', 'print the version (also: pxdeploy --version)')
    .addOption(new Option('--json', 'machine-readable output on stdout'))
    .addOption(new Option('--dry-run', 'print the exact host commands, change nothing'))
    .addOption(new Option('--verbose', 'more detail, stack traces on errors'))
    .addOption(new Option('-y, --yes', 'assume yes for confirmations'))
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s),
      // Commander's own error text is rendered by run.ts as one line plus a hint.
      writeErr: (s) => {
        if (!s.startsWith('error:')) io.err(s);
      },
    })
    .addHelpText('after', EXAMPLES)
    .hook('preAction', (_this, action) => {
      const o = action.optsWithGlobals<{ json?: boolean; dryRun?: boolean; verbose?: boolean; yes?: boolean }>();
      io.setFlags({ json: !!o.json, dryRun: !!o.dryRun, verbose: !!o.verbose, yes: !!o.yes });
    });

  registerValidate(program, io);
  registerCt(program, io);
  registerLock(program, io);
  registerOci(program, io);
  registerApp(program, io);
  registerInstances(program, io);
  registerBackup(program, io);
  registerSchedule(program, io);
  registerInventory(program, io);
  registerHistory(program, io);
  registerDrift(program, io);
  registerStack(program, io);
  registerTemplate(program, io);
  registerClone(program, io);
  registerCompletion(program, io);

  // Subcommands inherit error handling and output routing.
  for (const cmd of program.commands) cmd.exitOverride().configureOutput(program.configureOutput());
  return program;
}
