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
    /** Installed with --gpu: update and rollback pass the same devices through. */
    gpu: z.boolean().optional(),
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
export async function listApps(paths: Paths, fx?: Pick<StateEffects, 'readFile'>): Promise<AppState[]> {
  const names = await readdir(paths.appsDir).catch(() => [] as string[]);
  const out: AppState[] = [];
  for (const n of names.filter((f) => f.endsWith('.json')).sort()) {
    const s = await readAppState(paths, n.slice(0, -5), fx);
    if (s) out.push(s);
  }
  return out;
}

/** After an archive was moved aside (oci/pin.ts): every record naming `fromVolid` names `to` instead. Returns the hostnames changed. */
export async function repointArchive(fx: StateEffects, paths: Paths, fromVolid: string, to: { volid: string; path: string }): Promise<string[]> {
  const changed: string[] = [];
  for (const a of await listApps(paths, fx)) {
    const current = a.archive.volid === fromVolid;
    const previous = a.previous?.archive.volid === fromVolid;
    if (!current && !previous) continue;
    await writeAppState(fx, paths, { ...a, ...(current ? { archive: to } : {}), ...(previous && a.previous ? { previous: { ...a.previous, archive: to } } : {}) });
    changed.push(a.hostname);
  }
  return changed;
}

/** `web` or `410` → its record. */
export async function findApp(paths: Paths, ref: string): Promise<AppState | undefined> {
  if (/^\d+$/.test(ref)) return (await listApps(paths)).find((a) => a.vmid === Number(ref));
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(ref) ? readAppState(paths, ref) : undefined;
}

export function maskEnv(env: Record<string, string>, secretKeys: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, secretKeys.includes(k) ? MASK : v]));
}
