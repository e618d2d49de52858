// pxdeploy's record of the templates it built (/var/lib/pxdeploy/templates.json): vmid, storage, spec hash, when.
import path from 'node:path';
import { z } from 'zod';
import type { Context } from '../context.js';
import type { Paths } from '../state/paths.js';
import { defineStateSchema, readJson } from '../state/json-file.js';
import { updateJson, type StateEffects } from '../state/update-json.js';

export interface TemplateRecord {
  name: string;
  vmid: number;
  node: string;
  storage: string;
  specHash: string;
  builtAt: string;
  specFile?: string;
}

const recordSchema = z
  .object({
    name: z.string().min(1),
    vmid: z.number().int(),
    node: z.string(),
    storage: z.string(),
    specHash: z.string(),
    builtAt: z.string().datetime({ offset: true }),
    specFile: z.string().optional(),
  })
  .strict();

const templatesSchema = z.object({ schemaVersion: z.literal(1), templates: z.array(recordSchema) }).strict();
type TemplatesFile = z.output<typeof templatesSchema>;
const TEMPLATES = defineStateSchema('template records', 1, templatesSchema);

/** Next to the other pxdeploy state (instances.json), so PXDEPLOY_ROOT moves it too. */
export function templatesFile(paths: Paths): string {
  return path.join(path.dirname(paths.registryFile), 'templates.json');
}

/** Sorted by vmid. Reads through the effects seam so a dry run sees what it planned to write. */
export async function readTemplates(ctx: Context): Promise<TemplateRecord[]> {
  const doc = await readJson(templatesFile(ctx.paths), TEMPLATES, ctx.effects);
  return [...(doc?.templates ?? [])].sort((a, b) => a.vmid - b.vmid);
}

/** By name, or by vmid when the argument is all digits. */
export async function findTemplate(ctx: Context, nameOrVmid: string): Promise<TemplateRecord | undefined> {
  const all = await readTemplates(ctx);
  const byVmid = /^\d+$/.test(nameOrVmid) ? all.find((t) => t.vmid === Number(nameOrVmid)) : undefined;
  return byVmid ?? all.find((t) => t.name === nameOrVmid);
}

/** Replace the record of this name (and any other holding this vmid) with `record`. */
export async function saveTemplate(fx: StateEffects, paths: Paths, record: TemplateRecord): Promise<void> {
  await updateJson(fx, templatesFile(paths), TEMPLATES, (cur): TemplatesFile => ({
    schemaVersion: 1,
    templates: [...(cur?.templates ?? []).filter((t) => t.name !== record.name && t.vmid !== record.vmid), record],
  }));
}

/** Forget a template (after `--rebuild` destroyed it, before the new one is recorded). */
export async function forgetTemplate(fx: StateEffects, paths: Paths, name: string): Promise<void> {
  await updateJson(fx, templatesFile(paths), TEMPLATES, (cur): TemplatesFile | undefined =>
    cur ? { schemaVersion: 1, templates: cur.templates.filter((t) => t.name !== name) } : undefined,
  );
}
