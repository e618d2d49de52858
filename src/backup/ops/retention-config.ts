// Retention settings: PVE's keep-* vocabulary from flags, else from /etc/pxdeploy/config.yaml `backup.retention`.
import YAML from 'yaml';
import { z } from 'zod';
import { UsageError } from '../../errors.js';
import type { Effects } from '../../effects/types.js';
import type { Paths } from '../../state/paths.js';
import { KEEP_RULES, type PruneOptions } from '../retention.js';

const count = z.number().int().min(0);
const retentionSchema = z
  .object(Object.fromEntries([...KEEP_RULES.map((r) => [r, count.optional()]), ['keep-all', z.boolean().optional()]]) as Record<string, z.ZodTypeAny>)
  .strict();

/** `backup: { retention: { keep-last: 7, keep-weekly: 4 } }` in the config file; empty when absent. */
export async function configuredRetention(fx: Pick<Effects, 'readFile'>, paths: Paths): Promise<PruneOptions> {
  const text = await fx.readFile(paths.configFile);
  if (text === undefined) return {};
  const doc = (YAML.parse(text) ?? {}) as { backup?: { retention?: unknown } };
  const raw = doc.backup?.retention;
  if (raw === undefined) return {};
  const parsed = retentionSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`${paths.configFile}: backup.retention: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'} ${i.message}`).join('; ')}`);
  return parsed.data as PruneOptions;
}

/** Flags win rule by rule over the config file. */
export function mergeRetention(config: PruneOptions, flags: PruneOptions): PruneOptions {
  return { ...config, ...Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) };
}
