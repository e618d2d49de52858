// Running host commands synchronously with argv arrays (never a shell) and PVE's failure text.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { PveError } from './errors.js';

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string | Buffer;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** PVE::Tools::cmd2string: words joined by spaces, quoted only when they need it. */
export function cmdString(cmd: string, args: string[]): string {
  return [cmd, ...args].map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'"'"'`)}'`)).join(' ');
}

export function run(cmd: string, args: string[], opts: RunOptions = {}): RunResult {
  const spawnOpts: SpawnSyncOptions = {
    input: opts.input,
    cwd: opts.cwd ?? '/',
    env: opts.env ?? process.env,
    maxBuffer: 256 * 1024 * 1024,
    encoding: 'utf8',
    timeout: opts.timeoutMs,
  };
  const res = spawnSync(cmd, args, spawnOpts);
  if (res.error) {
    const code = (res.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { status: 127, stdout: '', stderr: `${cmd}: command not found\n` };
    if (code !== 'ETIMEDOUT') throw res.error;
  }
  const status = res.status ?? (res.signal ? 128 + 9 : 1);
  return { status, stdout: String(res.stdout ?? ''), stderr: String(res.stderr ?? '') };
}

/** Run, and on failure throw `command '<cmd>' failed: exit code N` (PVE::Tools::run_command). */
export function runChecked(cmd: string, args: string[], opts: RunOptions = {}): RunResult {
  const res = run(cmd, args, opts);
  if (res.status !== 0) {
    const detail = res.stderr.trim();
    throw new PveError(`command '${cmdString(cmd, args)}' failed: exit code ${res.status}${detail ? `\n${detail}` : ''}`);
  }
  return res;
}

export function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
