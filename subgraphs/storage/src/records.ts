export type ArtifactKind = 'MODEL' | 'DATASET' | 'LOG' | 'REPORT' | 'MEDIA' | 'OTHER';
export type BlobEncoding = 'identity' | 'gzip';
export type UploadStatus = 'PENDING' | 'COMPLETED' | 'ABORTED' | 'FAILED' | 'EXPIRED';

export interface ArtifactRecord {
  id: string;
  projectId: string;
  name: string;
  version: number;
  kind: ArtifactKind;
  sha256: string;
  blobKey: string;
  /** How the bytes are stored: as they are, or gzip-compressed. */
  encoding: BlobEncoding;
  storedSize: number;
  size: number;
  contentType: string;
  metadata: unknown;
  tags: string[];
  component: string | null;
  runId: string | null;
  workflowRunId: string | null;
  createdBy: string;
  createdAt: Date;
  deletedAt: Date | null;
}

/** The bytes of a new artifact: `sha256` and `size` of the content, `storedSize` as kept. */
export interface BlobSpec {
  sha256: string;
  size: number;
  storedSize: number;
  encoding: BlobEncoding;
}

/** What a new artifact is, before it has an id and a version. */
export interface ArtifactSpec {
  projectId: string;
  name: string;
  kind: ArtifactKind;
  contentType: string;
  metadata: unknown;
  tags: string[];
  component: string | null;
  runId: string | null;
  workflowRunId: string | null;
  derivedFrom: string[];
  createdBy: string;
}

export interface UploadRecord extends ArtifactSpec {
  id: string;
  status: UploadStatus;
  /**
   * What the client declared, checked when it completes. Null for MLflow's multipart protocol,
   * which names only a number of parts: the artifact is what arrived.
   */
  size: number | null;
  sha256: string | null;
  /** Every part but the last has this many bytes; null when undeclared (any, from 5 MiB). */
  partSize: number | null;
  partCount: number;
  handle: string;
  presigned: boolean;
  partUrls: string[];
  createdAt: Date;
  expiresAt: Date;
  artifactId: string | null;
  idempotencyKey: string | null;
  /** A request holds the claim to complete it right now. */
  completing: boolean;
}

/** An upload Jarvis's own clients started, with its size, digest and part size declared. */
export interface DeclaredUploadRecord extends UploadRecord {
  size: number;
  sha256: string;
  partSize: number;
}

export const isDeclared = (upload: UploadRecord): upload is DeclaredUploadRecord =>
  upload.size !== null && upload.sha256 !== null && upload.partSize !== null;

export interface AliasRecord {
  projectId: string;
  name: string;
  alias: string;
  version: number;
  updatedBy: string;
  updatedAt: Date;
}

export interface ArtifactFilterInput {
  kind?: ArtifactKind | null;
  namePrefix?: string | null;
  component?: string | null;
  tag?: string | null;
  runId?: string | null;
  workflowRunId?: string | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  includeDeleted?: boolean | null;
}

export type OrderField = 'CREATED_AT' | 'NAME' | 'SIZE';
export interface ArtifactOrderInput {
  field: OrderField;
  direction: 'ASC' | 'DESC';
}
