// An OCI catalog package + install flags → a container spec, so the LXC path's preflight and pct option mapping apply unchanged.
import { containerSpecSchema, type ContainerSpec } from '../../config/schema/spec.js';
import type { Package } from '../../catalog/schema.js';
import { UsageError } from '../../errors.js';

export interface AppPlacement {
  hostname: string;
  vmid?: number;
  /** CIDR or `dhcp`. */
  ip: string;
  gateway?: string;
  bridge: string;
  storage: string;
  /** Host directory of each volume, by volume name. */
  volumeHosts: Record<string, string>;
  gpu: boolean;
}

/** Placeholder: the OCI archive is given to preflight directly (`ostemplate`), never resolved by name. */
const OCI_TEMPLATE = 'local:vztmpl/oci-app.tar';

/**
 * Unprivileged always: PVE maps a privileged OCI CT's root to host root, and app images are not
 * written to be safe as host root (the rule; pct itself would allow it).
 */
export function packageToSpec(pkg: Package, p: AppPlacement): ContainerSpec {
  const oci = pkg.oci;
  if (!oci) throw new UsageError(`package ${pkg.name} is not an OCI app (no oci: section)`);
  if (!oci.unprivileged) throw new UsageError(`package ${pkg.name} asks for a privileged CT: refused, an OCI app's root would be the host's root`, 'app CTs are always unprivileged');
  const devices = p.gpu ? oci.devices.map((d) => ({ path: d.path })) : [];
  return containerSpecSchema.parse({
    container: {
      ...(p.vmid !== undefined ? { vmid: p.vmid } : {}),
      hostname: p.hostname,
      template: OCI_TEMPLATE,
      resources: { cores: oci.resources.cores, memory: oci.resources.memory, disk: oci.resources.disk },
      storage_pool: p.storage,
      network: { bridge: p.bridge, ip: p.ip, ...(p.gateway ? { gateway: p.gateway } : {}) },
      unprivileged: true,
      mount_points: oci.volumes.map((v) => ({ host: p.volumeHosts[v.name]!, container: v.path })),
      devices,
      tags: ['pxdeploy-app', pkg.name],
      description: `pxdeploy app ${pkg.name}`,
    },
  });
}
