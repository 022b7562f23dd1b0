import type { Principal } from '@jarvis/context';
import type { DriveKind } from './providers/driveProvider.ts';
import type { GoogleDocsFormat } from './providers/googleDocsExport.ts';

export type DriveStatus = 'CONNECTED' | 'NEEDS_RECONNECT';

/** A connected drive: one user's, in one project. */
export interface DriveRecord {
  id: string;
  projectId: string;
  ownerId: string;
  name: string;
  provider: DriveKind;
  status: DriveStatus;
  /** Shown to its owner: the WebDAV URL, the local folder. */
  location: string;
  /** What the provider needs besides the secret: a WebDAV username, a folder. */
  settings: Record<string, string>;
  /** The credential, sealed by the secret box to this drive's id; null for a local folder. */
  secret: string | null;
  createdAt: Date;
}

/** A user's consent under way with Google or Microsoft (connectDrive until the callback). */
export interface ConsentRecord {
  state: string;
  projectId: string;
  ownerId: string;
  name: string;
  provider: DriveKind;
  /** The PKCE verifier: only Jarvis knows it, so only Jarvis can use the code. */
  verifier: string;
  createdAt: Date;
}

export type TransferDirection = 'IMPORT' | 'EXPORT' | 'SYNC';
export type SyncDirection = 'IMPORT' | 'EXPORT' | 'BOTH';
export type TransferStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
export type TransferOutcome = 'MOVED' | 'SKIPPED' | 'FAILED' | 'DELETED' | 'CONFLICT';

/** What an import was asked to bring: paths on the drive, filtered, under a name prefix. */
export interface ImportRequest {
  paths: string[];
  types: string[];
  maxSize: number | null;
  prefix: string;
  /** What Google's own documents are exported as (absent in requests made before it existed). */
  googleDocsAs?: GoogleDocsFormat;
}

/** What an export was asked to write: artifacts into a folder. */
export interface ExportRequest {
  artifactIds: string[];
  folder: string;
  createFolder: boolean;
}

/** A sync run: which job (its folder, prefix and policy are read when it runs). */
export interface SyncRequest {
  syncJobId: string;
}

/** An import or an export, acting as the principal who asked. */
export interface TransferRecord {
  id: string;
  projectId: string;
  ownerId: string;
  driveId: string;
  direction: TransferDirection;
  status: TransferStatus;
  request: ImportRequest | ExportRequest | SyncRequest;
  principal: Principal;
  filesTotal: number;
  filesDone: number;
  filesSkipped: number;
  filesFailed: number;
  bytesTotal: number;
  bytesDone: number;
  error: string | null;
  idempotencyKey: string | null;
  syncJobId: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** One file of a transfer and how it went. */
export interface TransferFileRecord {
  transferId: string;
  path: string;
  outcome: TransferOutcome;
  /** Which way it went in a sync run (IMPORT: drive to storage; EXPORT: storage to drive). */
  direction: 'IMPORT' | 'EXPORT' | null;
  size: number;
  artifactId: string | null;
  errorCode: string | null;
  error: string | null;
  at: Date;
}

/** A drive file as imported: the artifact it became, and its words for search. */
export interface ImportedFileRecord {
  driveId: string;
  path: string;
  projectId: string;
  ownerId: string;
  name: string;
  providerId: string;
  version: string;
  modifiedAt: Date;
  size: number;
  mimeType: string;
  artifactId: string;
  importedAt: Date;
}

/** A drive folder kept equal to an artifact prefix. */
export interface SyncJobRecord {
  id: string;
  projectId: string;
  ownerId: string;
  driveId: string;
  folder: string;
  prefix: string;
  direction: SyncDirection;
  intervalMinutes: number;
  propagateDeletions: boolean;
  enabled: boolean;
  /** Who created it: its runs act as them. */
  principal: Principal;
  nextRunAt: Date;
  /** The drive's change feed position at the last run that moved everything it had to. */
  driveCursor: string | null;
  createdAt: Date;
}

/** A path as both sides held it when last in sync ('' for a side that deleted it unpropagated). */
export interface SyncStateRecord {
  drivePath: string;
  artifactName: string;
  driveVersion: string;
  artifactId: string;
}

/** A file search found: an imported one (with its artifact and snippet) or one only on the drive. */
export interface SearchHitRecord
  extends Omit<ImportedFileRecord, 'artifactId' | 'importedAt' | 'projectId' | 'ownerId'> {
  artifactId: string | null;
  snippet: string | null;
  rank: number;
}
