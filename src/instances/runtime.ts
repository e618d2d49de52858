// Inside a new instance CT: the tools the frontend and apps need, the app user and its data directory.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { packagesDir } from '../catalog/load.js';
import type { Context } from '../context.js';
import { fill, type AppModel } from './app-model.js';
import { inCt, pushContent } from './ct-exec.js';

/** Command → Debian package providing it. nginx and openssl serve the frontend; curl the health probes. */
const TOOLS: Record<string, string> = { nginx: 'nginx', curl: 'curl', openssl: 'openssl', sqlite3: 'sqlite3', busybox: 'busybox', runuser: 'util-linux' };

export async function ensureRuntime(ctx: Context, vmid: number, app: AppModel): Promise<string[]> {
  const probe = await ctx.effects.afterApply(
    `find which of ${Object.keys(TOOLS).join(', ')} CT ${vmid} lacks`,
    async () => (await inCt(ctx, vmid, ['sh', '-c', `for t in ${Object.keys(TOOLS).join(' ')}; do command -v "$t" >/dev/null || echo "$t"; done`], { readOnly: true })).stdout,
    '',
  );
  const missing = [...new Set(probe.split('\n').map((t) => t.trim()).filter((t) => t in TOOLS).map((t) => TOOLS[t]!))];
  if (missing.length > 0) {
    ctx.report.info(`installing ${missing.join(', ')} in CT ${vmid}`);
    await inCt(ctx, vmid, ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'update', '-q'], { timeoutMs: 10 * 60_000 });
    await inCt(ctx, vmid, ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-q', '--no-install-recommends', ...missing], { timeoutMs: 20 * 60_000 });
  }
  const user = app.bg.app_user;
  const hasUser = await ctx.effects.afterApply(`check whether user ${user} exists in CT ${vmid}`, async () => (await inCt(ctx, vmid, ['id', '-u', user], { readOnly: true, allowFailure: true })).exitCode === 0, false);
  if (!hasUser) await inCt(ctx, vmid, ['useradd', '--system', '--home-dir', app.bg.data_root, '--no-create-home', '--shell', '/usr/sbin/nologin', user]);
  await inCt(ctx, vmid, ['mkdir', '-p', app.bg.data_root, app.bg.install_root, `/etc/${app.name}`]);
  await inCt(ctx, vmid, ['chown', `${user}:${user}`, app.bg.data_root]);
  return missing;
}

/** The app's own config file from the catalog template; placeholders it does not know stay visible. */
export async function writeAppConfig(ctx: Context, vmid: number, app: AppModel, values: { url: string }): Promise<void> {
  const template = await readFile(path.join(packagesDir(), app.bg.config.template), 'utf8');
  const text = fill(template, {
    data: app.bg.data_root,
    sqlite_path: app.bg.database.sqlite_path,
    database_type: app.bg.database.default,
    database_name: app.bg.database.name,
    publicurl: values.url,
    backend_port: app.bg.components.backend.ports.blue,
    files_dir: `${app.bg.data_root}/files`,
  });
  await pushContent(ctx, vmid, app.bg.config.path, text, 0o640);
  await inCt(ctx, vmid, ['chown', `root:${app.bg.app_user}`, app.bg.config.path]);
}
