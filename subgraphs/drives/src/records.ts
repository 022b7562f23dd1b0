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
