// The instance's configuration in a backup (`config/instance.yaml`, the host file /etc/pxdeploy/instances/<id>.yaml) and how a restore puts it back.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { prepareAppConfig } from '../../instances/app-config.js';
import type { InstanceConfig } from '../../instances/config-schema.js';
import { parseOrThrow, type LoadedInstance } from '../../instances/load.js';
import { writeAppConfig } from '../../instances/runtime.js';
import { REDACTED, redactSecrets } from '../../log/redact.js';

/** Entry name in the archive. */
export const INSTANCE_CONFIG_ENTRY = 'config/instance.yaml';

/** What goes into the backup: the instance config as the host has it, secrets redacted like every other text; undefined when it cannot be read. */
export async function instanceConfigText(inst: LoadedInstance): Promise<string | undefined> {
  const text = await readFile(inst.file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : redactSecrets(text);
}

export interface ConfigRestore {
  text: string;
  config: InstanceConfig;
  /** The file as it was, to put back when the restore is undone. */
  previous: { text: string; config: InstanceConfig };
}

/**
 * Read before anything stops: undefined when the archive has no config (an older backup) or it equals
 * the current one. A config whose redacted values differ cannot be written back blindly (the real
 * values are gone), so the current one is kept and the caller is told why; an invalid one refuses.
 */
export async function planConfigRestore(inst: LoadedInstance, extracted: string, warn: (m: string) => void): Promise<ConfigRestore | undefined> {
  const archived = await readFile(path.join(extracted, INSTANCE_CONFIG_ENTRY), 'utf8').catch(() => undefined);
  if (archived === undefined) return undefined;
  const current = await readFile(inst.file, 'utf8');
  if (archived === current || archived === redactSecrets(current)) return undefined;
  if (archived.includes(REDACTED)) {
    warn(`the backup's ${INSTANCE_CONFIG_ENTRY} differs from ${inst.file} but has redacted values; the current config is kept (compare them by hand)`);
    return undefined;
  }
  const parsed = parseOrThrow(archived, `${INSTANCE_CONFIG_ENTRY} in the backup`);
  if (parsed.config.app !== inst.config.app) throw new UsageError(`the backup's ${INSTANCE_CONFIG_ENTRY} is for app ${parsed.config.app}, this instance runs ${inst.config.app}`);
  return { text: archived, config: parsed.config, previous: { text: current, config: inst.config } };
}

/** The URL the instance answers on: the one recorded at install, else its hostname (an instance installed before URLs were recorded). */
export const instanceUrl = (recorded: string | undefined, config: InstanceConfig): string => recorded ?? `http://${config.container.hostname}/`;

/** Where a restore keeps the config it replaces until it is done, so a restore killed after the write can put it back. */
export const replacedConfigPath = (file: string, stamp: string): string => `${file}.pre-restore-${stamp}`;

/** Writes the instance config and renders the app's own config file in the CT from it (with the kept secrets). */
export async function applyInstanceConfig(ctx: Context, inst: Pick<LoadedInstance, 'id' | 'file' | 'app'>, vmid: number, url: string, text: string, config: InstanceConfig): Promise<void> {
  await ctx.effects.writeFile(inst.file, text, { mode: 0o640 });
  const prepared = await prepareAppConfig(ctx.paths, inst.id, inst.app, config);
  await writeAppConfig(ctx, vmid, inst.app, inst.id, prepared, config.public_url ?? url);
}
