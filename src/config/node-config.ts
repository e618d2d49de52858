// /etc/pxdeploy/config.yaml, the parts templates and clones read: vmid ranges (`id_ranges`) and default storages (`storage`).
import YAML from 'yaml';
import { z } from 'zod';
import type { Effects } from '../effects/types.js';
import { ConfigError } from '../errors.js';
import type { Paths } from '../state/paths.js';

export interface IdRange {
  from: number;
  to: number;
}

/** `900-999`: written as YAML reads it unquoted (a string), inclusive at both ends. */
const rangeSchema = z.string().transform((text, ctx): IdRange => {
  const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(text);
  const from = Number(m?.[1]);
  const to = Number(m?.[2]);
  if (!m || from < 100 || to > 999_999_999 || from > to) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a vmid range like "900-999" (100 ≤ first ≤ last ≤ 999999999)` });
    return z.NEVER;
  }
  return { from, to };
});

const nodeConfigSchema = z
  .object({
    id_ranges: z
      .object({
        /** `template build` takes its vmids here. */
        templates: rangeSchema.default('900-999'),
        /** `clone` takes its vmids here. */
        services: rangeSchema.default('200-299'),
      })
      .strict()
      .default({}),
    storage: z
      .object({
        /** Where `template build` puts templates (bulk storage); else `local-hdd` when it exists, else the spec's. */
        templates: z.string().min(1).optional(),
        /** Where `clone` puts full clones (fast storage); else where the template is. */
        services: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
  })
  // Other sections (backup.retention, ...) belong to their own readers.
  .passthrough();

export type NodeConfig = z.output<typeof nodeConfigSchema>;

/** Defaults when the file is absent; every problem at once (ConfigError, exit 2) when a section is wrong. */
export async function readNodeConfig(fx: Pick<Effects, 'readFile'>, paths: Paths): Promise<NodeConfig> {
  const text = await fx.readFile(paths.configFile);
  let doc: unknown;
  try {
    doc = text === undefined ? {} : (YAML.parse(text) ?? {});
  } catch (err) {
    throw new ConfigError([{ file: paths.configFile, path: '', message: `not valid YAML: ${(err as Error).message.split('\n')[0]}` }]);
  }
  const parsed = nodeConfigSchema.safeParse(doc);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ file: paths.configFile, path: i.path.join('.'), message: i.message })));
  }
  return parsed.data;
}
