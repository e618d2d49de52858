// Builds the operation Context for a command, and runs mutating operations with their log, lock-free plan and final line.
import { systemClock, type Context } from '../context.js';
import { ExitCode, PxError } from '../errors.js';
import { makePaths } from '../state/paths.js';
import type { OperationLog } from '../log/types.js';
import type { EffectLog } from '../effects/real.js';
import { emit, type CliIo } from './io.js';

const silentLog: EffectLog = { debug() {}, info() {}, warn() {}, error() {}, success() {}, effect() {} };

async function makeEffects(io: CliIo, log: EffectLog, redact?: (t: string) => string): Promise<Context['effects']> {
  const { ProcessRunner } = await import('../host/process-runner.js');
  const flags = io.flags();
  const base = { runner: new ProcessRunner(), paths: makePaths(), clock: systemClock, redact };
  if (flags.dryRun) {
    const { PlanEffects } = await import('../effects/plan.js');
    // Under --json the plan belongs in the result document, not interleaved on stdout.
    return new PlanEffects({ ...base, write: flags.json ? undefined : (line) => io.out(`${line}\n`) });
  }
  const { RealEffects } = await import('../effects/real.js');
  return new RealEffects({ ...base, log });
}

/** A context for commands that only read the host (lists, status): no operation log. */
export async function makeContext(io: CliIo): Promise<Context> {
  const flags = io.flags();
  return { effects: await makeEffects(io, silentLog), paths: makePaths(), clock: systemClock, flags, report: io.reporter(), log: silentLog };
}

export interface OperationSpec {
  /** The resource whose operation log (and usually lock) this is: an instance id, `ct-<vmid>`, ... */
  resource: string;
  /** Lowercase-dashed name written in every log line, e.g. `lock-release`. */
  operation: string;
  /** Values that must never be shown: masked in the log, the plan and the output. */
  secrets?: readonly (string | undefined)[];
}

/**
 * Run one mutating operation: open its log (not under --dry-run: a plan changes no file), perform
 * it through the effects seam, end the log with SUCCESS or ERROR and the exit code, and print the
 * result (with the `plan` of effects under --dry-run --json).
 */
export async function runOperation<R extends object>(
  io: CliIo,
  spec: OperationSpec,
  fn: (ctx: Context) => Promise<R>,
  render: (result: R) => string,
): Promise<void> {
  const flags = io.flags();
  const paths = makePaths();
  const { createRedactor } = await import('../log/redact.js');
  const redactor = createRedactor(spec.secrets?.filter((s): s is string => !!s) ?? []);
  const redact = (t: string) => redactor.redact(t);
  let log: OperationLog | undefined;
  if (!flags.dryRun) {
    const { openOperationLog } = await import('../log/index.js');
    log = await openOperationLog({ paths, resourceId: spec.resource, operation: spec.operation, secrets: spec.secrets });
  }
  const effects = await makeEffects(io, log ?? silentLog, redact);
  const ctx: Context = { effects, paths, clock: systemClock, flags, report: io.reporter(), log: log ?? silentLog };
  try {
    const result = await fn(ctx);
    log?.finish(ExitCode.ok, `${spec.operation} done`);
    const plan = effects.plan;
    emit(io, plan ? { ...result, dryRun: true, plan } : result, () =>
      plan ? `dry run: nothing was changed (${plan.length} planned effect${plan.length === 1 ? '' : 's'} above); the real run would report:\n${render(result)}` : render(result),
    );
  } catch (err) {
    const code = err instanceof PxError ? err.exitCode : ExitCode.other;
    log?.finish(code, `${spec.operation} failed: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  } finally {
    await log?.close();
  }
}
