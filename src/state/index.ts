// State on disk: host paths, atomic versioned JSON files, the short state lock, instance state and registry.
export type { Paths } from './paths.js';
export { makePaths, assertSafeId } from './paths.js';
export type { StateSchema, WriteJsonOptions } from './json-file.js';
export { defineStateSchema, parseStateText, readJson, writeState } from './json-file.js';
export type { Update } from './update-json.js';
export { REMOVE, updateJson } from './update-json.js';
export type { StateEffects } from './update-json.js';
export { withFileGuard } from './file-guard.js';
export type { Color, InstanceState, InstanceStatus, OperationStatus } from './instance-state.js';
export {
  COLORS,
  INSTANCE_STATE,
  INSTANCE_STATUSES,
  OPERATION_STATUSES,
  instanceStateSchema,
  readInstanceState,
  removeInstanceState,
  updateInstanceState,
  writeInstanceState,
} from './instance-state.js';
export type { RegisteredInstance, Registry, RegistryEntry } from './registry.js';
export { REGISTRY, listRegisteredInstances, readRegistry, registerInstance, unregisterInstance } from './registry.js';
