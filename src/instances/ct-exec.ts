// Running argv inside the instance's CT and pushing files into it, with failures that name the command and its output.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Context } from '../context.js';
import { ExitCode, HostCommandError, PxError } from '../errors.js';
import type { CommandResult } from '../host/command.js';
import { tailLines } from '../host/failure.js';
import { pctExec, pctPush } from '../host/pct/argv.js';
import { classifyPveFailure } from '../host/pve-errors.js';
import { runPve } from '../host/pve-run.js';

export interface InCtOptions {
  /** Runs under --dry-run too (it only reads). */
  readOnly?: boolean;
  timeoutMs?: number;
  input?: string;
  /** Hand a non-zero exit back instead of throwing. */
  allowFailure?: boolean;
}

/** A command inside the CT failed: the step it belonged to, its argv and the tail of its output. */
export class InCtError extends PxError {
  constructor(vmid: number, argv: readonly string[], result: CommandResult) {
    const tail = tailLines([result.stdout.trimEnd(), result.stderr.trimEnd()].filter(Boolean).join('\n'), 15);
    super(`in CT ${vmid}: \`${argv.join(' ')}\` failed with exit code ${result.exitCode}${tail ? `\n${tail}` : ''}`, ExitCode.other, `inspect with \`pct exec ${vmid} -- …\``);
  }
}

export async function inCt(ctx: Context, vmid: number, argv: readonly string[], opts: InCtOptions = {}): Promise<CommandResult> {
  const cmd = pctExec(vmid, argv, {
    timeoutMs: opts.timeoutMs ?? 5 * 60_000,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
    ...(opts.readOnly ? { readOnly: true } : {}),
  });
  let r: CommandResult;
  try {
    r = await runPve(ctx.effects, cmd, { allowFailure: true });
  } catch (err) {
    if (err instanceof HostCommandError && err.timedOut) throw new PxError(`in CT ${vmid}: \`${argv.join(' ')}\` timed out`, ExitCode.other, undefined, { cause: err });
    throw err;
  }
  if (r.exitCode === 0 || opts.allowFailure) {
    // pct's own complaint (CT missing or stopped) is never the command's answer.
    if (r.exitCode !== 0) {
      const pve = classifyPveFailure(cmd, r.stderr);
      if (pve) throw pve;
    }
    return r;
  }
  const pve = classifyPveFailure(cmd, r.stderr);
  if (pve) throw pve;
  throw new InCtError(vmid, argv, r);
}

/** Write `content` to `dest` in the CT through a 0600 host scratch file (never through argv). */
export async function pushContent(ctx: Context, vmid: number, dest: string, content: string, perms = 0o644): Promise<void> {
  const tag = createHash('sha256').update(dest).digest('hex').slice(0, 12);
  const scratch = path.join(ctx.paths.scratchDir, `ct-${vmid}-${path.basename(dest)}-${tag}`);
  await ctx.effects.writeFile(scratch, content, { mode: 0o600 });
  try {
    await inCt(ctx, vmid, ['mkdir', '-p', path.dirname(dest)]);
    await runPve(ctx.effects, pctPush(vmid, scratch, dest, { perms }));
  } finally {
    await ctx.effects.remove(scratch);
  }
}

/** Push a host file (a release archive) into the CT. */
export async function pushFile(ctx: Context, vmid: number, file: string, dest: string): Promise<void> {
  await runPve(ctx.effects, pctPush(vmid, file, dest, { perms: 0o600 }));
}
