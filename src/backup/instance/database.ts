// The instance's database in a backup: how each type is dumped inside the CT (argv only), its archive entry, and how it goes back.
import path from 'node:path';
import type { AppModel } from '../../instances/app-model.js';

export type DatabaseType = 'sqlite' | 'postgresql' | 'mysql';

export interface DatabasePlan {
  type: DatabaseType;
  /** Entry name in the archive (`database/notes.db`, `database/app.dump`, `database/app.sql.gz`). */
  entry: string;
  /** The live SQLite file (sqlite only). */
  file?: string;
  /** Database name (postgresql, mysql). */
  name?: string;
}

/** The database the instance runs on, as the catalog's default says; undefined when there is none to back up. */
export function databasePlan(app: AppModel): DatabasePlan | undefined {
  const db = app.bg.database;
  if (db.default === 'sqlite') {
    if (!db.sqlite_path) return undefined;
    return { type: 'sqlite', entry: `database/${path.posix.basename(db.sqlite_path)}`, file: db.sqlite_path };
  }
  const name = db.name ?? app.name;
  // pg_dump's custom format is compressed by pg_dump itself; a mysqldump is gzipped on its way out, as in the seed's layout.
  return db.default === 'postgresql' ? { type: 'postgresql', entry: `database/${name}.dump`, name } : { type: 'mysql', entry: `database/${name}.sql.gz`, name };
}

/** SQLite's online backup API: a consistent copy while the app keeps writing; waits up to 30 s for a lock instead of failing busy. */
export function sqliteCopyArgv(db: string, copy: string): string[] {
  return ['sqlite3', '-cmd', '.timeout 30000', db, `.backup ${copy}`];
}

/** A consistent dump, custom format (`pg_restore` reads it), as the postgres superuser: on stdout, or into `file` in the CT. */
export function pgDumpArgv(name: string, file?: string): string[] {
  return ['runuser', '-u', 'postgres', '--', 'pg_dump', '-Fc', ...(file ? ['-f', file] : []), name];
}

/** One consistent transaction for InnoDB, rows streamed (`--quick`), with routines and triggers; CREATE DATABASE included. */
export function mysqldumpArgv(name: string, file?: string): string[] {
  return ['mysqldump', '--single-transaction', '--quick', '--routines', '--triggers', ...(file ? [`--result-file=${file}`] : []), '--databases', name];
}

/** Replaces the database's objects with the dump's. */
export function pgRestoreArgv(name: string, file: string): string[] {
  return ['runuser', '-u', 'postgres', '--', 'pg_restore', '--clean', '--if-exists', '-d', name, file];
}

/** Reads a plain (already gunzipped) dump made with --databases: it drops and recreates what it holds. */
export function mysqlRestoreArgv(file: string): string[] {
  return ['mysql', '-e', `source ${file}`];
}

/** The files a live SQLite database consists of (WAL mode adds -wal and -shm). */
export function sqliteFiles(db: string): string[] {
  return [db, `${db}-wal`, `${db}-shm`];
}

/**
 * Checks a staged dump before anything is stopped (seed 001: "validate database dump integrity before
 * importing"): SQLite's own integrity check, pg_restore reading the archive's table of contents, gzip's
 * test of a MySQL dump. `ok` says whether the command's answer means intact.
 */
export function dumpCheck(db: DatabasePlan, file: string): { argv: string[]; ok: (stdout: string) => boolean } {
  if (db.type === 'sqlite') return { argv: ['sqlite3', '-readonly', file, 'PRAGMA integrity_check;'], ok: (out) => out.trim() === 'ok' };
  if (db.type === 'postgresql') return { argv: ['runuser', '-u', 'postgres', '--', 'pg_restore', '--list', file], ok: () => true };
  return { argv: ['gzip', '-t', file], ok: () => true };
}
