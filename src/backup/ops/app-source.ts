// The OCI-app backup source: the app's volumes (host folders, read on the host while it runs), its record and its env with secrets masked.
import YAML from 'yaml';
import { HealthCheckError } from '../../errors.js';
import { parsePctStatus, pctStart, pctStatus, pctStop } from '../../host/pct.js';
import { runPve } from '../../host/pve-run.js';
import type { AppState } from '../../apps/state.js';
import type { BackupSource } from './source.js';

/** `files/<volume>` for each volume, as the seed puts files under files/. */
export function volumeEntry(volume: string): string {
  return `files/${volume}`;
}

/** KEY=value lines; the record already holds secrets as `***`. */
function environmentFile(state: AppState): Buffer {
  return Buffer.from(Object.entries(state.env).map(([k, v]) => `${k}=${v}\n`).join(''));
}

export function appBackupSource(state: AppState): BackupSource {
  const version = state.tag ?? state.digest;
  return {
    id: state.hostname,
    kind: 'oci-app',
    lockResource: `app-${state.hostname}`,
    version,
    metadata: { app: state.package, app_version: version, app_digest: state.digest, hostname: state.hostname, container_id: state.vmid, database_type: 'none', source_kind: 'oci-app' },
    async entries() {
      return [
        { name: 'deployment-config.yaml', kind: 'file', source: Buffer.from(YAML.stringify(state)) },
        { name: 'environment', kind: 'file', source: environmentFile(state) },
        ...state.volumes.map((v) => ({ name: volumeEntry(v.name), kind: 'dir' as const, source: v.host })),
      ];
    },
    restore: {
      dirs: state.volumes.map((v) => ({ entry: volumeEntry(v.name), host: v.host })),
      async stop(ctx) {
        // A CT already stopped stays so (pct stop would fail on it).
        if (parsePctStatus((await runPve(ctx.effects, pctStatus(state.vmid))).stdout) !== 'stopped') await runPve(ctx.effects, pctStop(state.vmid));
      },
      async start(ctx) {
        await runPve(ctx.effects, pctStart(state.vmid));
      },
      async healthGate(ctx) {
        const { loadCatalog, requirePackage } = await import('../../catalog/index.js');
        const { pkg } = requirePackage((await loadCatalog()).packages.filter((p) => p.oci), state.package);
        const health = pkg.oci!.health;
        const ip = state.network.ip === 'dhcp' ? new URL(state.url).hostname : state.network.ip.split('/')[0]!;
        const { healthUrl, waitHealthy } = await import('../../apps/health.js');
        const deadline = Math.max(health.start_period * 1000, 20_000);
        const r = await ctx.effects.afterApply(`wait until ${healthUrl(ip, health)} answers ${health.status.join('|')} (deadline ${deadline / 1000}s)`, () => waitHealthy(ip, health, deadline), { ok: true });
        if (!r.ok) throw new HealthCheckError(`${state.hostname} is not healthy after the restore: ${healthUrl(ip, health)} ${r.last === undefined ? 'never answered' : `answered ${r.last}`} within ${deadline / 1000}s`);
      },
    },
  };
}
