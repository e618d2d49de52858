// The record of pulled OCI archives (/var/lib/pxdeploy/oci/index.json): ref, digest, size, volid, time.
import { z } from 'zod';
import type { Paths } from '../state/paths.js';
import { defineStateSchema, readJson } from '../state/json-file.js';
import { updateJson, type StateEffects } from '../state/update-json.js';

const entrySchema = z
  .object({
    ref: z.string(),
    image: z.string(),
    tag: z.string().optional(),
    digest: z.string(),
    size: z.number().int().nonnegative(),
    /** `local:vztmpl/app_1.0.tar` */
    volid: z.string(),
    storage: z.string(),
    /** Absolute path in the storage's template cache. */
    path: z.string(),
    pulled_at: z.string(),
  })
  .strict();

const indexSchema = z.object({ schemaVersion: z.literal(1), archives: z.array(entrySchema) }).strict();

export type OciArchive = z.output<typeof entrySchema>;
export type OciIndex = z.output<typeof indexSchema>;
export const OCI_INDEX = defineStateSchema('OCI archive index', 1, indexSchema);

export async function readOciIndex(paths: Paths, fx?: Pick<StateEffects, 'readFile'>): Promise<OciArchive[]> {
  return (await readJson(paths.ociIndexFile, OCI_INDEX, fx))?.archives ?? [];
}

/** Replace (by volid) or add one entry, under the index's short lock. */
export async function recordArchive(fx: StateEffects, paths: Paths, entry: OciArchive): Promise<void> {
  await updateJson(fx, paths.ociIndexFile, OCI_INDEX, (cur) => ({
    schemaVersion: 1 as const,
    archives: [...(cur?.archives ?? []).filter((a) => a.volid !== entry.volid), entry].sort((a, b) => a.volid.localeCompare(b.volid)),
  }));
}

export async function forgetArchive(fx: StateEffects, paths: Paths, volid: string): Promise<void> {
  await updateJson(fx, paths.ociIndexFile, OCI_INDEX, (cur) => (cur ? { schemaVersion: 1 as const, archives: cur.archives.filter((a) => a.volid !== volid) } : undefined));
}
