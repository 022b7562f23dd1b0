import type { DriveRecord, DriveStatus } from '../records.ts';

/** Drives' rows; every read is by project and owner, so nobody reaches another's drive. */
export interface DriveStore {
  /** Undefined when the owner has a drive of that name in the project already. */
  insert(drive: Omit<DriveRecord, 'createdAt'>): Promise<DriveRecord | undefined>;
  list(projectId: string, ownerId: string): Promise<DriveRecord[]>;
  get(projectId: string, ownerId: string, id: string): Promise<DriveRecord | undefined>;
  setStatus(id: string, status: DriveStatus): Promise<void>;
  remove(projectId: string, ownerId: string, id: string): Promise<boolean>;
}
