import type {
  AliasRecord,
  ArtifactFilterInput,
  ArtifactOrderInput,
  ArtifactRecord,
  ArtifactSpec,
  BlobEncoding,
  BlobSpec,
  UploadRecord,
  UploadStatus,
} from '../records.ts';

/**
 * Where the storage subgraph keeps artifact metadata: versions, aliases, lineage, uploads and the
 * blobs they point at (the bytes are the BlobStore's). One implementation per SQL backend family
 * (sqlArtifactStore.ts).
 */
export interface ArtifactStore {
  getArtifact(projectId: string, id: string): Promise<ArtifactRecord | undefined>;
  getArtifacts(projectId: string, ids: string[]): Promise<ArtifactRecord[]>;
  /** Only live (not soft-deleted) versions answer to a name. */
  artifactByVersion(
    projectId: string,
    name: string,
    version: number | 'latest',
  ): Promise<ArtifactRecord | undefined>;
  nameExists(projectId: string, name: string): Promise<boolean>;
  existingIds(projectId: string, ids: string[]): Promise<Set<string>>;
  listArtifacts(
    projectId: string,
    filter: ArtifactFilterInput,
    order: ArtifactOrderInput,
    limit: number,
    after: unknown[] | undefined,
  ): Promise<{ rows: ArtifactRecord[]; totalCount: number; keyOf: (a: ArtifactRecord) => unknown[] }>;
  /** The newest live version of every name under a prefix ("a/b/" lists a folder), by name. */
  latestUnder(projectId: string, prefix: string, limit: number): Promise<ArtifactRecord[]>;
  aliasesOfName(projectId: string, name: string): Promise<AliasRecord[]>;
  alias(projectId: string, name: string, alias: string): Promise<AliasRecord | undefined>;
  setAlias(
    projectId: string,
    name: string,
    alias: string,
    version: number,
    actor: string,
  ): Promise<AliasRecord>;
  deleteAlias(projectId: string, name: string, alias: string): Promise<boolean>;
  /** Undefined when another upload of the project holds its idempotency key (a concurrent twin). */
  createUpload(upload: Omit<UploadRecord, 'completing'>): Promise<UploadRecord | undefined>;
  /** Frees the key of an upload that failed, so the caller's retry under it can start afresh. */
  releaseIdempotencyKey(id: string): Promise<void>;
  uploadByIdempotencyKey(projectId: string, key: string): Promise<UploadRecord | undefined>;
  getUpload(projectId: string, id: string): Promise<UploadRecord | undefined>;
  /**
   * Moves a PENDING upload to another status; false when it was no longer PENDING, or when a
   * request is completing it and `holdingClaim` is not set (abort and expiry wait for it).
   */
  finishUpload(
    id: string,
    status: Exclude<UploadStatus, 'PENDING' | 'COMPLETED'>,
    holdingClaim?: boolean,
  ): Promise<boolean>;
  /**
   * Claims a PENDING upload for completion for `leaseMs`: false when it is not PENDING or
   * another request holds an unexpired claim. A claim of a request that died runs out.
   */
  claimCompletion(id: string, leaseMs: number): Promise<boolean>;
  renewCompletion(id: string, leaseMs: number): Promise<void>;
  /** Gives a claim back (the completion failed for a reason a retry may not meet). */
  releaseCompletion(id: string): Promise<void>;
  /**
   * Makes an artifact visible: its bytes promoted into place unless the digest is already kept
   * (then `reused` is true and the caller's staged copy is redundant), the next version of the
   * name, lineage and, for an upload, its COMPLETED mark, in one transaction holding the
   * digest's lock. Undefined when the upload was no longer PENDING (completed or aborted
   * concurrently).
   */
  commitArtifact(
    spec: ArtifactSpec,
    blob: BlobSpec,
    promote: () => Promise<string>,
    uploadId?: string,
  ): Promise<{ artifact: ArtifactRecord; reused: boolean } | undefined>;
  /** Every kept blob, for backups. */
  blobs(): Promise<
    { sha256: string; key: string; size: number; storedSize: number; encoding: BlobEncoding }[]
  >;
  /** Restores a blob row, promoting its bytes under the digest's lock; false if it was there. */
  restoreBlob(blob: BlobSpec, promote: () => Promise<string>): Promise<boolean>;
  setDeleted(projectId: string, id: string, deleted: boolean): Promise<void>;
  /** The artifacts `id` was derived from (parents), or those derived from it (children). */
  related(projectId: string, id: string, direction: 'parents' | 'children'): Promise<ArtifactRecord[]>;
  /** Edges reachable from `id` within `depth` steps, upwards (parents) and/or downwards. */
  lineageEdges(
    id: string,
    depth: number,
    up: boolean,
    down: boolean,
  ): Promise<{ parent_id: string; child_id: string }[]>;
  /** Hard-deletes artifacts soft-deleted before `cutoff` (their parents' links go with them). */
  purgeDeleted(cutoff: Date): Promise<number>;
  expiredUploads(now: Date): Promise<UploadRecord[]>;
  /**
   * Deletes blob rows no artifact references and returns their keys. The foreign key makes
   * this safe against an upload committing the same digest at the same moment: either the
   * delete wins and the upload inserts the blob anew with its own bytes, or the upload's
   * reference wins and this delete fails for that row.
   */
  deleteUnreferencedBlobs(
    removeBytes: (key: string) => Promise<void>,
  ): Promise<{ deletedBlobs: number; freedBytes: number }>;
}
