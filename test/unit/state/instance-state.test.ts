// Instance state store and registry: the seed's Deployment State schema, identity checks, short-lock updates.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptStateError } from '../../../src/errors.js';
import { RecordingRunner } from '../../../src/host/recording-runner.js';
import { testContext } from '../../helpers/context.js';
import type { InstanceState, Paths } from '../../../src/state/index.js';
import {
  REMOVE,
  listRegisteredInstances,
  makePaths,
  readInstanceState,
  readRegistry,
  registerInstance,
  removeInstanceState,
  unregisterInstance,
  updateInstanceState,
  writeInstanceState,
} from '../../../src/state/index.js';

let root: string;
let paths: Paths;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pxdeploy-inst-'));
  paths = makePaths(root);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));
const fx = () => testContext(new RecordingRunner(), { root }).ctx.effects;

const running: InstanceState = {
  schemaVersion: 1,
  instance_id: 'vikunja-main',
  container_id: 100,
  status: 'running',
  active_color: 'blue',
  last_operation: 'update',
  last_operation_time: '2025-10-19T10:30:00Z',
  last_operation_status: 'success',
  deployed_version: 'v0.23.0',
  deployed_commit: 'abc123def',
  uptime_start: '2025-10-19T09:00:00Z',
};

describe('instance state', () => {
  it('round-trips the seed example at /var/lib/pxdeploy/state/<id>.state', async () => {
    await writeInstanceState(fx(), paths, running);
    const file = path.join(root, 'var/lib/pxdeploy/state/vikunja-main.state');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(running);
    expect(await readInstanceState(paths, 'vikunja-main')).toEqual(running);
    expect(await readInstanceState(paths, 'other')).toBeUndefined();
  });

  it('optional fields may be absent; enums are enforced on write and on read', async () => {
    const { deployed_commit: _c, uptime_start: _u, ...minimal } = running;
    await writeInstanceState(fx(), paths, { ...minimal, status: 'deploying', last_operation_status: 'in_progress' });
    await expect(writeInstanceState(fx(), paths, { ...running, status: 'exploded' as never })).rejects.toThrow(/status/);
    await expect(writeInstanceState(fx(), paths, { ...running, active_color: 'red' as never })).rejects.toThrow(/active_color/);
    await expect(writeInstanceState(fx(), paths, { ...running, last_operation_time: 'yesterday' })).rejects.toThrow(/last_operation_time/);
    const file = paths.stateFile('vikunja-main');
    writeFileSync(file, JSON.stringify({ ...running, last_operation_status: 'meh' }));
    await expect(readInstanceState(paths, 'vikunja-main')).rejects.toThrow(/last_operation_status/);
  });

  it('a state file naming another instance is corrupt', async () => {
    mkdirSync(paths.stateDir, { recursive: true });
    writeFileSync(paths.stateFile('copy'), JSON.stringify(running));
    const err = await readInstanceState(paths, 'copy').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptStateError);
    expect((err as Error).message).toMatch(/instance_id "vikunja-main" does not match the file name \(copy\)/);
  });

  it('updates under the short lock: running → updating → running, then removal', async () => {
    await writeInstanceState(fx(), paths, running);
    const updating = await updateInstanceState(fx(), paths, 'vikunja-main', (cur) => cur && { ...cur, status: 'updating', last_operation_status: 'in_progress' });
    expect(updating?.status).toBe('updating');
    await updateInstanceState(fx(), paths, 'vikunja-main', (cur) => cur && { ...cur, status: 'running', active_color: 'green', last_operation_status: 'success' });
    expect(await readInstanceState(paths, 'vikunja-main')).toMatchObject({ status: 'running', active_color: 'green' });
    await expect(updateInstanceState(fx(), paths, 'vikunja-main', (cur) => cur && { ...cur, instance_id: 'x' })).rejects.toThrow(/returned instance_id x/);
    await updateInstanceState(fx(), paths, 'vikunja-main', () => REMOVE);
    expect(await readInstanceState(paths, 'vikunja-main')).toBeUndefined();
    expect(await removeInstanceState(fx(), paths, 'vikunja-main')).toBe(false);
  });
});

describe('registry', () => {
  it('is empty when absent; register, list sorted, unregister', async () => {
    expect(await readRegistry(paths)).toEqual({ schemaVersion: 1, instances: {} });
    await Promise.all([
      registerInstance(fx(), paths, 'vikunja-test', { container_id: 101, created_at: '2025-10-19T11:00:00Z' }),
      registerInstance(fx(), paths, 'vikunja-main', { container_id: 100, created_at: '2025-10-19T10:00:00Z' }),
    ]);
    expect(await listRegisteredInstances(paths)).toEqual([
      { id: 'vikunja-main', container_id: 100, created_at: '2025-10-19T10:00:00Z' },
      { id: 'vikunja-test', container_id: 101, created_at: '2025-10-19T11:00:00Z' },
    ]);
    expect(JSON.parse(readFileSync(path.join(root, 'var/lib/pxdeploy/instances.json'), 'utf8')).schemaVersion).toBe(1);
    expect(await unregisterInstance(fx(), paths, 'vikunja-test')).toBe(true);
    expect(await unregisterInstance(fx(), paths, 'vikunja-test')).toBe(false);
    expect((await listRegisteredInstances(paths)).map((i) => i.id)).toEqual(['vikunja-main']);
  });

  it('a registry with an unsafe id or a newer schema is corrupt', async () => {
    mkdirSync(path.dirname(paths.registryFile), { recursive: true });
    writeFileSync(paths.registryFile, JSON.stringify({ schemaVersion: 1, instances: { '../x': { container_id: 100, created_at: '2025-10-19T10:00:00Z' } } }));
    await expect(readRegistry(paths)).rejects.toThrow(/not a valid instance id/);
    writeFileSync(paths.registryFile, JSON.stringify({ schemaVersion: 2, instances: {} }));
    await expect(readRegistry(paths)).rejects.toThrow(/schemaVersion 2 is newer/);
  });
});
