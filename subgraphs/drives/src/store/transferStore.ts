import type { IdempotencyStamp } from '@jarvis/subgraph';
import type {
  ImportedFileRecord,
  SearchHitRecord,
  TransferFileRecord,
  TransferRecord,
  TransferStatus,
} from '../records.ts';

/** Counts and bytes a running transfer reports as it goes. */
export type TransferProgress = Pick<
  TransferRecord,
  'filesTotal' | 'filesDone' | 'filesSkipped' | 'filesFailed' | 'bytesTotal' | 'bytesDone'
>;

/** Transfers, their files, and what imports made; every read by project and owner. */
export interface TransferStore {
  /** Undefined when the owner already has a transfer under this idempotency key. */
  insert(
    transfer: Pick<
      TransferRecord,
      'id' | 'projectId' | 'ownerId' | 'driveId' | 'direction' | 'request' | 'principal' | 'syncJobId'
    >,
    stamp?: IdempotencyStamp,
  ): Promise<TransferRecord | undefined>;
  get(projectId: string, ownerId: string, id: string): Promise<TransferRecord | undefined>;
  byKey(
    projectId: string,
    ownerId: string,
    key: string,
  ): Promise<{ record: TransferRecord; requestHash: string | null } | undefined>;
  list(projectId: string, ownerId: string, driveId: string | null, limit: number): Promise<TransferRecord[]>;
  /** A sync job's runs, newest first. */
  listBySyncJob(syncJobId: string, limit: number): Promise<TransferRecord[]>;
  /**
   * The oldest PENDING transfer, or a RUNNING one not in `running` (its process died: it runs
   * again, skipping what it already moved), marked RUNNING.
   */
  claimNext(running: string[]): Promise<TransferRecord | undefined>;
  /** Saves a running transfer's counts; false when it is no longer running (cancelled). */
  progress(id: string, progress: TransferProgress): Promise<boolean>;
  /** Ends a transfer still RUNNING or PENDING; false when it had ended already (cancelled). */
  finish(
    id: string,
    status: TransferStatus,
    error: string | null,
    progress?: TransferProgress,
  ): Promise<boolean>;
  status(id: string): Promise<TransferStatus | undefined>;
  /** A file's outcome (a rerun's replaces the earlier one of the same path). */
  recordFile(file: Omit<TransferFileRecord, 'at'>): Promise<void>;
  /** A transfer's files by path, after `after` when given. */
  files(transferId: string, limit: number, after: string | null): Promise<TransferFileRecord[]>;
  imported(driveId: string, path: string): Promise<ImportedFileRecord | undefined>;
  importedByArtifact(projectId: string, artifactIds: readonly string[]): Promise<ImportedFileRecord[]>;
  /** Records (or replaces) what a drive file became, with its text for search. */
  saveImported(file: Omit<ImportedFileRecord, 'importedAt'>, content: string): Promise<void>;
  search(
    projectId: string,
    ownerId: string,
    query: string,
    driveId: string | null,
    limit: number,
  ): Promise<SearchHitRecord[]>;
}
