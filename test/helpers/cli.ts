// Runs the built pxdeploy binary as a user would, with pvesim first on PATH and a throwaway PXDEPLOY_ROOT.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * The same, without blocking the test worker: long runs (a CT create takes seconds) must let vitest's
 * own messages through, or it reports "Timeout calling onTaskUpdate".
 */
export function pxdeployAsync(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const PATH = [opts.pathPrefix, pvesimBin, process.env.PATH].filter(Boolean).join(':');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binary, ...args], { env: { ...process.env, PATH, PXDEPLOY_ROOT: opts.root ?? makeRoot(), ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
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

/** Runs a pvesim host tool directly, to arrange or inspect host state around a pxdeploy call; `node`: as pvesim's several-nodes mode runs it on that node. */
export function hostTool(tool: 'pct' | 'pveam' | 'pvesm' | 'pvesh', args: string[], node?: string): RunResult {
  const env = node === undefined ? process.env : { ...process.env, PVESIM_NODE: node };
  const r = spawnSync(path.join(pvesimBin, tool), args, { encoding: 'utf8', timeout: 300_000, env });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export const BUSYBOX_TEMPLATE = 'local:vztmpl/busybox-1.35-default_20251101_amd64.tar.xz';

/**
 * Stand-ins for the host tools in tests without pvesim: each records its argv and answers from
 * `answers` (keyed by the argv joined with spaces, e.g. `pct list`); anything else exits 99.
 */
export function stubHostTools(answers: Record<string, string> = {}): { dir: string; calls(): string[] } {
  const dir = makeRoot('pxdeploy-stubs-');
  const log = path.join(dir, 'calls.log');
  const table = path.join(dir, 'answers.json');
  writeFileSync(table, JSON.stringify(answers));
  for (const tool of HOST_TOOLS) {
    const shim = path.join(dir, tool);
    writeFileSync(
      shim,
      `#!${process.execPath}\nconst fs = require('fs');\nconst argv = ['${tool}', ...process.argv.slice(2)].join(' ');\nfs.appendFileSync(${JSON.stringify(log)}, argv + '\\n');\nconst a = JSON.parse(fs.readFileSync(${JSON.stringify(table)}, 'utf8'));\nif (argv in a) process.stdout.write(a[argv]); else { process.stderr.write('stub: unexpected ' + argv + '\\n'); process.exit(99); }\n`,
    );
    chmodSync(shim, 0o755);
  }
  return { dir, calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []) };
}

/** Every file under `dir` with its content hash, mode and link target: equal snapshots mean nothing changed. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const st = lstatSync(p);
      const rel = path.relative(dir, p);
      if (st.isSymbolicLink()) out[rel] = `link ${readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[rel] = `dir ${st.mode.toString(8)}`;
        walk(p);
      } else out[rel] = `file ${st.mode.toString(8)} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
    }
  };
  walk(dir);
  return out;
}
