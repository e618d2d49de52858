// Blue/green instance commands: install, update, rollback, status, health, start, stop, uninstall, logs.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { emit, type CliIo } from './io.js';
import { makeContext, runOperation } from './context.js';

const COLORS = ['blue', 'green'];

async function paths() {
  const { makePaths } = await import('../state/paths.js');
  return makePaths();
}

/** The id argument, or the only registered instance. */
async function idOf(arg: string | undefined): Promise<string> {
  const { resolveInstanceId } = await import('../instances/load.js');
  return resolveInstanceId(await paths(), arg);
}

async function loaded(arg: string | undefined) {
  const id = await idOf(arg);
  const { loadInstance } = await import('../instances/load.js');
  return loadInstance(await paths(), id);
}

export function registerInstances(program: Command, io: CliIo): void {
  program
    .command('install')
    .description('install a blue/green app instance: CT, blue colour, nginx on 80/443, health gate')
    .argument('<id>', 'instance id, e.g. notes-demo or vikunja-main (a catalog app name, optionally with a -suffix)')
    .option('-f, --file <file>', 'instance config (YAML); copied to /etc/pxdeploy/instances/<id>.yaml')
    .option('--keep-failed', 'keep the CT when the install fails (default: remove everything)')
    .option('--node <node>', 'only this node: an instance needs pct exec, so another node is refused (run pxdeploy there)')
    .addHelpText('after', `
Examples:
  $ sudo pxdeploy install notes-demo -f examples/instances/demo.yaml
  $ sudo pxdeploy install vikunja-main          writes the app's defaults to /etc/pxdeploy/instances/vikunja-main.yaml, then installs`)
    .action(async (idArg: string, opts: { file?: string; keepFailed?: boolean; node?: string }) => {
      const { assertSafeId } = await import('../state/paths.js');
      const id = assertSafeId(idArg);
      const p = await paths();
      const { readFile } = await import('node:fs/promises');
      const { parseOrThrow, loadApp, appForNewId } = await import('../instances/load.js');
      const target = p.instanceConfig(id);
      let text: string | undefined;
      let writeConfig: string | undefined;
      let label = target;
      if (opts.file) {
        text = await readFile(opts.file, 'utf8').catch(() => {
          throw new UsageError(`cannot read ${opts.file}`);
        });
        writeConfig = text;
        label = opts.file;
      } else {
        text = await readFile(target, 'utf8').catch(() => undefined);
        if (text === undefined) {
          const app = await appForNewId(id);
          if (!app) throw new UsageError(`no config for ${id}: pass -f instance.yaml, or use an id that starts with a blue/green catalog app's name (e.g. notes-demo)`);
          const { defaultInstanceConfig } = await import('../instances/defaults.js');
          text = defaultInstanceConfig(id, app);
          writeConfig = text;
          io.reporter().info(`no config for ${id}: writing the defaults of "${app.name}" to ${target}`);
        }
      }
      const parsed = parseOrThrow(text, label);
      const instance = { id, file: target, config: parsed.config, spec: parsed.spec, lineOf: parsed.lineOf, app: await loadApp(parsed.config.app, parsed.config) };
      const { installInstance } = await import('../instances/install.js');
      await runOperation(io, { resource: id, operation: 'install' }, (ctx) => installInstance(ctx, { instance, writeConfig, keepFailed: !!opts.keepFailed, yes: io.flags().yes, ...(opts.node ? { node: opts.node } : {}) }), (r) =>
        [`installed ${r.id}: ${r.app} ${r.version} on ${r.active_color} in CT ${r.vmid}`, `  ${r.url}   ${r.https} (self-signed unless tls: gives a cert)`, `  config: ${r.configFile}`].join('\n'),
      );
    });

  program
    .command('update')
    .description('update an instance: backup, deploy the idle colour, migrations, health gate, switch with no dropped request')
    .argument('[id]', 'the instance (optional when only one exists)')
    .option('--color <color>', 'the idle colour to deploy to (naming the active one is refused)')
    .option('--release <version>', 'the release to deploy (default: the instance config\'s, else the catalog\'s)')
    // Same as --release; reaches here only once the program-level -V/--version stops claiming it (see the lead's note).
    .option('--version <version>', 'alias of --release')
    .option('--ref <ref>', 'the git ref to deploy (git-sourced components)')
    .option('--skip-backup', 'no database copy before the update')
    .option('--skip-migrations', 'do not run the app\'s migration command')
    .option('--no-health-check', 'switch without the health gate (dangerous)')
    .option('--force', 'redeploy even when the version is already live')
    .addHelpText('after', `
Examples:
  $ sudo pxdeploy update notes-demo --release 2.0.0
  $ sudo pxdeploy update --color green              the only instance, to green
Exit codes: 5 locked (names the holder), 10 health check failed (no switch; the old colour serves),
            11 rolled back after a switch, 12 rollback failed, 20 nothing to update.`)
    .action(async (idArg: string | undefined, opts: { color?: string; version?: string; release?: string; ref?: string; skipBackup?: boolean; skipMigrations?: boolean; healthCheck?: boolean; force?: boolean }) => {
      if (opts.color !== undefined && !COLORS.includes(opts.color)) throw new UsageError(`invalid --color '${opts.color}': use blue or green`);
      const version = opts.release ?? opts.version;
      if (version !== undefined && opts.ref !== undefined) throw new UsageError('give --version or --ref, not both');
      const inst = await loaded(idArg);
      const { updateInstance } = await import('../instances/update.js');
      await runOperation(io, { resource: inst.id, operation: 'update' }, (ctx) =>
        updateInstance(ctx, inst, {
          ...(opts.color ? { color: opts.color as 'blue' | 'green' } : {}),
          ...(version ? { version } : {}),
          ...(opts.ref ? { ref: opts.ref } : {}),
          skipBackup: !!opts.skipBackup, skipMigrations: !!opts.skipMigrations, noHealthCheck: opts.healthCheck === false, force: !!opts.force,
        }), (r) =>
        [
          r.recovered ? `recovered: ${r.recovered.interrupted.operation} had been interrupted at step ${r.recovered.interrupted.step ?? '?'}; state corrected (${r.recovered.corrected.active_color} serves)` : '',
          `updated ${r.id}: ${r.from.color} (${r.from.version}) → ${r.to.color} (${r.to.version}); ${r.from.color} kept for rollback`,
          r.backup ? `  backup: ${r.backup}` : '',
        ].filter(Boolean).join('\n'),
      );
    });

  program
    .command('rollback')
    .description('switch back to the previous colour: start it if needed, health-gate it, switch')
    .argument('[id]', 'the instance (optional when only one exists)')
    .action(async (idArg: string | undefined) => {
      const inst = await loaded(idArg);
      const { rollbackInstance } = await import('../instances/rollback.js');
      await runOperation(io, { resource: inst.id, operation: 'rollback' }, (ctx) => rollbackInstance(ctx, inst), (r) =>
        [
          r.recovered ? `recovered: ${r.recovered.interrupted.operation} had been interrupted at step ${r.recovered.interrupted.step ?? '?'}; state corrected` : '',
          `rolled back ${r.id}: ${r.from.color} (${r.from.version}) → ${r.to.color} (${r.to.version})`,
        ].filter(Boolean).join('\n'),
      );
    });

  program
    .command('status')
    .description('state, CT, URL, the colour that really serves (read from the CT), versions per colour, last operation')
    .argument('[id]', 'one instance (default: every instance)')
    .action(async (idArg: string | undefined) => {
      const { listRegisteredInstances } = await import('../state/registry.js');
      const { loadInstance } = await import('../instances/load.js');
      const { instanceStatus, renderStatus } = await import('../instances/status.js');
      const p = await paths();
      const ids = idArg !== undefined ? [idArg] : (await listRegisteredInstances(p)).map((i) => i.id);
      const ctx = await makeContext(io);
      const reports: Awaited<ReturnType<typeof instanceStatus>>[] = [];
      for (const id of ids) reports.push(await instanceStatus(ctx, await loadInstance(p, id)));
      if (idArg !== undefined || reports.length === 1) emit(io, reports[0], () => renderStatus(reports[0]!));
      else emit(io, { instances: reports }, () => (reports.length === 0 ? 'no blue/green instances installed' : reports.map(renderStatus).join('\n\n')));
    });

  program
    .command('health')
    .description('check every component of the live colour, nginx, the database and resources; write /var/lib/pxdeploy/health/<id>.json')
    .argument('[id]', 'the instance (optional when only one exists)')
    .action(async (idArg: string | undefined) => {
      const inst = await loaded(idArg);
      const { checkHealth } = await import('../instances/health.js');
      await runOperation(io, { resource: inst.id, operation: 'health' }, (ctx) => checkHealth(ctx, inst), (r) =>
        [
          `${r.instance_id}: ${r.overall_status} (serving ${r.active_color ?? '-'})`,
          ...Object.entries(r.components).map(([k, v]) => `  ${k}: ${String(v['status'])}${v['http_code'] !== undefined ? ` (${String(v['http_code'])}, ${String(v['response_time_ms'])} ms)` : ''}`),
          ...r.warnings.map((w) => `  warning: ${w}`),
          ...r.errors.map((e) => `  error: ${e}`),
        ].join('\n'),
      );
    });

  for (const action of ['start', 'stop'] as const) {
    program
      .command(action)
      .description(action === 'start' ? 'start an instance\'s CT and health-check the live colour' : 'stop an instance (its CT shuts down)')
      .argument('[id]', 'the instance (optional when only one exists)')
      .action(async (idArg: string | undefined) => {
        const inst = await loaded(idArg);
        const { startInstance, stopInstance } = await import('../instances/lifecycle.js');
        await runOperation(io, { resource: inst.id, operation: action }, (ctx) => (action === 'start' ? startInstance(ctx, inst) : stopInstance(ctx, inst)), (r) =>
          r.changed ? `${r.id}: ${r.status}${r.active_color ? ` (${r.active_color} serves)` : ''}` : `${r.id} is already ${r.status}`,
        );
      });
  }

  program
    .command('uninstall')
    .description('destroy an instance\'s CT and forget it (asks unless --yes); backups are kept unless --purge-backups')
    .argument('[id]', 'the instance (optional when only one exists)')
    .option('--purge-backups', 'delete /var/backups/pxdeploy/<id> too')
    .action(async (idArg: string | undefined, opts: { purgeBackups?: boolean }) => {
      const inst = await loaded(idArg);
      if (!(await io.confirm(`uninstall ${inst.id} and destroy its CT?`))) throw new UsageError('not confirmed; nothing was changed');
      const { uninstallInstance } = await import('../instances/lifecycle.js');
      await runOperation(io, { resource: inst.id, operation: 'uninstall' }, (ctx) => uninstallInstance(ctx, inst, { purgeBackups: !!opts.purgeBackups }), (r) =>
        `uninstalled ${r.id}${r.destroyed ? ` (CT ${r.vmid} destroyed)` : ''}${r.backupsKept ? `; backups kept in ${r.backupsKept}` : ''}`,
      );
    });

  program
    .command('logs')
    .description('the instance\'s operation log (or, with --service, its services\' journal in the CT)')
    .argument('[id]', 'the instance (optional when only one exists)')
    .option('-n, --lines <n>', 'how many lines', '50')
    .option('-f, --follow', 'keep printing new lines of the operation log')
    .option('--service', 'the backend/MCP units\' journal inside the CT instead')
    .action(async (idArg: string | undefined, opts: { lines: string; follow?: boolean; service?: boolean }) => {
      const n = /^\d+$/.test(opts.lines) ? Number(opts.lines) : NaN;
      if (!(n > 0)) throw new UsageError(`invalid -n '${opts.lines}': a positive number`);
      const id = await idOf(idArg);
      const ctx = await makeContext(io);
      const { operationLog, serviceLog, follow } = await import('../instances/logs.js');
      if (opts.service) {
        const { loadInstance } = await import('../instances/load.js');
        const lines = await serviceLog(ctx, await loadInstance(ctx.paths, id), n);
        emit(io, { id, lines }, () => lines.join('\n'));
        return;
      }
      const { file, lines } = await operationLog(ctx, id, n);
      emit(io, { id, file, lines }, () => lines.join('\n'));
      if (opts.follow) await follow(file, (s) => io.out(s));
    });
}
