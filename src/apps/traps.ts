// A package's known traps acted on before anything changes: work around (numeric User, volume owners) or refuse with the reason.
import type { OciApp } from '../catalog/schema.js';
import { UsageError } from '../errors.js';

export interface TrapPlan {
  /** `uid:gid` written into the image config (PVE then needs no /etc/passwd to resolve it). */
  user?: string;
  /** Owner (inside the CT) of each volume, by name; default root. */
  volumeOwners: Record<string, { uid: number; gid: number }>;
  /** What was worked around, said to the user. */
  notes: string[];
  warnings: string[];
}

export function planTraps(pkgName: string, oci: OciApp, env: Readonly<Record<string, string>>): TrapPlan {
  const plan: TrapPlan = { volumeOwners: {}, notes: [], warnings: [] };
  for (const t of oci.traps) {
    if (t.kind === 'user_without_passwd') {
      if (t.action === 'refuse') throw new UsageError(`${pkgName}: ${t.reason}`, 'this package cannot run as a PVE OCI app');
      plan.user = `${t.uid}:${t.gid}`;
      plan.notes.push(`image user ${t.image_user} has no /etc/passwd entry: set as numeric ${plan.user} in the image config (${t.reason.split('.')[0]})`);
      // Volumes the app writes must be its user's, unless a volume_owner trap says otherwise.
      for (const v of oci.volumes) plan.volumeOwners[v.name] ??= { uid: t.uid, gid: t.gid };
    } else if (t.kind === 'requires_service') {
      const missing = t.env.filter((k) => env[k] === undefined);
      if (missing.length === 0) continue;
      if (t.action === 'refuse') throw new UsageError(`${pkgName} needs ${t.service}: ${t.reason}`, `point it at one with ${missing.map((k) => `--set ${k}=…`).join(' ')}`);
      plan.warnings.push(`${pkgName} needs ${t.service}: ${t.reason}`);
    } else if (t.kind === 'volume_owner') {
      if (t.action === 'refuse') throw new UsageError(`${pkgName}: volume ${t.volume}: ${t.reason}`);
      plan.volumeOwners[t.volume] = { uid: t.uid, gid: t.gid };
    } else plan.warnings.push(`${pkgName}: ${t.reason}`);
  }
  return plan;
}
