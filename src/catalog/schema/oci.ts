// `oci:` — run the app's OCI image as a PVE 9.1 application container: image, ports, env, volumes, devices, resources, health, traps.
import { z } from 'zod';
import { intBetween, linuxName } from '../../config/schema/primitives.js';
import { show } from '../../config/problems/show.js';
import { envSchema } from './env.js';
import { healthSchema } from './health.js';
import { imageName, imageTag } from './oci-image.js';
import { absolutePath, port, text } from './primitives.js';
import { trapSchema } from './traps.js';

export const portSchema = z
  .object({
    port: port(),
    protocol: z.enum(['tcp', 'udp']).default('tcp'),
    description: text(),
  })
  .strict();

/** A volume name becomes part of a PVE mount point and of backup paths: keep it short and plain. */
const volumeName = z.string().superRefine((s, ctx) => {
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(s)) ctx.addIssue({ code: 'custom', message: `${show(s)} is not a volume name: lower-case letters, digits and "-", starting with a letter, at most 32` });
});

export const volumeSchema = z
  .object({
    name: volumeName,
    path: absolutePath(),
    description: text().optional(),
    /** Default size in GB of the PVE volume made for it (it lives on the rootfs when absent). */
    size: intBetween(1, 65536).optional(),
  })
  .strict();

const devicePath = z.string().superRefine((p, ctx) => {
  if (!/^\/dev\/[A-Za-z0-9_/-]+$/.test(p) || p.includes('/.')) ctx.addIssue({ code: 'custom', message: `${show(p)} is not a device path under /dev/` });
});

/** A host device passed through (pct devN); `group` is the group that must be able to open it inside the CT. */
export const deviceSchema = z
  .object({
    path: devicePath,
    group: linuxName('group').optional(),
    description: text().optional(),
    optional: z.boolean().default(true),
  })
  .strict();

export const ociResourcesSchema = z
  .object({
    cores: intBetween(1, 128).default(1),
    /** MB */
    memory: intBetween(16, 524288).default(512),
    /** GB of root disk */
    disk: intBetween(1, 8192).default(4),
  })
  .strict()
  .default({});

export const ociSchema = z
  .object({
    image: imageName(),
    tag: imageTag(),
    /** Other tags known to work (or to fail, said in `notes`); informational. */
    other_tags: z.array(imageTag()).default([]),
    /** false for a plain-HTTP registry: skopeo then needs --src-tls-verify=false. */
    registry_tls: z.boolean().default(true),
    ports: z.array(portSchema).min(1),
    env: envSchema,
    volumes: z.array(volumeSchema).default([]),
    devices: z.array(deviceSchema).default([]),
    resources: ociResourcesSchema,
    health: healthSchema,
    unprivileged: z.boolean().default(true),
    notes: z.array(text()).default([]),
    traps: z.array(trapSchema).default([]),
  })
  .strict();

export type OciApp = z.output<typeof ociSchema>;
export type OciPort = z.output<typeof portSchema>;
export type OciVolume = z.output<typeof volumeSchema>;
