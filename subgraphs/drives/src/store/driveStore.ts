import type { ConsentRecord, DriveRecord, DriveStatus } from '../records.ts';

/** Drives' rows; every read is by project and owner, so nobody reaches another's drive. */
export interface DriveStore {
  /** Undefined when the owner has a drive of that name in the project already. */
  insert(drive: Omit<DriveRecord, 'createdAt'>): Promise<DriveRecord | undefined>;
  list(projectId: string, ownerId: string): Promise<DriveRecord[]>;
  get(projectId: string, ownerId: string, id: string): Promise<DriveRecord | undefined>;
  setStatus(id: string, status: DriveStatus): Promise<void>;
  /** New credentials (a refreshed token pair), and CONNECTED again. */
  setSecret(id: string, secret: string): Promise<void>;
  insertConsent(consent: Omit<ConsentRecord, 'createdAt'>): Promise<void>;
  /** The consent of a state, removed as it is read: a state works once. */
  takeConsent(state: string): Promise<ConsentRecord | undefined>;
  remove(projectId: string, ownerId: string, id: string): Promise<boolean>;
}
