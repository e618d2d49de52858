// Inside a new instance CT: the tools the frontend and apps need, the app user and its data directory.
import type { Context } from '../context.js';
import type { AppModel } from './app-model.js';
import { finishAppConfig, type PreparedAppConfig } from './app-config.js';
import { inCt, pushContent } from './ct-exec.js';
import { saveSecrets } from './secrets.js';

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
  // Data paths (Vikunja's files.basepath) are shared by both colours and written by the app user.
  const data = [...new Set([app.bg.data_root, ...app.services.flatMap((s) => s.spec.data_paths)])];
  await inCt(ctx, vmid, ['mkdir', '-p', ...data, app.bg.install_root, `/etc/${app.name}`]);
  await inCt(ctx, vmid, ['chown', `${user}:${user}`, ...data]);
  return missing;
}

/** The app's own config file from the catalog template (checked by prepareAppConfig before anything ran), secrets stored first. */
export async function writeAppConfig(ctx: Context, vmid: number, app: AppModel, id: string, prepared: PreparedAppConfig, url: string): Promise<void> {
  const text = finishAppConfig(prepared, url);
  await saveSecrets(ctx, id, prepared.secrets);
  await pushContent(ctx, vmid, app.bg.config.path, text, 0o640);
  await inCt(ctx, vmid, ['chown', `root:${app.bg.app_user}`, app.bg.config.path]);
}
