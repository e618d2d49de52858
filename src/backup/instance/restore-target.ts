// Restoring a blue/green instance: the extracted entries pushed into the CT, app services (not the CT) stopped, data swapped with a safety copy kept in the CT, ownership fixed, started, gated through nginx.
import path from 'node:path';
import type { Context } from '../../context.js';
import { HealthCheckError } from '../../errors.js';
import { pctPush } from '../../host/pct/argv.js';
import { runPve } from '../../host/pve-run.js';
import { unitsOf, type AppModel } from '../../instances/app-model.js';
import { inCt } from '../../instances/ct-exec.js';
import { checkFrontend } from '../../instances/frontend.js';
import { describeProbes, healthGate } from '../../instances/health-gate.js';
import type { LoadedInstance } from '../../instances/load.js';
import type { InstanceState } from '../../state/instance-state.js';
import type { DataSwap, RestorableDir, RestoreTarget } from '../ops/source.js';
import { BackupArchiveError } from '../errors.js';
import { applyInstanceConfig, instanceUrl, planConfigRestore, replacedConfigPath, type ConfigRestore } from './config-restore.js';
import { restoreStaging } from './interrupted.js';
import { Journal } from '../../instances/journal.js';
import { recoverInterrupted } from '../../instances/recover.js';
import { readInstanceState } from '../../state/instance-state.js';
import { dumpCheck, mysqldumpArgv, mysqlRestoreArgv, pgDumpArgv, pgRestoreArgv, sqliteFiles, type DatabasePlan } from './database.js';

/** Host `tar` of just the entries to restore, owners kept as numbers (the CT's own ids). */
export function hostTarArgv(file: string, dir: string, entries: readonly string[]): { file: string; args: string[]; timeoutMs: number } {
  return { file: 'tar', args: ['-cf', file, '--numeric-owner', '-C', dir, ...entries], timeoutMs: 60 * 60_000 };
}

/** Every unit of both colours: a restore stops whatever runs on the shared data. */
function allUnits(app: AppModel): string[] {
  return [...unitsOf(app, 'blue'), ...unitsOf(app, 'green')];
}

/** Units `systemctl is-active` calls active (one answer line per unit, in order). */
export function activeUnits(units: readonly string[], isActiveStdout: string): string[] {
  const answers = isActiveStdout.split('\n');
  return units.filter((_u, i) => answers[i]?.trim() === 'active');
}

export function instanceRestoreTarget(inst: LoadedInstance, state: InstanceState, db: DatabasePlan | undefined, dataDirs: readonly string[], stagingDir: string): RestoreTarget {
  const { app } = inst;
  const vmid = state.container_id;
  const dirs: RestorableDir[] = [
    ...(db ? [{ entry: db.entry, host: db.file ?? `${db.type}:${db.name}` }] : []),
    ...dataDirs.map((d) => ({ entry: `files${d}`, host: d })),
  ];
  let wasRunning: string[] = [];
  let stamp: string | undefined;
  const journal = (ctx: Context) => new Journal(ctx, inst.id, 'restore');
  return {
    dirs,
    stagingDir,
    swap: (extracted, s) => {
      stamp = s;
      return ctSwap(inst, vmid, db, dirs, extracted, s, instanceUrl(state.url, inst.config));
    },
    async recover(ctx) {
      await recoverInterrupted(ctx, app, inst.id, await readInstanceState(ctx.paths, inst.id));
    },
    async finish(ctx, outcome, error) {
      await journal(ctx).write({ last_operation_status: outcome, operation_step: 'done', restore_stamp: undefined, ...(error ? { last_error: error } : {}) });
    },
    async stop(ctx) {
      // Recorded before the app stops: a restore killed from here on is undone by the next command (recover.ts).
      if (stamp && wasRunning.length === 0) await journal(ctx).write({ last_operation_status: 'in_progress', operation_step: 'swap', restore_stamp: stamp });
      const units = allUnits(app);
      const r = await inCt(ctx, vmid, ['systemctl', 'is-active', ...units], { readOnly: true, allowFailure: true });
      const running = activeUnits(units, r.stdout);
      // Called again when a failed restore is undone: what ran before the first stop is what starts again.
      if (wasRunning.length === 0) wasRunning = running.length > 0 ? running : unitsOf(app, state.active_color);
      if (running.length > 0) await inCt(ctx, vmid, ['systemctl', 'stop', ...running]);
    },
    async start(ctx) {
      await inCt(ctx, vmid, ['systemctl', 'restart', ...(wasRunning.length > 0 ? wasRunning : unitsOf(app, state.active_color))]);
    },
    async healthGate(ctx) {
      const c = state.active_color;
      const gate = await healthGate(ctx, vmid, app, c, { timeoutSec: inst.config.health.timeout, intervalSec: inst.config.health.interval });
      if (!gate.passed) throw new HealthCheckError(`${inst.id} (${c}) is not healthy after the restore: ${describeProbes(gate.last)}`);
      const fe = await ctx.effects.afterApply(`ask nginx in CT ${vmid} for the restored ${c}`, () => checkFrontend(ctx, vmid, app), { ok: true, code: 200, colour: c, ms: 0 });
      if (!fe.ok || fe.colour !== c) throw new HealthCheckError(`${inst.id}: nginx answered ${fe.code} from "${fe.colour}" after the restore, not ${c}`);
    },
  };
}

/**
 * The swap inside the CT. prepare: one host tar of the entries, `pct push`ed and unpacked into a
 * staging folder beside the data root (same file system, so the swap is renames). swapIn: each live
 * folder and SQLite file renamed to `<path>.pre-restore-<stamp>` (the safety copy), the restored one
 * renamed in and given to the app user; a server database is dumped aside, then restored. putBack
 * undoes exactly what swapIn did, newest first.
 */
function ctSwap(inst: LoadedInstance, vmid: number, db: DatabasePlan | undefined, dirs: readonly RestorableDir[], extracted: string, stamp: string, url: string): DataSwap {
  const { app } = inst;
  const user = `${app.bg.app_user}:`;
  const staging = restoreStaging(app, stamp);
  const hostTar = `${extracted}.tar`;
  const ctTar = `${staging}.tar`;
  const undo: Array<(ctx: Context) => Promise<void>> = [];
  const olds: string[] = [];
  let configRestore: ConfigRestore | undefined;
  const exists = async (ctx: Context, p: string) => (await inCt(ctx, vmid, ['test', '-e', p], { readOnly: true, allowFailure: true })).exitCode === 0;

  /** `live` aside (if there), `fresh` in its place, owned by the app user; undo reverses only the steps that happened. */
  async function replace(ctx: Context, live: string, fresh: string, extraLive: readonly string[] = []): Promise<void> {
    const present: string[] = [];
    for (const p of [live, ...extraLive]) if (await exists(ctx, p)) present.push(p);
    const movedAside: string[] = [];
    let placed = false;
    undo.push(async (c) => {
      if (placed) await inCt(c, vmid, ['rm', '-rf', live, ...extraLive]);
      for (const p of movedAside.reverse()) await inCt(c, vmid, ['mv', '-T', `${p}.pre-restore-${stamp}`, p]);
    });
    for (const p of present) {
      await inCt(ctx, vmid, ['mv', '-T', p, `${p}.pre-restore-${stamp}`]);
      movedAside.push(p);
      olds.push(`${p}.pre-restore-${stamp}`);
    }
    await inCt(ctx, vmid, ['mv', '-T', fresh, live]);
    placed = true;
    await inCt(ctx, vmid, ['chown', '-R', user, live]);
  }

  return {
    async prepare(ctx) {
      await ctx.effects.run(hostTarArgv(hostTar, extracted, dirs.map((d) => d.entry)));
      try {
        await runPve(ctx.effects, pctPush(vmid, hostTar, ctTar, { perms: 0o600 }));
      } finally {
        await ctx.effects.remove(hostTar);
      }
      await inCt(ctx, vmid, ['mkdir', '-p', '-m', '0700', staging]);
      await inCt(ctx, vmid, ['tar', '-xf', ctTar, '--numeric-owner', '-C', staging], { timeoutMs: 60 * 60_000 });
      await inCt(ctx, vmid, ['rm', '-f', ctTar]);
      if (db) {
        // A dump that would not import is found while the app still serves: the restore stops before any swap.
        const check = dumpCheck(db, `${staging}/${db.entry}`);
        const r = await inCt(ctx, vmid, check.argv, { readOnly: true, allowFailure: true, timeoutMs: 60 * 60_000 });
        if (r.exitCode !== 0 || !check.ok(r.stdout)) {
          const why = (r.stdout + r.stderr).trim().split('\n')[0] || `exit ${r.exitCode}`;
          throw new BackupArchiveError(db.entry, 'corrupt', `fails its integrity check in CT ${vmid} (${check.argv.slice(0, 2).join(' ')}): ${why}`);
        }
      }
      configRestore = await planConfigRestore(inst, extracted, (m) => ctx.report.warn(m));
    },
    async swapIn(ctx) {
      if (db?.type === 'sqlite') {
        const [file, ...sidecars] = sqliteFiles(db.file!);
        await replace(ctx, file!, `${staging}/${db.entry}`, sidecars);
      } else if (db?.type === 'postgresql') {
        const safety = `${staging}/pre-restore.dump`;
        await inCt(ctx, vmid, ['chmod', '0755', staging]);
        await inCt(ctx, vmid, pgDumpArgv(db.name!, safety), { timeoutMs: 60 * 60_000 });
        undo.push((c) => inCt(c, vmid, pgRestoreArgv(db.name!, safety), { timeoutMs: 60 * 60_000 }).then(() => undefined));
        await inCt(ctx, vmid, pgRestoreArgv(db.name!, `${staging}/${db.entry}`), { timeoutMs: 60 * 60_000 });
      } else if (db?.type === 'mysql') {
        const safety = `${staging}/pre-restore.sql`;
        await inCt(ctx, vmid, mysqldumpArgv(db.name!, safety), { timeoutMs: 60 * 60_000 });
        undo.push((c) => inCt(c, vmid, mysqlRestoreArgv(safety), { timeoutMs: 60 * 60_000 }).then(() => undefined));
        await inCt(ctx, vmid, ['gzip', '-d', '-f', `${staging}/${db.entry}`]);
        await inCt(ctx, vmid, mysqlRestoreArgv(`${staging}/${db.entry.replace(/\.gz$/, '')}`), { timeoutMs: 60 * 60_000 });
      }
      for (const d of dirs.filter((x) => x.entry.startsWith('files/'))) {
        await inCt(ctx, vmid, ['mkdir', '-p', path.posix.dirname(d.host)]);
        await replace(ctx, d.host, `${staging}/${d.entry}`);
      }
      if (configRestore) {
        const { text, config, previous } = configRestore;
        const saved = replacedConfigPath(inst.file, stamp);
        // Kept on disk first: a restore killed after the write below is undone from it by the next command (interrupted.ts).
        await ctx.effects.writeFile(saved, previous.text, { mode: 0o640 });
        undo.push(async (c) => {
          await applyInstanceConfig(c, inst, vmid, url, previous.text, previous.config);
          await c.effects.remove(saved);
        });
        await applyInstanceConfig(ctx, inst, vmid, url, text, config);
      }
    },
    async putBack(ctx) {
      for (const step of undo.splice(0).reverse()) await step(ctx);
      olds.splice(0);
    },
    async cleanup(ctx) {
      await inCt(ctx, vmid, ['rm', '-rf', staging, ctTar, ...olds.splice(0)]);
      await ctx.effects.remove(replacedConfigPath(inst.file, stamp));
    },
  };
}
