// Registry of blue/green instances (`/var/lib/pxdeploy/instances.json`): which ids exist and their container.
import { z } from 'zod';
import type { Paths } from './paths.js';
import { assertSafeId } from './paths.js';
import { defineStateSchema, readJson } from './json-file.js';
import { isoTime } from './instance-state.js';
import { updateJson, type StateEffects } from './update-json.js';

export const registryEntrySchema = z
  .object({
    container_id: z.number().int().min(100).max(999_999_999),
    created_at: isoTime,
  })
  .strict();

export const registrySchema = z
  .object({
    schemaVersion: z.literal(1),
    instances: z.record(
      z.string().refine((id) => {
        try {
          assertSafeId(id);
          return true;
        } catch {
          return false;
        }
      }, 'not a valid instance id'),
      registryEntrySchema,
    ),
  })
  .strict();

export type RegistryEntry = z.infer<typeof registryEntrySchema>;
export type Registry = z.infer<typeof registrySchema>;
export interface RegisteredInstance extends RegistryEntry {
  id: string;
}

export const REGISTRY = defineStateSchema('instance registry', 1, registrySchema);

const empty = (): Registry => ({ schemaVersion: 1, instances: {} });

/** The registry; an absent file is an empty registry (nothing installed yet). */
export async function readRegistry(paths: Paths): Promise<Registry> {
  return (await readJson(paths.registryFile, REGISTRY)) ?? empty();
}

/** Instances sorted by id, for `status` and for "exactly one instance" argument defaulting. */
export async function listRegisteredInstances(paths: Paths): Promise<RegisteredInstance[]> {
  const reg = await readRegistry(paths);
  return Object.entries(reg.instances)
    .map(([id, e]) => ({ id, ...e }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** Add or replace one instance, under the short registry lock. */
export async function registerInstance(fx: StateEffects, paths: Paths, id: string, entry: RegistryEntry): Promise<void> {
  assertSafeId(id);
  await updateJson(fx, paths.registryFile, REGISTRY, (cur) => {
    const reg = cur ?? empty();
    return { ...reg, instances: { ...reg.instances, [id]: entry } };
  });
}

/** Remove one instance; true when it was registered. An empty registry stays on disk (it anchors the schema version). */
export async function unregisterInstance(fx: StateEffects, paths: Paths, id: string): Promise<boolean> {
  let found = false;
  await updateJson(fx, paths.registryFile, REGISTRY, (cur) => {
    if (!cur || !(id in cur.instances)) return undefined;
    found = true;
    const { [id]: _gone, ...rest } = cur.instances;
    return { ...cur, instances: rest };
  });
  return found;
}
