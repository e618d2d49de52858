// The backup library: write, verify, inspect, extract archives, and choose backups to prune.
export { writeBackupArchive, stageBackupArchive, partialPathOf, type StagedArchive, type BackupEntry, type BackupProgress, type WriteBackupOptions, type WriteBackupResult } from './write-archive.js';
export { verifyArchive, inspectArchive, auditArchive, type ArchiveReport } from './check-archive.js';
export { extractArchive, type ExtractOptions, type ExtractResult } from './extract-archive.js';
export { selectForPruning, KEEP_RULES, type BackupRef, type PruneDecision, type PruneOptions } from './retention.js';
export { BackupArchiveError, type ArchiveProblem } from './errors.js';
export type { BackupMetadata, EntryRecord } from './metadata.js';
export { archiveFileName, sidecarPath, type Compression } from './layout.js';
