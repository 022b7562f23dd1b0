import type { Readable } from 'node:stream';

/** Where a blob's bytes live and what they are. `key` is the store's own address for them. */
export interface StoredBlob {
  key: string;
  sha256: string;
  size: number;
}

/** S3's ceiling for one part of a multipart upload, ours too. */
export const MAX_PART_BYTES = 5 * 1024 ** 3;
/** S3's floor for every part but the last. */
export const MIN_PART_BYTES = 5 * 1024 ** 2;

export interface StagedPart {
  partNumber: number;
  size: number;
  etag: string;
}

/** Where and how a client sends an upload's bytes. */
export interface UploadTarget {
  /** The store's handle for the staged upload (an S3 multipart upload id, or ours). */
  handle: string;
  /**
   * One URL per part, PUT each part's bytes to it. Absolute (presigned, straight to S3) or a
   * path on Jarvis's own origin (local store).
   */
  parts: { partNumber: number; url: string }[];
  presigned: boolean;
}

export interface ByteRange {
  /** Inclusive first byte. */
  start: number;
  /** Inclusive last byte. */
  end: number;
}

/** Raised when bytes do not match what the caller declared; nothing has been kept. */
export class BlobMismatchError extends Error {
  readonly actual: { size: number; sha256: string };
  constructor(message: string, actual: { size: number; sha256: string }) {
    super(message);
    this.name = 'BlobMismatchError';
    this.actual = actual;
  }
}

/** Raised when a part arrives for an upload the store no longer stages (completed or aborted meanwhile). */
export class UploadClosedError extends Error {
  constructor(uploadId: string) {
    super(`upload ${uploadId} is no longer staged: it was completed or aborted meanwhile`);
    this.name = 'UploadClosedError';
  }
}

/**
 * The bytes behind artifacts. Two implementations (local folder, S3) meet one contract suite.
 * Blobs are immutable; the metadata database, not the store, knows which artifact uses which.
 */
export interface BlobStore {
  readonly kind: 'local' | 's3';
  /** Creates what it needs (folders, bucket); idempotent. */
  init(): Promise<void>;
  ping(): Promise<string>;

  /** Stages an upload of `partCount` parts of `partSize` bytes (the last shorter); URLs stay valid for `expiresInSeconds`. */
  beginUpload(
    uploadId: string,
    partCount: number,
    partSize: number,
    expiresInSeconds: number,
  ): Promise<UploadTarget>;
  /**
   * Local store only: receives one part (the S3 store gets parts straight from the client).
   * The part becomes visible (listed, used by completeUpload) atomically and only if exactly
   * `expectedBytes` arrived (any size up to MAX_PART_BYTES when undefined: the client declared
   * none); otherwise it throws BlobMismatchError and nothing is listed. Two writes of one part
   * race safely: the last whole one wins.
   */
  writePart(
    handle: string,
    uploadId: string,
    partNumber: number,
    body: Readable,
    expectedBytes: number | undefined,
  ): Promise<StagedPart>;
  listParts(handle: string, uploadId: string): Promise<StagedPart[]>;
  /**
   * Joins parts 1..partCount, hashes the whole as it is actually stored, and keeps it (staged)
   * only if size and sha256 match what is `expected` (whatever arrived when nothing is: MLflow's
   * multipart protocol declares neither); otherwise removes everything staged and throws
   * BlobMismatchError. Callers serialise completion of one upload (the service's claim).
   */
  completeUpload(
    handle: string,
    uploadId: string,
    partCount: number,
    expected: { size: number; sha256: string } | undefined,
  ): Promise<StoredBlob>;
  abortUpload(handle: string, uploadId: string): Promise<void>;

  /** Stages a whole stream (inline uploads, restore), checked like completeUpload. */
  put(body: Readable, expected?: { size: number; sha256: string }): Promise<StoredBlob>;
  /**
   * Moves staged bytes to where they are kept and returns that key (the local store renames
   * into its content address; S3 keeps them where they landed). Called under the digest's lock,
   * so garbage collection never removes bytes an upload is about to reference.
   */
  promote(blob: StoredBlob): Promise<string>;
  get(key: string, range?: ByteRange): Promise<Readable>;
  /** Size of what is stored at key, or undefined. */
  stat(key: string): Promise<number | undefined>;
  /** A time-limited direct download URL, or undefined where the store has none (local). */
  presignGet(key: string, expiresInSeconds: number, filename: string): Promise<string | undefined>;
  delete(key: string): Promise<void>;
  /** Every stored key with its age, for garbage collection (staged uploads included). */
  list(): AsyncIterable<{ key: string; size: number; modifiedAt: Date }>;
}
