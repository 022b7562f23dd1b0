import type { Readable } from 'node:stream';

/**
 * A file or folder on a drive, by its path from the drive's root ("clips/game-1.mp4"; "" is the
 * root). Every provider speaks in paths, so sync and import work the same on each; providers
 * whose API speaks in ids (Google Drive, Microsoft Graph) resolve paths themselves.
 */
export interface DriveEntry {
  path: string;
  name: string;
  folder: boolean;
  /** Bytes; 0 for a folder. */
  size: number;
  modifiedAt: Date;
  mimeType: string;
  /**
   * Changes whenever the content does (an ETag, Drive's md5Checksum, Graph's cTag, a local
   * file's size and mtime): what sync and import compare to skip unchanged files.
   */
  version: string;
  /** The provider's own id (Drive and Graph file ids; the path elsewhere). */
  providerId: string;
}

export type DriveKind = 'GOOGLE_DRIVE' | 'ONEDRIVE' | 'WEBDAV' | 'LOCAL';

/**
 * One user's drive. Errors are JarvisErrors with the code a user acts on (driveErrors.ts):
 * NOT_FOUND for a missing path, UNAUTHENTICATED when the credentials no longer work (the drive
 * needs reconnecting), FORBIDDEN, LIMIT_EXCEEDED with retryAfterMs, BACKEND_UNAVAILABLE.
 */
export interface DriveProvider {
  readonly kind: DriveKind;
  /** Checks that the drive answers and the credentials work. */
  check(): Promise<void>;
  /** What a folder holds, folders first then files, each by name; `recursive` walks below. */
  list(folder: string, options?: { recursive?: boolean }): Promise<DriveEntry[]>;
  /** The entry at `path`, or undefined when there is none. */
  stat(path: string): Promise<DriveEntry | undefined>;
  /**
   * A file's bytes, from `start` when given (to resume a cut download). A document with no bytes
   * of its own (a Google Doc) is exported as the media type `as` (googleDocsExport.ts).
   */
  read(path: string, options?: { start?: number; as?: string }): Promise<Readable>;
  /**
   * Writes a file whole or not at all: a cut write leaves no half-written file where the
   * provider allows it (a temporary name moved into place, or an upload session committed at
   * the end). Creates missing folders; replaces a file already there.
   */
  write(path: string, body: Readable, size: number, options?: { mimeType?: string }): Promise<DriveEntry>;
  /** Creates a folder and its parents; an existing one is fine. */
  mkdir(path: string): Promise<DriveEntry>;
  /** Removes a file or a folder with what it holds; a missing path is fine. */
  remove(path: string): Promise<void>;
  /**
   * The drive's change feed, where it has one (Google's changes, Graph's delta): whether anything
   * changed since `cursor` (a token this answered before; null for the first time, which counts
   * as changed), and the cursor to ask from next time. A sync run that hears "nothing changed"
   * does not list the drive. Absent on WebDAV and local folders, which are compared by listing.
   */
  changes?(cursor: string | null): Promise<{ cursor: string; changed: boolean }>;
  /**
   * The provider's own search for files (not folders) matching `query`, up to `limit`: Google
   * Drive's full text (names and content), Microsoft Graph's search, names elsewhere.
   */
  search(query: string, limit: number): Promise<DriveEntry[]>;
  /**
   * Shares a file or folder: with these e-mail addresses as writers (the provider tells them),
   * and with anyone who has the link when `anyoneWithLink`. Answers the link to open it. Absent
   * where the provider has no sharing API (WebDAV has no standard one; a local folder none).
   */
  share?(path: string, options: { emails: string[]; anyoneWithLink: boolean }): Promise<{ url: string }>;
}
