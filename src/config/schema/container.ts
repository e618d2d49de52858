// The `container:` section: identity, template, placement, resources, network, features, mounts, devices.
import { z } from 'zod';
import { devicesSchema } from './devices.js';
import { featuresSchema } from './features.js';
import { mountPointsSchema } from './mount-points.js';
import { nodeName, storageId, templateRef } from './names.js';
import { networkSchema } from './network.js';
import { dnsLabel, intBetween, matching } from './primitives.js';
import { resourcesSchema } from './resources.js';

/** pct tag format, stored lower-case and de-duplicated as pct does. */
const TAG = /^[a-z0-9_][a-z0-9_+.-]*$/i;

const tagsSchema = z
  .array(matching(TAG, 'is not a tag: letters, digits, "_", "-", "+" and ".", not starting with "-", "+" or "."'))
  .transform((tags) => [...new Set(tags.map((t) => t.toLowerCase()))])
  .default([]);

export const containerSchema = z
  .object({
    /** Allocated at create time (pvesh get /cluster/nextid) when absent. */
    vmid: intBetween(100, 999999999).optional(),
    hostname: dnsLabel(),
    template: templateRef(),
    /** Target node; the local node when absent. */
    node: nodeName().optional(),
    resources: resourcesSchema,
    /** Root disk storage; taken from /etc/pxdeploy/config.yaml when absent. */
    storage_pool: storageId().optional(),
    network: networkSchema,
    start_on_boot: z.boolean().default(false),
    unprivileged: z.boolean().default(true),
    features: featuresSchema,
    mount_points: mountPointsSchema,
    devices: devicesSchema,
    tags: tagsSchema,
    /** pct stores at most 8192 characters. */
    description: z.string().max(8192).optional(),
  })
  .strict();

export type ContainerConfig = z.output<typeof containerSchema>;
