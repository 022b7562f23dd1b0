import type { Principal } from '@jarvis/context';
import type { DriveKind } from './providers/driveProvider.ts';

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

export type TransferDirection = 'IMPORT' | 'EXPORT';
export type TransferStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
export type TransferOutcome = 'MOVED' | 'SKIPPED' | 'FAILED';

/** What an import was asked to bring: paths on the drive, filtered, under a name prefix. */
export interface ImportRequest {
  paths: string[];
  types: string[];
  maxSize: number | null;
  prefix: string;
}

/** What an export was asked to write: artifacts into a folder. */
export interface ExportRequest {
  artifactIds: string[];
  folder: string;
  createFolder: boolean;
}

/** An import or an export, acting as the principal who asked. */
export interface TransferRecord {
  id: string;
  projectId: string;
  ownerId: string;
  driveId: string;
  direction: TransferDirection;
  status: TransferStatus;
  request: ImportRequest | ExportRequest;
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
