// `logs`: the instance's operation log (or its services' journal inside the CT), last N lines, optionally followed.
import { open, readFile, stat } from 'node:fs/promises';
import type { Context } from '../context.js';
import { NotFoundError } from '../errors.js';
import { unitsOf } from './app-model.js';
import { inCt } from './ct-exec.js';
import type { LoadedInstance } from './load.js';
import { requireState } from './require-state.js';

export function lastLines(text: string, n: number): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.slice(Math.max(0, lines.length - n));
}

export async function operationLog(ctx: Context, id: string, n: number): Promise<{ file: string; lines: string[] }> {
  const file = ctx.paths.logFile(id);
  const text = await readFile(file, 'utf8').catch(() => {
    throw new NotFoundError(`no operation log for ${id} (${file})`);
  });
  return { file, lines: lastLines(text, n) };
}

/** The journal of both colours' units inside the CT. */
export async function serviceLog(ctx: Context, inst: LoadedInstance, n: number): Promise<string[]> {
  const state = await requireState(ctx, inst.id);
  const units = [...unitsOf(inst.app, 'blue'), ...unitsOf(inst.app, 'green')].flatMap((u) => ['-u', u]);
  const r = await inCt(ctx, state.container_id, ['journalctl', '--no-pager', '-o', 'short-iso', '-n', String(n), ...units], { readOnly: true, allowFailure: true });
  return lastLines(r.stdout, n);
}

/** Print what is appended to `file` until the signal stops us (the caller's process exits on SIGINT). */
export async function follow(file: string, write: (s: string) => void, signal?: AbortSignal): Promise<void> {
  let pos = (await stat(file)).size;
  while (!signal?.aborted) {
    await new Promise((r) => setTimeout(r, 500));
    const size = (await stat(file).catch(() => ({ size: pos }))).size;
    if (size < pos) pos = 0; // rotated
    if (size > pos) {
      const fh = await open(file, 'r');
      const buf = Buffer.alloc(size - pos);
      await fh.read(buf, 0, buf.length, pos);
      await fh.close();
      pos = size;
      write(buf.toString('utf8'));
    }
  }
}
