// `backup verify`: sidecar hash, structure, safety and metadata.json in one pass; the outcome is recorded in the id's index.
import path from 'node:path';
import type { Context } from '../../context.js';
import { verifyArchive, type ArchiveReport } from '../check-archive.js';
import { BackupArchiveError } from '../errors.js';
import { updateBackupIndex } from './backup-index.js';

export interface VerifyResult {
  ok: true;
  file: string;
  id: string | undefined;
  sha256: string;
  size: number;
  members: number;
  version: string | undefined;
  created_at: string;
  entries: ArchiveReport['metadata']['entries'];
}

export async function verifyBackup(ctx: Context, file: string, id: string | undefined): Promise<VerifyResult> {
  const record = async (ok: boolean, problem?: string) => {
    if (id === undefined) return;
    await updateBackupIndex(ctx.effects, ctx.paths, id, (list) =>
      list.map((b) => (b.file === path.basename(file) ? { ...b, verified: { at: ctx.clock.now().toISOString(), ok, ...(problem ? { problem } : {}) } } : b)),
    );
  };
  let report: ArchiveReport;
  try {
    report = await verifyArchive(file);
  } catch (err) {
    if (err instanceof BackupArchiveError) await record(false, `${err.problem}: ${err.message.split('\n')[0]}`);
    throw err;
  }
  await record(true);
  const m = report.metadata;
  return { ok: true, file, id, sha256: report.sha256, size: report.size, members: report.members, version: typeof m.app_version === 'string' ? m.app_version : undefined, created_at: m.created_at, entries: m.entries };
}
