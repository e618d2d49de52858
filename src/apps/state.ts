// App records (/var/lib/pxdeploy/apps/<hostname>.json): package, image digest, vmid, network, volumes, env with secrets masked.
import { readdir } from 'node:fs/promises';
import { z } from 'zod';
import type { Paths } from '../state/paths.js';
import { defineStateSchema, readJson, writeState } from '../state/json-file.js';
import type { StateEffects } from '../state/update-json.js';

export const MASK = '***';

const archiveRef = z.object({ volid: z.string(), path: z.string() }).strict();

const appStateSchema = z
  .object({
    schemaVersion: z.literal(1),
    hostname: z.string(),
    package: z.string(),
    vmid: z.number().int(),
    node: z.string(),
    image: z.string(),
    tag: z.string().optional(),
    digest: z.string(),
    archive: archiveRef,
    /** The archive (and digest) `app update` replaced: kept for rollback, and protected from `oci rm`. */
    previous: z.object({ tag: z.string().optional(), digest: z.string(), archive: archiveRef }).strict().optional(),
    storage: z.string(),
    network: z.object({ bridge: z.string(), ip: z.string(), gateway: z.string().optional() }).strict(),
    /** The variables pxdeploy set (package defaults, --set, generated secrets); secrets as `***`. Values live in the CT config. */
    env: z.record(z.string()),
    secret_keys: z.array(z.string()),
    volumes: z.array(z.object({ name: z.string(), path: z.string(), host: z.string() }).strict()),
    url: z.string(),
    installed_at: z.string(),
    updated_at: z.string().optional(),
  })
  .strict();

export type AppState = z.output<typeof appStateSchema>;
export const APP_STATE = defineStateSchema('app state', 1, appStateSchema);

export function readAppState(paths: Paths, hostname: string, fx?: Pick<StateEffects, 'readFile'>): Promise<AppState | undefined> {
  return readJson(paths.appState(hostname), APP_STATE, fx);
}

export function writeAppState(fx: StateEffects, paths: Paths, state: AppState): Promise<void> {
  return fx.guard(paths.appState(state.hostname), () => writeState(fx, paths.appState(state.hostname), APP_STATE, state));
}

/** Every app record, by hostname. */
export async function listApps(paths: Paths): Promise<AppState[]> {
  const names = await readdir(paths.appsDir).catch(() => [] as string[]);
  const out: AppState[] = [];
  for (const n of names.filter((f) => f.endsWith('.json')).sort()) {
    const s = await readAppState(paths, n.slice(0, -5));
    if (s) out.push(s);
  }
  return out;
}

/** `web` or `410` → its record. */
export async function findApp(paths: Paths, ref: string): Promise<AppState | undefined> {
  if (/^\d+$/.test(ref)) return (await listApps(paths)).find((a) => a.vmid === Number(ref));
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(ref) ? readAppState(paths, ref) : undefined;
}

export function maskEnv(env: Record<string, string>, secretKeys: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, secretKeys.includes(k) ? MASK : v]));
}
