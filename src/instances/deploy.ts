// Putting a release on one colour inside the CT: stop it, unpack each component, env + unit files, migrations, start.
import type { Context } from '../context.js';
import type { Color } from '../state/instance-state.js';
import { layout, placeholders, fill, unitsOf, type AppModel, type ServiceName } from './app-model.js';
import { inCt, pushContent, pushFile } from './ct-exec.js';
import { renderEnvFile, renderUnit } from './render.js';
import type { ResolvedSource } from './sources.js';

/** Stop and disable a colour's units (absent units are fine: nothing was deployed there yet). */
export async function stopColor(ctx: Context, vmid: number, app: AppModel, c: Color): Promise<void> {
  await inCt(ctx, vmid, ['systemctl', 'disable', '--now', ...unitsOf(app, c)], { allowFailure: true });
}

export async function startColor(ctx: Context, vmid: number, app: AppModel, c: Color): Promise<void> {
  await inCt(ctx, vmid, ['systemctl', 'enable', ...unitsOf(app, c)]);
  await inCt(ctx, vmid, ['systemctl', 'restart', ...unitsOf(app, c)]);
}

/** Unpack one component's archive into `<dir>.new`, then swap it in: a failed unpack leaves the old tree. */
async function unpack(ctx: Context, vmid: number, app: AppModel, svc: ServiceName, c: Color, src: ResolvedSource): Promise<void> {
  const dir = layout(app).componentDir(svc, c);
  const archive = `/tmp/pxdeploy-${app.name}-${svc}-${c}.${src.format === 'zip' ? 'zip' : 'tar.gz'}`;
  await pushFile(ctx, vmid, src.file, archive);
  await inCt(ctx, vmid, ['rm', '-rf', `${dir}.new`]);
  await inCt(ctx, vmid, ['mkdir', '-p', `${dir}.new`]);
  await inCt(ctx, vmid, src.format === 'zip' ? ['busybox', 'unzip', '-q', archive, '-d', `${dir}.new`] : ['tar', '-xzf', archive, '-C', `${dir}.new`, '--no-same-owner']);
  await inCt(ctx, vmid, ['rm', '-f', archive]);
  await inCt(ctx, vmid, ['rm', '-rf', dir]);
  await inCt(ctx, vmid, ['mv', '-T', `${dir}.new`, dir]);
}

/** The component's env file values as `K=V` argv for `env` (migrations and build steps see what the service sees). */
function envArgs(app: AppModel, svc: ServiceName, c: Color, version: string): string[] {
  const spec = app.services.find((s) => s.name === svc)!.spec;
  const values = placeholders(app, svc, c, version);
  return Object.entries(spec.env).map(([k, v]) => `${k}=${fill(v, values)}`);
}

/** A catalog command (a shell line, placeholders filled) run as the app user inside the CT. */
async function appCommand(ctx: Context, vmid: number, app: AppModel, svc: ServiceName, c: Color, version: string, command: string): Promise<string> {
  const line = fill(command, placeholders(app, svc, c, version));
  const r = await inCt(ctx, vmid, ['runuser', '-u', app.bg.app_user, '--', 'env', ...envArgs(app, svc, c, version), 'sh', '-c', line], { timeoutMs: 15 * 60_000 });
  return r.stdout.trim();
}

export interface DeployResult {
  color: Color;
  versions: Record<string, string>;
  commits: Record<string, string>;
}

/** Deploy the resolved sources onto colour `c` (stopped first), leaving it installed but not started. */
export async function deployColor(ctx: Context, vmid: number, app: AppModel, c: Color, sources: ResolvedSource[]): Promise<DeployResult> {
  const l = layout(app);
  await stopColor(ctx, vmid, app, c);
  for (const src of sources) {
    await unpack(ctx, vmid, app, src.component, c, src);
    if (src.scratch) await ctx.effects.remove(src.file);
    const spec = app.services.find((s) => s.name === src.component)!.spec;
    for (const step of spec.build) await appCommand(ctx, vmid, app, src.component, c, src.version, `cd ${l.componentDir(src.component, c)} && ${step}`);
    await pushContent(ctx, vmid, l.envFile(src.component, c), renderEnvFile(app, src.component, c, src.version));
    await pushContent(ctx, vmid, l.unitFile(src.component, c), renderUnit(app, src.component, c, src.version));
  }
  await inCt(ctx, vmid, ['systemctl', 'daemon-reload']);
  const versions = Object.fromEntries(sources.map((s) => [s.component, s.version]));
  const commits = Object.fromEntries(sources.filter((s) => s.commit).map((s) => [s.component, s.commit!]));
  return { color: c, versions, commits };
}

/** The catalog's migration command against the shared data, with the backend of colour `c`. */
export async function runMigrations(ctx: Context, vmid: number, app: AppModel, c: Color, version: string): Promise<string | undefined> {
  const cmd = app.bg.migrations.command;
  if (!cmd) return undefined;
  return appCommand(ctx, vmid, app, 'backend', c, version, cmd);
}
