// pxdeploy's record of a CT it made (/var/lib/pxdeploy/containers/<vmid>.json): spec hash, provisioning progress, the failed step.
import { z } from 'zod';
import type { Paths } from '../state/paths.js';
import { defineStateSchema, readJson, writeState } from '../state/json-file.js';
import { updateJson, type StateEffects, type Update } from '../state/update-json.js';

const isoTime = z.string().datetime({ offset: true });

export const containerStateSchema = z
  .object({
    schemaVersion: z.literal(1),
    vmid: z.number().int(),
    hostname: z.string(),
    node: z.string(),
    /** sha256 of the validated spec (secrets included in the hash, never in the file). */
    spec_hash: z.string(),
    /** Where the spec came from, for `ct provision` without -f. */
    spec_file: z.string().optional(),
    created_at: isoTime,
    /** `provisioning` while steps run; `failed` names the step; `ready` when every step is done. */
    status: z.enum(['creating', 'provisioning', 'failed', 'ready']),
    steps_done: z.array(z.object({ id: z.string(), at: isoTime, ok: z.boolean() }).strict()),
    failed_step: z.object({ id: z.string(), at: isoTime, message: z.string(), output_tail: z.string() }).strict().optional(),
  })
  .strict();

export type ContainerState = z.output<typeof containerStateSchema>;
export const CONTAINER_STATE = defineStateSchema('container state', 1, containerStateSchema);

export function readContainerState(paths: Paths, vmid: number): Promise<ContainerState | undefined> {
  return readJson(paths.containerState(vmid), CONTAINER_STATE);
}

export function writeContainerState(fx: StateEffects, paths: Paths, state: ContainerState): Promise<void> {
  return writeState(fx, paths.containerState(state.vmid), CONTAINER_STATE, state);
}

export function updateContainerState(
  fx: StateEffects,
  paths: Paths,
  vmid: number,
  fn: (cur: ContainerState | undefined) => Update<ContainerState> | Promise<Update<ContainerState>>,
): Promise<ContainerState | undefined> {
  return updateJson(fx, paths.containerState(vmid), CONTAINER_STATE, fn);
}
