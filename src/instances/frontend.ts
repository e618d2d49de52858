// The frontend switch of docs/cutover.md: nginx reads the live colour from a symlink per request; switching renames it.
import type { Context } from '../context.js';
import { ExitCode, PxError } from '../errors.js';
import type { Color } from '../state/instance-state.js';
import { layout, type AppModel } from './app-model.js';
import { inCt, pushContent } from './ct-exec.js';
import { probe } from './health-gate.js';
import { renderNginx } from './render.js';

/** nginx config, the two colour directories, the link (blue), TLS; the only nginx reload, before any traffic. */
export async function installFrontend(ctx: Context, vmid: number, app: AppModel, opts: { hostname: string; tls?: { cert: string; key: string } }): Promise<void> {
  const l = layout(app);
  await pushContent(ctx, vmid, l.nginxConf, renderNginx(app));
  await inCt(ctx, vmid, ['rm', '-f', '/etc/nginx/sites-enabled/default']);
  await inCt(ctx, vmid, ['mkdir', '-p', `${l.frontendDir}/blue`, `${l.frontendDir}/green`, `${l.etc}/tls`]);
  await inCt(ctx, vmid, ['chmod', '0755', l.etc, l.frontendDir]);
  await inCt(ctx, vmid, ['touch', `${l.frontendDir}/blue/blue`, `${l.frontendDir}/green/green`]);
  await inCt(ctx, vmid, ['ln', '-sfn', 'blue', l.live]);
  if (opts.tls) {
    const { readFile } = await import('node:fs/promises');
    await pushContent(ctx, vmid, l.tlsCert, await readFile(opts.tls.cert, 'utf8'), 0o644);
    await pushContent(ctx, vmid, l.tlsKey, await readFile(opts.tls.key, 'utf8'), 0o600);
  } else {
    await inCt(ctx, vmid, ['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '3650', '-subj', `/CN=${opts.hostname}`, '-keyout', l.tlsKey, '-out', l.tlsCert], { timeoutMs: 120_000 });
  }
  await inCt(ctx, vmid, ['nginx', '-t']);
  await inCt(ctx, vmid, ['systemctl', 'enable', 'nginx']);
  await inCt(ctx, vmid, ['systemctl', 'reload-or-restart', 'nginx']);
}

/** Two steps, both harmless to repeat: `mv -T` is one rename(2), so a request sees the old link or the new one. */
export async function switchTo(ctx: Context, vmid: number, app: AppModel, c: Color): Promise<void> {
  const l = layout(app);
  await inCt(ctx, vmid, ['ln', '-sfn', c, l.liveNext]);
  await inCt(ctx, vmid, ['mv', '-fT', l.liveNext, l.live]);
}

/** What nginx serves, read as nginx reads it. A missing or odd link is an error, never "blue". */
export async function readLiveColor(ctx: Context, vmid: number, app: AppModel): Promise<Color> {
  const l = layout(app);
  const r = await inCt(ctx, vmid, ['readlink', l.live], { readOnly: true, allowFailure: true });
  const v = r.stdout.trim();
  if (r.exitCode !== 0 || (v !== 'blue' && v !== 'green')) {
    throw new PxError(`cannot tell which colour serves: ${l.live} in CT ${vmid} is ${r.exitCode !== 0 ? 'missing' : JSON.stringify(v)}`, ExitCode.other, `inspect with \`pct exec ${vmid} -- ls -l ${l.frontendDir}\``);
  }
  return v;
}

export interface FrontendCheck {
  ok: boolean;
  code: number;
  /** The colour nginx says it chose (its response header). */
  colour: string;
  ms: number;
}

/** Ask nginx itself: the first frontend health path, with the colour header it added. */
export async function checkFrontend(ctx: Context, vmid: number, app: AppModel): Promise<FrontendCheck> {
  const l = layout(app);
  const path = app.bg.components.frontend?.health[0]?.path ?? app.bg.components.backend.health[0]!.path;
  const want = app.bg.components.frontend?.health[0]?.status ?? 200;
  const p = await probe(ctx, vmid, `http://127.0.0.1:${app.http}${path}`, want, 'frontend', l.colourHeader.toLowerCase());
  return { ok: p.ok, code: p.code, colour: p.header ?? '', ms: p.ms };
}
