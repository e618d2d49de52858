// Runs the built pxdeploy binary as a user would, with pvesim first on PATH and a throwaway PXDEPLOY_ROOT.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, chmodSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const pvesimBin = path.join(repoRoot, 'test/pvesim/bin');
const binary = path.join(repoRoot, 'bin/pxdeploy.js');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  root?: string;
  env?: Record<string, string>;
  input?: string;
  /** Directory put before pvesim on PATH (e.g. a host-command tripwire). */
  pathPrefix?: string;
}

const madeDirs: string[] = [];
// Temporary roots and shims go after each test file, whatever the outcome.
afterAll(() => {
  for (const d of madeDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function makeRoot(prefix = 'pxdeploy-e2e-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  madeDirs.push(dir);
  return dir;
}

export function pxdeploy(args: string[], opts: RunOptions = {}): RunResult {
  const PATH = [opts.pathPrefix, pvesimBin, process.env.PATH].filter(Boolean).join(':');
  const r = spawnSync(process.execPath, [binary, ...args], {
    encoding: 'utf8',
    input: opts.input ?? '',
    env: { ...process.env, PATH, PXDEPLOY_ROOT: opts.root ?? makeRoot(), ...opts.env },
    timeout: 600_000,
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const HOST_TOOLS = ['pct', 'pveam', 'pvesm', 'pvesh', 'skopeo', 'vzdump'];

/**
 * A tripwire for "runs no host command": shims that record each call and then exec the real
 * pvesim/host tool, so behaviour is unchanged and any call shows up in the returned log.
 */
export function hostCommandTripwire(): { dir: string; calls(): string[] } {
  const dir = makeRoot('pxdeploy-tripwire-');
  const log = path.join(dir, 'calls.log');
  for (const tool of HOST_TOOLS) {
    const shim = path.join(dir, tool);
    const next = `PATH="${pvesimBin}:$(printf %s "$PATH" | sed "s#^${dir}:##")"`;
    writeFileSync(shim, `#!/bin/sh\nprintf '%s\\n' "${tool} $*" >> '${log}'\n${next} exec ${tool} "$@"\n`);
    chmodSync(shim, 0o755);
  }
  return { dir, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []) };
}

/** Runs a pvesim host tool directly, to arrange or inspect host state around a pxdeploy call. */
export function hostTool(tool: 'pct' | 'pveam' | 'pvesm' | 'pvesh', args: string[]): RunResult {
  const r = spawnSync(path.join(pvesimBin, tool), args, { encoding: 'utf8', timeout: 300_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export const BUSYBOX_TEMPLATE = 'local:vztmpl/busybox-1.35-default_20251101_amd64.tar.xz';
