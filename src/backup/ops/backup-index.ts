// The per-instance backup index (/var/backups/pxdeploy/<id>/index.json): one record per archive, written through the effects seam.
import { z } from 'zod';
import type { Effects } from '../../effects/types.js';
import type { Paths } from '../../state/paths.js';

export const TRIGGERS = ['manual', 'scheduled', 'pre-restore', 'pre-update'] as const;
export type Trigger = (typeof TRIGGERS)[number];

const verification = z.object({ at: z.string(), ok: z.boolean(), problem: z.string().optional() }).strict();

const record = z
  .object({
    /** The archive's file name in the index's folder, e.g. `1767000000.tar.gz`. */
    file: z.string(),
    timestamp: z.number().int(),
    created_at: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    compression: z.enum(['gzip', 'zstd']),
    trigger: z.enum(TRIGGERS),
    version: z.string().optional(),
    /** Uncompressed content bytes. */
    total_size_bytes: z.number().int(),
    verified: verification.optional(),
  })
  .strict();

const indexSchema = z.object({ schemaVersion: z.literal(1), id: z.string(), backups: z.array(record) }).strict();

export type BackupRecord = z.output<typeof record>;
export type BackupIndex = z.output<typeof indexSchema>;

export async function readBackupIndex(fx: Pick<Effects, 'readFile'>, paths: Paths, id: string): Promise<BackupIndex> {
  const text = await fx.readFile(paths.backupIndex(id));
  if (text === undefined) return { schemaVersion: 1, id, backups: [] };
  const parsed = indexSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${paths.backupIndex(id)} is not a valid backup index: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** Read-modify-write under the index's short lock; records stay sorted oldest first. */
export async function updateBackupIndex(fx: Effects, paths: Paths, id: string, change: (backups: BackupRecord[]) => BackupRecord[]): Promise<BackupIndex> {
  const file = paths.backupIndex(id);
  return fx.guard(file, async () => {
    const current = await readBackupIndex(fx, paths, id);
    const next: BackupIndex = { ...current, backups: change(current.backups).sort((a, b) => a.timestamp - b.timestamp) };
    await fx.writeFile(file, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    return next;
  });
}
