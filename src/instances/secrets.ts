// Secrets an instance's app config needs (Vikunja's service.secret): generated once, kept on the host, never printed.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../context.js';
import { ExitCode, PxError } from '../errors.js';
import type { OperationLog } from '../log/types.js';
import type { Paths } from '../state/paths.js';
import { assertSafeId } from '../state/paths.js';
import type { AppModel } from './app-model.js';

export interface InstanceSecrets {
  values: Record<string, string>;
  /** Names made now; `saveSecrets` writes them so an update or reinstall reuses the same values. */
  generated: string[];
}

/** Next to the instance config, readable by root only. */
export function secretsFile(paths: Paths, id: string): string {
  return path.join(paths.instanceConfigDir, `${assertSafeId(id)}.secrets.json`);
}

/** The stored secrets, plus any the catalog names that are missing, generated (in memory) with its recipe. */
export async function loadSecrets(paths: Paths, id: string, app: AppModel, gen: (bytes: number) => Buffer = randomBytes): Promise<InstanceSecrets> {
  const file = secretsFile(paths, id);
  let stored: Record<string, string> = {};
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text !== undefined) {
    try {
      stored = JSON.parse(text) as Record<string, string>;
    } catch {
      throw new PxError(`${file} is not valid JSON`, ExitCode.other, 'restore it from a backup, or delete it to generate new secrets (users are logged out)');
    }
  }
  const values: Record<string, string> = {};
  const generated: string[] = [];
  for (const [name, recipe] of Object.entries(app.bg.config.secrets ?? {})) {
    const kept = stored[name];
    if (typeof kept === 'string' && kept !== '') values[name] = kept;
    else {
      values[name] = gen(recipe.bytes).toString(recipe.encoding);
      generated.push(name);
    }
  }
  return { values, generated };
}

/** Register every value for redaction, and store newly generated ones (0600) before anything uses them. */
export async function saveSecrets(ctx: Context, id: string, secrets: InstanceSecrets): Promise<void> {
  // The CLI's operation log can learn secrets late; test and read-only loggers have nothing to register with.
  const log = ctx.log as Partial<OperationLog>;
  for (const v of Object.values(secrets.values)) log.addSecret?.(v);
  if (secrets.generated.length === 0) return;
  await ctx.effects.mkdir(ctx.paths.instanceConfigDir);
  await ctx.effects.writeFile(secretsFile(ctx.paths, id), `${JSON.stringify(secrets.values, null, 2)}\n`, { mode: 0o600 });
}
