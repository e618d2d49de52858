// `install <id>`: validate → lock → CT (the LXC backend) → runtime → blue → nginx on 80/443 → health gate → config, state, registry → running.
import { placeHereOnly } from '../cluster/place.js';
import { createContainer } from '../containers/create.js';
import type { Context } from '../context.js';
import { HealthCheckError, PxError, UsageError } from '../errors.js';
import { pctDestroy } from '../host/pct/argv.js';
import { runPve } from '../host/pve-run.js';
import { readInstanceState, removeInstanceState, writeInstanceState, type InstanceState } from '../state/instance-state.js';
import { registerInstance } from '../state/registry.js';
import { layout } from './app-model.js';
import { prepareAppConfig } from './app-config.js';
import { pushContent } from './ct-exec.js';
import { deployColor, runMigrations, startColor } from './deploy.js';
import { checkFrontend, installFrontend } from './frontend.js';
import { describeProbes, healthGate } from './health-gate.js';
import { Journal } from './journal.js';
import type { LoadedInstance } from './load.js';
import { recoverInterrupted } from './recover.js';
import { renderDeploymentConfig } from './render.js';
import { secretsFile } from './secrets.js';
import { ensureRuntime, writeAppConfig } from './runtime.js';
import { resolveSource, type VersionChoice } from './sources.js';

export interface InstallInput {
  instance: LoadedInstance;
  /** The config text to store at /etc/pxdeploy/instances/<id>.yaml (from -f or the app's defaults); undefined when it is already there. */
  writeConfig?: string;
  keepFailed: boolean;
  yes: boolean;
  /** `--node` (or a stack's `node:`): only this node, since an instance needs pct exec throughout. */
  node?: string;
}

export interface InstallResult {
  id: string;
  app: string;
  vmid: number;
  url: string;
  https: string;
  active_color: 'blue';
  version: string;
  configFile: string;
}

export async function installInstance(ctx: Context, input: InstallInput): Promise<InstallResult> {
  const { instance: inst } = input;
  const { id, app, config } = inst;
  // Runtime, deploys, nginx and the health gate all run through pct exec: this node only, said before anything runs.
  const placed = await placeHereOnly(ctx, input.node ?? inst.spec.container.node, `instance ${id}`, 'blue/green instances need pct exec');
  if (placed.reason) ctx.report.info(placed.reason);
  const appConfig = await prepareAppConfig(ctx.paths, id, app, config);
  return ctx.effects.withLock(id, 'install', async () => {
    const before = await readInstanceState(ctx.paths, id);
    await recoverInterrupted(ctx, app, id, before);
    if (before) throw new UsageError(`instance ${id} is already installed (CT ${before.container_id}, ${before.status})`, `use \`pxdeploy update ${id}\`, or \`pxdeploy uninstall ${id}\` first`);
    if (input.writeConfig !== undefined) await ctx.effects.writeFile(inst.file, input.writeConfig, { mode: 0o640 });

    const ct = await createContainer(ctx, { spec: inst.spec, lineOf: inst.lineOf, file: inst.file, yes: input.yes, ...(placed.node ? { node: placed.node } : {}) });
    const vmid = ct.vmid;
    const ip = config.container.network.ip === 'dhcp' ? ct.ip : config.container.network.ip.split('/')[0];
    const url = `http://${ip ?? config.container.hostname}/`;
    const now = ctx.clock.now().toISOString();
    const journal = new Journal(ctx, id, 'install');
    const initial: InstanceState = {
      schemaVersion: 1, instance_id: id, container_id: vmid, status: 'deploying', active_color: 'blue', app: app.name,
      last_operation: 'install', last_operation_time: now, last_operation_status: 'in_progress', deployed_version: config.version ?? app.bg.version, url,
    };
    ctx.log.info(`state: null → deploying (CT ${vmid})`);
    await writeInstanceState(ctx.effects, ctx.paths, initial);
    try {
      await journal.step('runtime');
      await ensureRuntime(ctx, vmid, app);
      await journal.step('deploy');
      const choice: VersionChoice = {};
      const sources = [];
      for (const s of app.services) sources.push(await resolveSource(ctx, app, config, id, s.name, choice));
      const deployed = await deployColor(ctx, vmid, app, 'blue', sources);
      const version = deployed.versions['backend']!;
      await journal.write({ colors: { blue: { version, ...(Object.keys(deployed.commits).length ? { commits: deployed.commits } : {}), deployed_at: ctx.clock.now().toISOString(), health: 'unknown' } } });
      await journal.step('migrate');
      // The app's migrate command reads the config file (database, paths), so it is written first.
      await writeAppConfig(ctx, vmid, app, id, appConfig, config.public_url ?? url);
      await runMigrations(ctx, vmid, app, 'blue', version);
      await journal.step('start');
      await startColor(ctx, vmid, app, 'blue');
      await journal.step('frontend');
      await installFrontend(ctx, vmid, app, { hostname: config.container.hostname, ...(config.tls.cert && config.tls.key ? { tls: { cert: config.tls.cert, key: config.tls.key } } : {}) });
      await journal.step('health');
      const gate = await healthGate(ctx, vmid, app, 'blue', { timeoutSec: config.health.timeout, intervalSec: config.health.interval });
      if (!gate.passed) throw new HealthCheckError(`blue did not pass its health gate within ${config.health.timeout}s: ${describeProbes(gate.last)}`, `see \`pxdeploy logs ${id} --service\``);
      await journal.step('verify');
      const fe = await ctx.effects.afterApply('ask nginx which colour it serves', () => checkFrontend(ctx, vmid, app), { ok: true, code: 200, colour: 'blue', ms: 0 });
      if (!fe.ok || fe.colour !== 'blue') throw new HealthCheckError(`nginx answered ${fe.code} (colour "${fe.colour}") instead of 200 from blue`);
      await journal.step('register');
      const done = await journal.write({
        status: 'running', last_operation_status: 'success', operation_step: 'done', deployed_version: version, uptime_start: ctx.clock.now().toISOString(),
        colors: { blue: { version, ...(Object.keys(deployed.commits).length ? { commits: deployed.commits } : {}), deployed_at: ctx.clock.now().toISOString(), health: 'ready' } },
        ...(deployed.commits['backend'] ? { deployed_commit: deployed.commits['backend'] } : {}),
      });
      ctx.log.info('state: deploying → running');
      await pushContent(ctx, vmid, layout(app).deploymentConfig, renderDeploymentConfig(app, id, config, done, ct.node, now, ctx.clock.now().toISOString()));
      await registerInstance(ctx.effects, ctx.paths, id, { container_id: vmid, created_at: now });
      ctx.log.success(`installed ${id}: ${app.name} ${version} on blue in CT ${vmid}, ${url}`);
      return { id, app: app.name, vmid, url, https: url.replace(/^http:/, 'https:'), active_color: 'blue', version, configFile: inst.file };
    } catch (err) {
      const reason = err instanceof Error ? err.message.split('\n')[0]! : String(err);
      if (input.keepFailed) {
        await journal.write({ status: 'failed', last_operation_status: 'failure', last_error: reason }).catch(() => undefined);
        ctx.log.error(`install failed; CT ${vmid} kept (--keep-failed): ${reason}`);
      } else {
        ctx.log.error(`install failed; destroying CT ${vmid}: ${reason}`);
        await runPve(ctx.effects, pctDestroy(vmid, { force: true, purge: true }), { allowFailure: true }).catch(() => undefined);
        await ctx.effects.remove(ctx.paths.containerState(vmid));
        await removeInstanceState(ctx.effects, ctx.paths, id);
        if (input.writeConfig !== undefined) await ctx.effects.remove(inst.file);
        // Secrets this install generated go too; ones an earlier install stored are kept.
        const { secrets } = appConfig;
        if (secrets.generated.length > 0 && secrets.generated.length === Object.keys(secrets.values).length) await ctx.effects.remove(secretsFile(ctx.paths, id));
      }
      if (err instanceof PxError && !err.hint) err.hint = input.keepFailed ? `CT ${vmid} is kept for inspection; \`pxdeploy uninstall ${id}\` removes it` : 'nothing was left behind; fix the cause and run install again (--keep-failed keeps the CT to inspect)';
      throw err;
    }
  });
}
