// `app remove`: destroy the CT and the app record; the volume directories stay unless --purge-data.
import type { Context } from '../context.js';
import { pveshDestroyCt, remoteNodeOf } from '../cluster/remote-ct.js';
import { pctDestroy } from '../host/pct.js';
import { runPve } from '../host/pve-run.js';
import type { AppState } from './state.js';

export async function removeApp(ctx: Context, state: AppState, opts: { purgeData: boolean }): Promise<{ hostname: string; vmid: number; volumes: string[]; purged: boolean }> {
  return ctx.effects.withLock(`app-${state.hostname}`, 'app-remove', async () => {
    // A CT already gone by hand is fine: the record still goes.
    // An app on another node goes through the API there (pct acts only here).
    const remote = remoteNodeOf(ctx, state.node);
    await runPve(ctx.effects, remote ? pveshDestroyCt(remote, state.vmid, { force: true, purge: true }) : pctDestroy(state.vmid, { force: true, purge: true }), { allowFailure: true });
    if (opts.purgeData) for (const v of state.volumes) await ctx.effects.remove(v.host);
    await ctx.effects.remove(ctx.paths.appState(state.hostname));
    return { hostname: state.hostname, vmid: state.vmid, volumes: state.volumes.map((v) => v.host), purged: opts.purgeData };
  });
}
