// Deployment State of one blue/green instance (`/var/lib/pxdeploy/state/<id>.state`), per the seed.
import { z } from 'zod';
import { CorruptStateError } from '../errors.js';
import type { Paths } from './paths.js';
import { defineStateSchema, readJson, writeState } from './json-file.js';
import type { Update } from './update-json.js';
import { updateJson, type StateEffects } from './update-json.js';

export const INSTANCE_STATUSES = ['deploying', 'running', 'updating', 'stopped', 'failed'] as const;
export const COLORS = ['blue', 'green'] as const;
export const OPERATION_STATUSES = ['success', 'failure', 'in_progress'] as const;

export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];
export type Color = (typeof COLORS)[number];
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

/** ISO 8601 with an explicit zone (`Z` or `+hh:mm`), as the seed requires for timestamps. */
export const isoTime = z.string().datetime({ offset: true });

/** What one colour runs: recorded when it is deployed, kept after a switch so rollback knows what it returns to. */
export const colorDeploymentSchema = z
  .object({
    version: z.string().min(1),
    /** Commit of each git-sourced component (`backend`, `mcp`). */
    commits: z.record(z.string(), z.string().min(1)).optional(),
    deployed_at: isoTime,
    /** `ready` once it passed the health gate; `failed` when it did not (left stopped). */
    health: z.enum(['unknown', 'ready', 'failed']),
  })
  .strict();

export type ColorDeployment = z.infer<typeof colorDeploymentSchema>;

export const instanceStateSchema = z
  .object({
    schemaVersion: z.literal(1),
    instance_id: z.string().min(1),
    container_id: z.number().int().min(100).max(999_999_999),
    status: z.enum(INSTANCE_STATUSES),
    active_color: z.enum(COLORS),
    last_operation: z.string().min(1),
    last_operation_time: isoTime,
    last_operation_status: z.enum(OPERATION_STATUSES),
    deployed_version: z.string().min(1),
    deployed_commit: z.string().min(1).optional(),
    uptime_start: isoTime.optional(),
    /** Blue/green detail (optional: the seed's fields above stay the contract). */
    app: z.string().min(1).optional(),
    colors: z.object({ blue: colorDeploymentSchema.optional(), green: colorDeploymentSchema.optional() }).strict().optional(),
    /** The step of the operation in progress (or the one it failed or was interrupted at). */
    operation_step: z.string().min(1).optional(),
    last_error: z.string().optional(),
    /** Where the frontend answers, e.g. `http://10.203.0.60/`. */
    url: z.string().optional(),
    /** File name of the last update's pre-update backup (in /var/backups/pxdeploy/<id>/): retention never removes it. */
    pre_update_backup: z.string().min(1).optional(),
    /** Set while a restore has the app stopped: the suffix of its safety copies in the CT (`<path>.pre-restore-<stamp>`). */
    restore_stamp: z.string().min(1).optional(),
  })
  .strict();

export type InstanceState = z.infer<typeof instanceStateSchema>;

export const INSTANCE_STATE = defineStateSchema('instance state', 1, instanceStateSchema);

/** The file name is the identity: a state file claiming another instance is corrupt, not merely odd. */
function checkId(file: string, id: string, state: InstanceState | undefined): InstanceState | undefined {
  if (state && state.instance_id !== id) {
    throw new CorruptStateError(file, `instance_id ${JSON.stringify(state.instance_id)} does not match the file name (${id})`);
  }
  return state;
}

export async function readInstanceState(paths: Paths, id: string): Promise<InstanceState | undefined> {
  const file = paths.stateFile(id);
  return checkId(file, id, await readJson(file, INSTANCE_STATE));
}

/** Overwrite the whole state (validated); prefer updateInstanceState when the old state matters. */
export async function writeInstanceState(fx: StateEffects, paths: Paths, state: InstanceState): Promise<void> {
  await writeState(fx, paths.stateFile(state.instance_id), INSTANCE_STATE, state);
}

/** Read-modify-write under the short state lock; see updateJson for the meaning of the return value. */
export async function updateInstanceState(
  fx: StateEffects,
  paths: Paths,
  id: string,
  fn: (current: InstanceState | undefined) => Update<InstanceState> | Promise<Update<InstanceState>>,
): Promise<InstanceState | undefined> {
  const file = paths.stateFile(id);
  return updateJson(fx, file, INSTANCE_STATE, async (current) => {
    const next = await fn(checkId(file, id, current));
    if (next && typeof next === 'object' && next.instance_id !== id) {
      throw new Error(`state update for ${id} returned instance_id ${next.instance_id}`);
    }
    return next;
  });
}

/** Uninstall: `(any) → stopped → null (deleted)`. True when there was a state file. */
export async function removeInstanceState(fx: StateEffects, paths: Paths, id: string): Promise<boolean> {
  const existed = (await readInstanceState(paths, id)) !== undefined;
  if (existed) await fx.remove(paths.stateFile(id));
  return existed;
}
