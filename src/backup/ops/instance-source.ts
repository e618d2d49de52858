// The blue/green instance backup source: database and data folders streamed out of the CT through pct exec, its deployment config and environment with secrets redacted.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { Context } from '../../context.js';
import { pctExec } from '../../host/pct/argv.js';
import { layout, SERVICE_NAMES } from '../../instances/app-model.js';
import type { AppModel } from '../../instances/app-model.js';
import { inCt } from '../../instances/ct-exec.js';
import type { LoadedInstance } from '../../instances/load.js';
import { renderEnvFile } from '../../instances/render.js';
import { redactSecrets } from '../../log/redact.js';
import type { InstanceState } from '../../state/instance-state.js';
import type { Paths } from '../../state/paths.js';
import type { BackupEntry } from '../write-archive.js';
import { openCommandStream, type StreamOpener } from '../instance/ct-stream.js';
import { databasePlan, mysqldumpArgv, pgDumpArgv, sqliteCopyArgv, sqliteFiles, type DatabasePlan } from '../instance/database.js';
import { instanceRestoreTarget } from '../instance/restore-target.js';
import { INSTANCE_CONFIG_ENTRY, instanceConfigText } from '../instance/config-restore.js';
import type { BackupSource } from './source.js';

export interface InstanceSourceOptions {
  /** How CT output streams are opened (tests record the argv and feed bytes). */
  open?: StreamOpener;
}

/** The folders whose contents are the instance's files: every component's data paths, else the catalog's backup paths. */
export function dataPaths(app: AppModel): string[] {
  const fromComponents = [...new Set(app.services.flatMap((s) => s.spec.data_paths))].sort();
  return fromComponents.length > 0 ? fromComponents : [...app.bg.backup.paths].sort();
}

/** `files/var/lib/notes/files`: the CT path under files/, so a restore knows where each folder goes back. */
export function filesEntry(ctPath: string): string {
  return `files${ctPath}`;
}

/** Where the SQLite copy is made inside the CT (the instance lock keeps it unique). */
export function sqliteCopyPath(app: AppModel): string {
  return `${layout(app).backups}/.pxdeploy-backup.db`;
}

/**
 * `tar -cf - -C <dir> .` inside the CT; a live SQLite database in the folder is left out (the
 * database/ entry holds its consistent copy), as GNU tar's --exclude patterns relative to `.`.
 * The app keeps running, so GNU tar's exit 1 ("file changed as we read it") is accepted, as the
 * host-folder reader accepts a file that changed; 2 and above (fatal) still fail the backup.
 */
export function filesTarArgv(dir: string, db: DatabasePlan | undefined): string[] {
  const inside = db?.file !== undefined && db.file.startsWith(`${dir}/`) ? sqliteFiles(db.file).map((f) => `--exclude=./${f.slice(dir.length + 1)}`) : [];
  return ['sh', '-c', 'tar "$@"; s=$?; [ "$s" -le 1 ] || exit "$s"', 'tar', '-cf', '-', '--warning=no-file-changed', ...inside, '-C', dir, '.'];
}

/** Gzip on the way out (mysqldump is plain text), started only when read. */
function gzipped(open: () => Readable): Readable {
  return Readable.from(
    (async function* () {
      const gz = createGzip();
      pipeline(open(), gz, () => undefined); // an error of either ends the loop below with it
      for await (const chunk of gz as AsyncIterable<Buffer>) yield chunk;
    })(),
    { objectMode: false },
  );
}

export function colourVersion(state: InstanceState, c: 'blue' | 'green'): { version: string | null; commit: string | null } {
  const d = state.colors?.[c];
  return { version: d?.version ?? null, commit: d?.commits?.['backend'] ?? null };
}

/** The seed's metadata fields an instance knows; the writer adds sizes, counts and checksums. */
export function instanceMetadata(inst: LoadedInstance, state: InstanceState): Record<string, unknown> {
  const { app } = inst;
  const version = state.colors?.[state.active_color]?.version ?? state.deployed_version;
  const commit = state.colors?.[state.active_color]?.commits?.['backend'] ?? state.deployed_commit ?? null;
  return {
    app: app.name,
    app_version: version,
    app_commit: commit,
    // The seed names these after the app (`vikunja_version`, `vikunja_commit`).
    [`${app.name}_version`]: version,
    [`${app.name}_commit`]: commit,
    active_color: state.active_color,
    colors: { blue: colourVersion(state, 'blue'), green: colourVersion(state, 'green') },
    database_type: databasePlan(app)?.type ?? 'none',
    hostname: inst.config.container.hostname,
    container_id: state.container_id,
    ...(state.url ? { url: state.url } : {}),
    source_kind: 'instance',
  };
}

/** Each component's env file of the active colour, secrets redacted. */
export function environmentFile(inst: LoadedInstance, state: InstanceState): Buffer {
  const version = state.colors?.[state.active_color]?.version ?? state.deployed_version;
  const parts = SERVICE_NAMES.filter((s) => inst.app.services.some((x) => x.name === s)).map((s) => renderEnvFile(inst.app, s, state.active_color, version));
  return Buffer.from(redactSecrets(parts.join('')));
}

export function instanceBackupSource(paths: Paths, inst: LoadedInstance, state: InstanceState, opts: InstanceSourceOptions = {}): BackupSource {
  const { app } = inst;
  const vmid = state.container_id;
  const open = opts.open ?? openCommandStream;
  const db = databasePlan(app);
  const copy = sqliteCopyPath(app);
  let hasSqlite = false;
  const metadata = instanceMetadata(inst, state);
  return {
    id: inst.id,
    kind: 'instance',
    // The lock `update`, `rollback` and the rest of the lifecycle hold: a backup never races them.
    lockResource: inst.id,
    version: metadata.app_version as string,
    metadata,
    async entries(ctx: Context): Promise<BackupEntry[]> {
      const l = layout(app);
      const deployed = await inCt(ctx, vmid, ['cat', l.deploymentConfig], { readOnly: true, allowFailure: true });
      const entries: BackupEntry[] = [
        { name: 'deployment-config.yaml', kind: 'file', source: Buffer.from(redactSecrets(deployed.exitCode === 0 ? deployed.stdout : `# ${l.deploymentConfig} missing in CT ${vmid}\n`)) },
        { name: 'environment', kind: 'file', source: environmentFile(inst, state) },
      ];
      const config = await instanceConfigText(inst);
      if (config !== undefined) entries.push({ name: INSTANCE_CONFIG_ENTRY, kind: 'file', source: Buffer.from(config) });
      else ctx.report.warn(`${inst.file} cannot be read; the backup has no instance config`);
      if (db?.type === 'sqlite') {
        hasSqlite = (await inCt(ctx, vmid, ['test', '-f', db.file!], { readOnly: true, allowFailure: true })).exitCode === 0;
        if (hasSqlite) entries.push({ name: db.entry, kind: 'file', source: Readable.from(lazy(() => open(pctExec(vmid, ['cat', copy])))) });
        else ctx.report.warn(`no database at ${db.file} in CT ${vmid} yet; the backup has none`);
      } else if (db?.type === 'postgresql') {
        entries.push({ name: db.entry, kind: 'file', source: Readable.from(lazy(() => open(pctExec(vmid, pgDumpArgv(db.name!))))) });
      } else if (db?.type === 'mysql') {
        entries.push({ name: db.entry, kind: 'file', source: gzipped(() => open(pctExec(vmid, mysqldumpArgv(db.name!)))) });
      }
      for (const dir of dataPaths(app)) {
        const exists = await inCt(ctx, vmid, ['test', '-d', dir], { readOnly: true, allowFailure: true });
        if (exists.exitCode !== 0) {
          ctx.report.warn(`${dir} does not exist in CT ${vmid}; not backed up`);
          continue;
        }
        entries.push({ name: filesEntry(dir), kind: 'tar-stream', source: Readable.from(lazy(() => open(pctExec(vmid, filesTarArgv(dir, db))))) });
      }
      return entries;
    },
    async quiesce(ctx: Context) {
      if (db?.type !== 'sqlite' || !hasSqlite) return async () => undefined;
      // The consistent point: SQLite's backup API copies a snapshot while the app keeps serving.
      await inCt(ctx, vmid, ['mkdir', '-p', layout(app).backups]);
      await inCt(ctx, vmid, sqliteCopyArgv(db.file!, copy), { timeoutMs: 30 * 60_000 });
      await inCt(ctx, vmid, ['sqlite3', copy, 'PRAGMA integrity_check;']);
      return async () => {
        await inCt(ctx, vmid, ['rm', '-f', copy]);
      };
    },
    restore: instanceRestoreTarget(inst, state, db, dataPaths(app), paths.scratchDir),
  };
}

/** A stream opened only when the writer reaches its entry (entries are listed before the consistent point exists). */
async function* lazy(open: () => Readable): AsyncIterable<Buffer> {
  for await (const chunk of open() as AsyncIterable<Buffer>) yield chunk;
}
