import type { IdempotencyStamp } from '@jarvis/subgraph';
import type { SyncJobRecord, SyncStateRecord } from '../records.ts';

/** Sync jobs and what each last saw of its paths; reads by project and owner. */
export interface SyncJobStore {
  /** Undefined when the owner has a job under this idempotency key already. */
  insert(
    job: Omit<SyncJobRecord, 'createdAt' | 'enabled' | 'driveCursor'>,
    stamp?: IdempotencyStamp,
  ): Promise<SyncJobRecord | undefined>;
  get(projectId: string, ownerId: string, id: string): Promise<SyncJobRecord | undefined>;
  byId(id: string): Promise<SyncJobRecord | undefined>;
  byKey(
    projectId: string,
    ownerId: string,
    key: string,
  ): Promise<{ record: SyncJobRecord; requestHash: string | null } | undefined>;
  list(projectId: string, ownerId: string, driveId: string | null): Promise<SyncJobRecord[]>;
  setEnabled(id: string, enabled: boolean): Promise<void>;
  remove(projectId: string, ownerId: string, id: string): Promise<boolean>;
  /** Jobs due to run, each moved to its next time as it is taken (so one caller takes it). */
  takeDue(limit: number): Promise<SyncJobRecord[]>;
  setCursor(id: string, cursor: string): Promise<void>;
  /** Brings a job's next run to now (run it now). */
  dueNow(id: string): Promise<void>;
  state(syncJobId: string): Promise<SyncStateRecord[]>;
  saveState(syncJobId: string, state: SyncStateRecord): Promise<void>;
  dropState(syncJobId: string, drivePath: string): Promise<void>;
}
