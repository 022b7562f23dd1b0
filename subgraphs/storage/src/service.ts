import { randomUUID } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import type { JarvisConfig } from '@jarvis/config';
import type { Logger, Principal } from '@jarvis/context';
import { badUserInput, conflict, JarvisError, notFound } from '@jarvis/errors';
import type { PubSub } from '@jarvis/pubsub';
import {
  ARTIFACT_CREATED_TOPIC,
  type ArtifactCreated,
  type ArtifactPort,
  type Connection,
  decodeCursor,
  pageSize,
  type SubgraphBackup,
  toConnection,
  tooLarge,
} from '@jarvis/subgraph';
import type { JarvisMetrics } from '@jarvis/telemetry';
import { artifactIdOfSource, pathOfSource } from './mlflow/mlflowArtifactPath.ts';
import type {
  AliasRecord,
  ArtifactFilterInput,
  ArtifactKind,
  ArtifactOrderInput,
  ArtifactRecord,
  ArtifactSpec,
  BlobEncoding,
  BlobSpec,
  DeclaredUploadRecord,
  UploadRecord,
} from './records.ts';
import { isDeclared } from './records.ts';
import type { ArtifactStore } from './store/artifactStore.ts';
import {
  BlobMismatchError,
  type BlobStore,
  type ByteRange,
  MIN_PART_BYTES,
  type StagedPart,
  type StoredBlob,
  UploadClosedError,
} from './store/blobStore.ts';
import { sliceStream } from './store/sliceStream.ts';
import { type ArtifactEvent, artifactsTopic } from './subscriptions.ts';

type StorageConfig = JarvisConfig['services']['storage'];

export interface CreateUploadInput {
  name: string;
  kind: ArtifactKind;
  size: number;
  sha256: string;
  contentType?: string | null;
  metadata?: unknown;
  tags?: string[] | null;
  component?: string | null;
  runId?: string | null;
  workflowRunId?: string | null;
  derivedFrom?: string[] | null;
  partSize?: number | null;
  idempotencyKey?: string | null;
}

const MiB = 1024 * 1024;
const MIN_PART = 5 * MiB;
const MAX_PART = 5 * 1024 * MiB;
const MAX_PARTS = 10_000;
const DEFAULT_PART = 16 * MiB;
/** The handle of an inline store's record: it stages nothing in the blob store. */
const INLINE_HANDLE = 'inline';
const NAME_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const ALIAS = /^[a-z][a-z0-9_-]{0,63}$/;
const TAG = /^[A-Za-z0-9][A-Za-z0-9_.:=/-]{0,127}$/;
const CONTENT_TYPE = /^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=[\w.+"-]+)*$/;
const SHA256 = /^[0-9a-f]{64}$/;
const ID = /^[0-9a-f-]{36}$/;
const MAX_METADATA_BYTES = 64 * 1024;
/** How long a claim to complete an upload lasts unless renewed (it is, every third of it). */
const COMPLETION_LEASE_MS = 60_000;

/** Bytes part `n` of an upload must have: `partSize`, the last one what is left; any when undeclared. */
function partBytes(upload: UploadRecord, n: number): number | undefined {
  if (!isDeclared(upload)) return undefined;
  return n < upload.partCount ? upload.partSize : upload.size - upload.partSize * (upload.partCount - 1);
}

const completingConflict = (uploadId: string) =>
  conflict(
    `upload ${uploadId} is being completed by another request; query artifactUpload(id) until it is COMPLETED or FAILED`,
    { status: 'COMPLETING' },
  );

/**
 * Whose naming rules a name follows: Jarvis's own (portable, URL-safe), or MLflow's, for files
 * its clients log through the artifact proxy, which may be named anything a file may
 * (`epoch=2-step=30.ckpt`, `step 3+ålesund.png`).
 */
export type Naming = 'jarvis' | 'mlflow';

function checkMlflowPath(name: string): void {
  const segments = name.split('/');
  if (
    !name ||
    Buffer.byteLength(name) > 1024 ||
    name.includes('\\') ||
    [...name].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) ||
    segments.some((s) => s === '' || s === '.' || s === '..')
  )
    throw badUserInput(
      `artifact path ${JSON.stringify(name)} is not allowed: up to 1024 bytes, no empty, "." or ".." segments, control characters or backslashes`,
      { argument: 'path' },
    );
}

export function checkArtifactName(name: string, naming: Naming = 'jarvis'): void {
  if (naming === 'mlflow') {
    checkMlflowPath(name);
    return;
  }
  const segments = name.split('/');
  if (name.length > 256 || !segments.every((s) => NAME_SEGMENT.test(s))) {
    throw badUserInput(
      `name must be segments of letters, digits, "_", "." and "-" separated by "/", not starting with "." or "/", at most 256 characters (no "..", control characters or backslashes); got ${JSON.stringify(name)}`,
      { argument: 'name' },
    );
  }
}

function checkAlias(alias: string): void {
  if (alias === 'latest')
    throw badUserInput('"latest" always points at the newest version; it cannot be set or removed', {
      argument: 'alias',
    });
  if (!ALIAS.test(alias)) {
    throw badUserInput(
      `alias must be 1-64 lower-case letters, digits, "_" or "-", starting with a letter; got ${JSON.stringify(alias)}`,
      {
        argument: 'alias',
      },
    );
  }
}

function checkId(id: string, argument: string): void {
  if (!ID.test(id)) throw notFound(`no artifact or upload has id ${JSON.stringify(id)}`, { argument });
}

/** The seed's Storage Service: versioned, checksummed artifacts over a BlobStore. */
export class StorageService implements ArtifactPort {
  private readonly store: ArtifactStore;
  private readonly blobs: BlobStore;
  private readonly config: StorageConfig;
  private readonly logger: Logger;
  private readonly pubsub: PubSub | undefined;
  private readonly metrics: JarvisMetrics | undefined;

  constructor(deps: {
    store: ArtifactStore;
    blobs: BlobStore;
    config: StorageConfig;
    logger: Logger;
    pubsub?: PubSub | undefined;
    metrics?: JarvisMetrics | undefined;
  }) {
    const { store, blobs, config, logger, pubsub, metrics } = deps;
    this.metrics = metrics;
    this.store = store;
    this.blobs = blobs;
    this.config = config;
    this.logger = logger;
    this.pubsub = pubsub;
  }

  private async spec(
    principal: Principal,
    input: CreateUploadInput,
    naming: Naming = 'jarvis',
  ): Promise<ArtifactSpec> {
    checkArtifactName(input.name, naming);
    const tags = input.tags ?? [];
    if (tags.length > 64) throw badUserInput(`at most 64 tags, got ${tags.length}`, { argument: 'tags' });
    for (const tag of tags) {
      if (!TAG.test(tag))
        throw badUserInput(
          `tag ${JSON.stringify(tag)} is not allowed: letters, digits and _.:=/- up to 128`,
          { argument: 'tags' },
        );
    }
    const contentType = input.contentType ?? 'application/octet-stream';
    if (!CONTENT_TYPE.test(contentType))
      throw badUserInput(`contentType ${JSON.stringify(contentType)} is not a media type`, {
        argument: 'contentType',
      });
    const metadata = input.metadata ?? {};
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
      throw badUserInput('metadata must be a JSON object', { argument: 'metadata' });
    }
    const metadataBytes = Buffer.byteLength(JSON.stringify(metadata));
    if (metadataBytes > MAX_METADATA_BYTES) {
      throw badUserInput(`metadata is ${metadataBytes} bytes of JSON; at most ${MAX_METADATA_BYTES}`, {
        argument: 'metadata',
      });
    }
    const derivedFrom = [...new Set(input.derivedFrom ?? [])];
    for (const id of derivedFrom) checkId(id, 'derivedFrom');
    const found = await this.store.existingIds(principal.projectId, derivedFrom);
    const unknown = derivedFrom.filter((id) => !found.has(id));
    if (unknown.length)
      throw notFound(`derivedFrom names artifacts that do not exist: ${unknown.join(', ')}`, {
        argument: 'derivedFrom',
      });
    return {
      projectId: principal.projectId,
      name: input.name,
      kind: input.kind,
      contentType,
      metadata,
      tags,
      component: input.component ?? null,
      runId: input.runId ?? null,
      workflowRunId: input.workflowRunId ?? null,
      derivedFrom,
      createdBy: principal.userId,
    };
  }

  private checkSize(size: number, limit: number, key: string): void {
    if (!Number.isSafeInteger(size) || size < 0)
      throw badUserInput(`size must be a whole number of bytes, got ${size}`, { argument: 'size' });
    if (size > limit) {
      throw new JarvisError('LIMIT_EXCEEDED', `size ${size} is over the limit of ${limit} bytes (${key})`, {
        argument: 'size',
        limit,
        actual: size,
      });
    }
  }

  /** The upload an earlier call made under this idempotency key, if it was for the same file. */
  private async earlierUpload(principal: Principal, input: CreateUploadInput) {
    if (!input.idempotencyKey) return undefined;
    const existing = await this.store.uploadByIdempotencyKey(principal.projectId, input.idempotencyKey);
    if (!existing) return undefined;
    if (
      !isDeclared(existing) ||
      existing.name !== input.name ||
      existing.size !== input.size ||
      existing.sha256 !== input.sha256.toLowerCase()
    )
      throw conflict(
        `idempotencyKey ${JSON.stringify(input.idempotencyKey)} was used for another upload (${existing.name}); use a new key`,
      );
    return existing;
  }

  async createUpload(principal: Principal, input: CreateUploadInput): Promise<DeclaredUploadRecord> {
    const earlier = await this.earlierUpload(principal, input);
    if (earlier) return earlier;
    const spec = await this.spec(principal, input);
    this.checkSize(input.size, this.config.max_upload_bytes, 'services.storage.max_upload_bytes');
    const sha256 = input.sha256.toLowerCase();
    if (!SHA256.test(sha256))
      throw badUserInput('sha256 must be 64 hexadecimal characters', { argument: 'sha256' });
    const partSize = input.partSize ?? Math.max(DEFAULT_PART, Math.ceil(input.size / MAX_PARTS / MiB) * MiB);
    if (!Number.isSafeInteger(partSize) || partSize < MIN_PART || partSize > MAX_PART) {
      throw badUserInput(
        `partSize must be from ${MIN_PART} (5 MiB) to ${MAX_PART} (5 GiB) bytes, got ${partSize}`,
        { argument: 'partSize' },
      );
    }
    const partCount = Math.max(1, Math.ceil(input.size / partSize));
    if (partCount > MAX_PARTS)
      throw badUserInput(`${partCount} parts is more than ${MAX_PARTS}; use a larger partSize`, {
        argument: 'partSize',
      });
    const upload = await this.beginUpload(
      spec,
      { size: input.size, sha256, partSize },
      partCount,
      input.idempotencyKey ?? null,
    );
    if (!upload) {
      // A concurrent call with the same key got in first: its upload is the answer.
      const twin = await this.earlierUpload(principal, input);
      if (!twin) throw conflict(`idempotencyKey ${JSON.stringify(input.idempotencyKey)} is in use; retry`);
      return twin;
    }
    return { ...upload, size: input.size, sha256, partSize };
  }

  private async beginUpload(
    spec: ArtifactSpec,
    declared: { size: number; sha256: string; partSize: number } | null,
    partCount: number,
    idempotencyKey: string | null = null,
  ): Promise<UploadRecord | undefined> {
    const id = randomUUID();
    const expiresInSeconds = Math.round(this.config.upload_expiry_hours * 3600);
    const target = await this.blobs.beginUpload(
      id,
      partCount,
      declared?.partSize ?? MIN_PART_BYTES,
      Math.min(expiresInSeconds, 7 * 24 * 3600),
    );
    const upload = await this.store.createUpload({
      ...spec,
      id,
      status: 'PENDING',
      size: declared?.size ?? null,
      sha256: declared?.sha256 ?? null,
      partSize: declared?.partSize ?? null,
      partCount,
      handle: target.handle,
      presigned: target.presigned,
      partUrls: target.parts.map((p) => p.url),
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + expiresInSeconds * 1000),
      artifactId: null,
      idempotencyKey,
    });
    // Its key was taken meanwhile: the staged upload is nobody's.
    if (!upload) await this.blobs.abortUpload(target.handle, id).catch(() => {});
    return upload;
  }

  /**
   * MLflow's multipart upload (`mpu/create`): the client names the file and a number of parts,
   * nothing else, so the artifact is what arrives. S3's part rules and max_upload_bytes are
   * checked when it completes; on either store every part but the last must be 5 MiB or more.
   */
  async createUndeclaredUpload(
    principal: Principal,
    input: Omit<CreateUploadInput, 'size' | 'sha256' | 'partSize' | 'idempotencyKey'>,
    partCount: number,
    naming: Naming,
  ): Promise<UploadRecord> {
    const spec = await this.spec(principal, { ...input, size: 0, sha256: '' }, naming);
    if (!Number.isSafeInteger(partCount) || partCount < 1 || partCount > MAX_PARTS)
      throw badUserInput(`the number of parts must be 1 to ${MAX_PARTS}, got ${partCount}`, {
        argument: 'num_parts',
      });
    // No key: every MLflow upload is a new one, so one is always made.
    return (await this.beginUpload(spec, null, partCount))!;
  }

  /** Uploads of Jarvis's own protocol; MLflow's are reached by MLflow's routes. */
  async upload(principal: Principal, id: string): Promise<DeclaredUploadRecord | undefined> {
    if (!ID.test(id)) return undefined;
    const upload = await this.store.getUpload(principal.projectId, id);
    return upload && isDeclared(upload) ? upload : undefined;
  }

  /** Any upload of the project, MLflow's too. */
  async anyUpload(principal: Principal, id: string): Promise<UploadRecord | undefined> {
    if (!ID.test(id)) return undefined;
    return this.store.getUpload(principal.projectId, id);
  }

  /**
   * Parts that arrived whole. A part of the wrong size (S3 takes whatever a presigned PUT sends)
   * is not listed: a client resuming from this list sends it again.
   */
  async receivedParts(upload: UploadRecord): Promise<StagedPart[]> {
    if (upload.status !== 'PENDING') return [];
    const parts = await this.blobs.listParts(upload.handle, upload.id);
    return parts.filter(
      (p) => p.partNumber <= upload.partCount && p.size === (partBytes(upload, p.partNumber) ?? p.size),
    );
  }

  private async pendingUpload(principal: Principal, id: string): Promise<UploadRecord> {
    checkId(id, 'uploadId');
    const upload = await this.store.getUpload(principal.projectId, id);
    if (!upload) throw notFound(`no upload ${id} in this project`, { argument: 'uploadId' });
    if (upload.status === 'COMPLETED')
      throw conflict(`upload ${id} is already completed as artifact ${upload.artifactId}`, {
        artifactId: upload.artifactId,
      });
    if (upload.status !== 'PENDING')
      throw conflict(`upload ${id} is ${upload.status}; start a new upload`, { status: upload.status });
    if (upload.expiresAt < new Date()) {
      await this.expire(upload);
      throw conflict(`upload ${id} expired at ${upload.expiresAt.toISOString()}; start a new upload`, {
        status: 'EXPIRED',
      });
    }
    if (upload.completing) throw completingConflict(id);
    return upload;
  }

  /** The local store's upload endpoint: one part's bytes. */
  async receivePart(
    principal: Principal,
    uploadId: string,
    partNumber: number,
    body: Readable,
  ): Promise<StagedPart> {
    const upload = await this.pendingUpload(principal, uploadId);
    if (upload.presigned)
      throw badUserInput('this upload goes straight to S3: PUT the parts to their presigned URLs');
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > upload.partCount) {
      throw badUserInput(`part number must be 1 to ${upload.partCount}, got ${partNumber}`, {
        argument: 'partNumber',
      });
    }
    const expected = partBytes(upload, partNumber);
    try {
      return await this.blobs.writePart(upload.handle, upload.id, partNumber, body, expected);
    } catch (error) {
      if (error instanceof BlobMismatchError && (expected === undefined || error.actual.size > expected))
        throw tooLarge(
          expected ?? error.actual.size - 1,
          error.actual.size,
          `part ${partNumber} of upload ${upload.id}: its size`,
        );
      if (error instanceof BlobMismatchError)
        throw badUserInput(`part ${partNumber} must be ${expected} bytes: ${error.message}; send it again`, {
          expected,
          actual: error.actual.size,
        });
      if (error instanceof UploadClosedError)
        throw conflict(`${error.message}; query artifactUpload(id) for its status`);
      throw error;
    }
  }

  /**
   * Checks the stored bytes and makes the artifact visible. One request at a time completes an
   * upload: it claims it first (a lease in the database, so replicas agree), and a concurrent
   * call gets CONFLICT instead of racing it over the same staged bytes.
   */
  async completeUpload(principal: Principal, uploadId: string): Promise<ArtifactRecord> {
    const upload = await this.pendingUpload(principal, uploadId);
    if (!(await this.store.claimCompletion(upload.id, COMPLETION_LEASE_MS))) {
      // Lost the race: say why, from the row as it is now.
      await this.pendingUpload(principal, uploadId);
      throw completingConflict(uploadId);
    }
    // Parts are listed under the claim: an abort cannot remove them while they are checked.
    const parts = await this.receivedParts(upload);
    const received = new Set(parts.map((p) => p.partNumber));
    const missing = Array.from({ length: upload.partCount }, (_, i) => i + 1).filter((n) => !received.has(n));
    if (missing.length) {
      await this.store.releaseCompletion(upload.id);
      throw badUserInput(
        `parts ${missing.join(', ')} of ${upload.partCount} have not been received whole; send them, then complete again`,
        { missingParts: missing },
      );
    }
    if (!isDeclared(upload)) await this.checkUndeclaredParts(upload, parts);
    const renew = setInterval(() => {
      this.store.renewCompletion(upload.id, COMPLETION_LEASE_MS).catch((error: unknown) => {
        this.logger.warn({ err: error, uploadId }, 'could not renew the claim on an upload being completed');
      });
    }, COMPLETION_LEASE_MS / 3);
    renew.unref();
    try {
      let staged: StoredBlob;
      try {
        staged = await this.blobs.completeUpload(
          upload.handle,
          upload.id,
          upload.partCount,
          isDeclared(upload) ? upload : undefined,
        );
      } catch (error) {
        if (!(error instanceof BlobMismatchError)) throw error;
        await this.store.finishUpload(upload.id, 'FAILED', true);
        throw badUserInput(
          `upload ${upload.id} failed its check: ${error.message}; nothing was stored, start a new upload`,
          {
            ...(isDeclared(upload) ? { declared: { size: upload.size, sha256: upload.sha256 } } : {}),
            received: error.actual,
          },
        );
      }
      return await this.commit(upload, staged, upload.id);
    } catch (error) {
      // Whatever went wrong, the claim goes back so the client can try again now, not in minutes.
      await this.store.releaseCompletion(upload.id).catch(() => {});
      throw error;
    } finally {
      clearInterval(renew);
    }
  }

  /**
   * S3's rule for parts (every one but the last at least 5 MiB) on every store, so a client
   * learns it on the laptop, and max_upload_bytes for the whole. The claim is released on
   * refusal: parts sent again can still complete it.
   */
  private async checkUndeclaredParts(upload: UploadRecord, parts: StagedPart[]) {
    const small = parts.filter((p) => p.partNumber < upload.partCount && p.size < MIN_PART_BYTES);
    const total = parts.reduce((sum, p) => sum + p.size, 0);
    if (small.length) {
      await this.store.releaseCompletion(upload.id);
      throw badUserInput(
        `parts ${small.map((p) => p.partNumber).join(', ')} are under 5 MiB; every part but the last must be at least ${MIN_PART_BYTES} bytes (MLflow: raise MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE)`,
        { smallParts: small.map((p) => p.partNumber) },
      );
    }
    if (total > this.config.max_upload_bytes) {
      await this.store.releaseCompletion(upload.id);
      throw tooLarge(this.config.max_upload_bytes, total, 'services.storage.max_upload_bytes');
    }
  }

  private async commit(spec: ArtifactSpec, verified: StoredBlob, uploadId?: string) {
    const { staged, blob } = await this.encode(spec.kind, verified);
    const result = await this.store.commitArtifact(spec, blob, () => this.blobs.promote(staged), uploadId);
    if (!result) {
      await this.blobs.delete(staged.key).catch(() => {});
      throw conflict(`upload ${uploadId} was completed or aborted by another request`);
    }
    // The same content was already kept: this copy is redundant.
    if (result.reused) await this.blobs.delete(staged.key);
    this.logger.info(
      { artifactId: result.artifact.id, name: spec.name, version: result.artifact.version },
      'artifact stored',
    );
    // Workflows' event triggers start pipelines on it; a pubsub hiccup never fails the upload.
    const created: ArtifactCreated = {
      projectId: spec.projectId,
      artifactId: result.artifact.id,
      name: spec.name,
      kind: spec.kind,
      version: result.artifact.version,
    };
    this.metrics?.artifactBytes.inc({ direction: 'in', kind: spec.kind }, result.artifact.size);
    const event: ArtifactEvent = {
      name: spec.name,
      kind: spec.kind,
      at: result.artifact.createdAt,
      artifact: { id: result.artifact.id },
    };
    await Promise.all([
      this.pubsub?.publish(ARTIFACT_CREATED_TOPIC, created),
      this.pubsub?.publish(artifactsTopic(spec.projectId), event),
    ]).catch((error: unknown) => {
      this.logger.warn({ err: error, artifactId: created.artifactId }, 'could not announce a new artifact');
    });
    return result.artifact;
  }

  /** Compresses text-like kinds (services.storage.compress_kinds) before they are kept. */
  private encode(kind: ArtifactKind, verified: StoredBlob) {
    const compress = this.config.compress_kinds.includes(kind) && verified.size > 0;
    return this.encodeAs(compress ? 'gzip' : 'identity', verified);
  }

  private async encodeAs(
    encoding: BlobEncoding,
    verified: StoredBlob,
  ): Promise<{ staged: StoredBlob; blob: BlobSpec }> {
    if (encoding === 'identity') {
      return {
        staged: verified,
        blob: { sha256: verified.sha256, size: verified.size, storedSize: verified.size, encoding },
      };
    }
    const compressed = await this.blobs.put((await this.blobs.get(verified.key)).pipe(createGzip()));
    await this.blobs.delete(verified.key);
    // Kept under the content's digest, not the compressed bytes': dedup and ETags follow content.
    return {
      staged: { key: compressed.key, sha256: verified.sha256, size: verified.size },
      blob: { sha256: verified.sha256, size: verified.size, storedSize: compressed.size, encoding },
    };
  }

  /** The plain content of a kept blob, decompressed (and decrypted by the store). */
  private async plainContent(blob: { key: string; encoding: BlobEncoding }, range?: ByteRange) {
    if (blob.encoding === 'identity') return this.blobs.get(blob.key, range);
    const plain = (await this.blobs.get(blob.key)).pipe(createGunzip());
    return range ? plain.pipe(sliceStream(range)) : plain;
  }

  /** What `jarvis backup` copies: every kept blob, as plain content named by its sha256. */
  backupFiles(): SubgraphBackup['files'] {
    return {
      list: async () =>
        (await this.store.blobs()).map((b) => ({
          sha256: b.sha256,
          size: b.size,
          meta: { key: b.key, encoding: b.encoding },
        })),
      read: (file) =>
        this.plainContent({ key: String(file.meta.key), encoding: file.meta.encoding as BlobEncoding }),
      restore: async (file, content) => {
        let staged: StoredBlob;
        try {
          staged = await this.blobs.put(content, { size: file.size, sha256: file.sha256 });
        } catch (error) {
          if (error instanceof BlobMismatchError)
            throw new Error(`blob ${file.sha256} in the backup is damaged: ${error.message}`);
          throw error;
        }
        const { staged: encoded, blob } = await this.encodeAs(
          file.meta.encoding === 'gzip' ? 'gzip' : 'identity',
          staged,
        );
        if (!(await this.store.restoreBlob(blob, () => this.blobs.promote(encoded))))
          await this.blobs.delete(encoded.key);
      },
    };
  }

  async abortUpload(principal: Principal, uploadId: string): Promise<boolean> {
    checkId(uploadId, 'uploadId');
    const upload = await this.store.getUpload(principal.projectId, uploadId);
    if (!upload) throw notFound(`no upload ${uploadId} in this project`, { argument: 'uploadId' });
    if (!(await this.store.finishUpload(upload.id, 'ABORTED'))) {
      if ((await this.store.getUpload(principal.projectId, uploadId))?.completing)
        throw completingConflict(uploadId);
      return false;
    }
    if (upload.handle !== INLINE_HANDLE) await this.blobs.abortUpload(upload.handle, upload.id);
    return true;
  }

  private async expire(upload: UploadRecord) {
    if ((await this.store.finishUpload(upload.id, 'EXPIRED')) && upload.handle !== INLINE_HANDLE)
      await this.blobs.abortUpload(upload.handle, upload.id);
  }

  async storeSmall(
    principal: Principal,
    input: CreateUploadInput,
    contentBase64: string,
  ): Promise<ArtifactRecord> {
    const spec = await this.spec(principal, input);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(contentBase64))
      throw badUserInput('contentBase64 is not base64', { argument: 'contentBase64' });
    const bytes = Buffer.from(contentBase64, 'base64');
    this.checkSize(
      bytes.length,
      this.config.max_inline_bytes,
      'services.storage.max_inline_bytes; use createArtifactUpload',
    );
    if (bytes.length !== input.size)
      throw badUserInput(`size is ${input.size} but the content has ${bytes.length} bytes`, {
        argument: 'size',
      });
    // With an idempotencyKey the store is recorded as an upload of one inline part, so a retry
    // (an answer lost on the way back) returns the same artifact instead of a new version.
    const inline = input.idempotencyKey ? await this.claimInlineKey(principal, spec, input) : undefined;
    if (inline && 'artifact' in inline) return inline.artifact;
    try {
      let staged: StoredBlob;
      try {
        staged = await this.blobs.put(Readable.from([bytes]), {
          size: input.size,
          sha256: input.sha256.toLowerCase(),
        });
      } catch (error) {
        if (error instanceof BlobMismatchError) {
          throw badUserInput(`content does not match: ${error.message}`, {
            argument: 'sha256',
            received: error.actual,
          });
        }
        throw error;
      }
      return await this.commit(spec, staged, inline?.upload.id);
    } catch (error) {
      if (inline) {
        await this.store.finishUpload(inline.upload.id, 'FAILED').catch(() => {});
        await this.store.releaseIdempotencyKey(inline.upload.id).catch(() => {});
      }
      throw error;
    }
  }

  /**
   * The record of an inline store under its idempotency key: a new one to complete, or the
   * artifact an earlier call with the same key made. A twin still storing is a CONFLICT.
   */
  private async claimInlineKey(
    principal: Principal,
    spec: ArtifactSpec,
    input: CreateUploadInput,
  ): Promise<{ upload: UploadRecord } | { artifact: ArtifactRecord }> {
    const earlier = async () => {
      const found = await this.earlierUpload(principal, input);
      if (!found) return undefined;
      if (found.status === 'COMPLETED' && found.artifactId) {
        const artifact = await this.artifact(principal, found.artifactId);
        if (artifact) return { artifact };
      }
      throw conflict(
        `a call with idempotencyKey ${JSON.stringify(input.idempotencyKey)} is ${found.status === 'PENDING' ? 'still storing this artifact; retry in a moment' : `${found.status.toLowerCase()}; use a new key`}`,
      );
    };
    const before = await earlier();
    if (before) return before;
    const now = Date.now();
    const upload = await this.store.createUpload({
      ...spec,
      id: randomUUID(),
      status: 'PENDING',
      size: input.size,
      sha256: input.sha256.toLowerCase(),
      partSize: Math.max(input.size, 1),
      partCount: 1,
      handle: INLINE_HANDLE,
      presigned: false,
      partUrls: [],
      createdAt: new Date(now),
      expiresAt: new Date(now + 3_600_000),
      artifactId: null,
      idempotencyKey: input.idempotencyKey ?? null,
    });
    if (upload) return { upload };
    const twin = await earlier();
    if (!twin) throw conflict(`idempotencyKey ${JSON.stringify(input.idempotencyKey)} is in use; retry`);
    return twin;
  }

  /**
   * Stores a body whose size and digest are not known up front, in one request (the MLflow
   * artifact proxy): the sha256 is computed as the bytes arrive, and nothing is visible unless
   * the whole body arrived.
   */
  async storeStream(
    principal: Principal,
    input: Omit<CreateUploadInput, 'size' | 'sha256'>,
    body: Readable,
    naming: Naming = 'jarvis',
  ): Promise<ArtifactRecord> {
    const spec = await this.spec(principal, { ...input, size: 0, sha256: '' }, naming);
    // Counted as it arrives and cut at the limit: nothing past it is written anywhere.
    const limit = this.config.max_upload_bytes;
    let size = 0;
    const counted = body.pipe(
      new Transform({
        transform(chunk: Buffer, _enc, callback) {
          size += chunk.length;
          if (size > limit) callback(tooLarge(limit, size, 'services.storage.max_upload_bytes'));
          else callback(null, chunk);
        },
      }),
    );
    body.on('error', (error) => counted.destroy(error));
    const staged = await this.blobs.put(counted);
    return this.commit(spec, staged);
  }

  /** The newest live version of each name under a prefix, up to `limit` names. */
  latestUnder(principal: Principal, prefix: string, limit = 1000): Promise<ArtifactRecord[]> {
    return this.store.latestUnder(principal.projectId, prefix, limit);
  }

  async artifact(principal: Principal, id: string): Promise<ArtifactRecord | undefined> {
    if (!ID.test(id)) return undefined;
    return this.store.getArtifact(principal.projectId, id);
  }

  async artifactByName(
    principal: Principal,
    name: string,
    version?: number | null,
    alias?: string | null,
    naming: Naming = 'jarvis',
  ) {
    checkArtifactName(name, naming);
    if (version != null && alias != null) throw badUserInput('give a version or an alias, not both');
    if (alias != null && alias !== 'latest') {
      const found = await this.store.alias(principal.projectId, name, alias);
      return found ? this.store.artifactByVersion(principal.projectId, name, found.version) : undefined;
    }
    return this.store.artifactByVersion(principal.projectId, name, version ?? 'latest');
  }

  async list(
    principal: Principal,
    filter: ArtifactFilterInput = {},
    order: ArtifactOrderInput = { field: 'CREATED_AT', direction: 'DESC' },
    first?: number | null,
    after?: string | null,
  ): Promise<Connection<ArtifactRecord>> {
    const limit = pageSize(first);
    const cursor = decodeCursor<unknown[]>(after);
    if (cursor !== undefined && !Array.isArray(cursor))
      throw badUserInput('"after" is not an artifacts cursor', { argument: 'after' });
    if (filter.namePrefix) checkArtifactName(filter.namePrefix.replace(/\/$/, '') || 'x');
    const page = await this.store.listArtifacts(principal.projectId, filter, order, limit + 1, cursor);
    return toConnection(page.rows, limit, page.keyOf, page.totalCount, cursor !== undefined);
  }

  /** Aliases pointing at this version, `latest` first when it is the newest live one. */
  async aliasesOf(principal: Principal, artifact: ArtifactRecord): Promise<string[]> {
    const [aliases, latest] = await Promise.all([
      this.store.aliasesOfName(principal.projectId, artifact.name),
      artifact.deletedAt
        ? undefined
        : this.store.artifactByVersion(principal.projectId, artifact.name, 'latest'),
    ]);
    const names = aliases
      .filter((a) => a.version === artifact.version)
      .map((a) => a.alias)
      .sort();
    return latest?.id === artifact.id ? ['latest', ...names] : names;
  }

  async setAlias(principal: Principal, name: string, alias: string, version: number): Promise<AliasRecord> {
    checkArtifactName(name);
    checkAlias(alias);
    const target = await this.store.artifactByVersion(principal.projectId, name, version);
    if (!target) {
      const exists = await this.store.nameExists(principal.projectId, name);
      throw notFound(exists ? `${name} has no live version ${version}` : `no artifact is named ${name}`, {
        argument: 'version',
      });
    }
    return this.store.setAlias(principal.projectId, name, alias, version, principal.userId);
  }

  async deleteAlias(principal: Principal, name: string, alias: string): Promise<boolean> {
    checkArtifactName(name);
    checkAlias(alias);
    return this.store.deleteAlias(principal.projectId, name, alias);
  }

  async setDeleted(principal: Principal, id: string, deleted: boolean): Promise<ArtifactRecord> {
    checkId(id, 'id');
    const artifact = await this.store.getArtifact(principal.projectId, id);
    if (!artifact) throw notFound(`no artifact ${id} in this project`, { argument: 'id' });
    await this.store.setDeleted(principal.projectId, id, deleted);
    return (await this.store.getArtifact(principal.projectId, id))!;
  }

  /** A model version's artifact: the one it was made from, or the one file its source names. */
  async modelArtifact(
    principal: Principal,
    version: { source?: string; artifactId?: string | null },
  ): Promise<ArtifactRecord | undefined> {
    const id = version.artifactId ?? artifactIdOfSource(version.source ?? '');
    if (id) return this.artifact(principal, id);
    const path = pathOfSource(version.source ?? '');
    if (!path) return undefined;
    return this.store.artifactByVersion(principal.projectId, path, 'latest');
  }

  /** Every file of a model version: its artifact, or the newest of each file under its source folder. */
  async modelFiles(
    principal: Principal,
    version: { source?: string; artifactId?: string | null },
  ): Promise<ArtifactRecord[]> {
    const single = await this.modelArtifact(principal, version);
    if (single) return [single];
    const path = pathOfSource(version.source ?? '');
    return path ? this.latestUnder(principal, `${path}/`) : [];
  }

  /** Soft-deletes every live version of a name (MLflow deletes a path, not a version). */
  async deleteName(principal: Principal, name: string): Promise<void> {
    for (;;) {
      const latest = await this.store.artifactByVersion(principal.projectId, name, 'latest');
      if (!latest) return;
      await this.store.setDeleted(principal.projectId, latest.id, true);
    }
  }

  parents(principal: Principal, artifact: ArtifactRecord) {
    return this.store.related(principal.projectId, artifact.id, 'parents');
  }

  children(principal: Principal, artifact: ArtifactRecord) {
    return this.store.related(principal.projectId, artifact.id, 'children');
  }

  async lineage(
    principal: Principal,
    artifact: ArtifactRecord,
    depth: number,
    direction: 'UP' | 'DOWN' | 'BOTH',
  ) {
    if (!Number.isInteger(depth) || depth < 1 || depth > 20)
      throw badUserInput(`depth must be 1 to 20, got ${depth}`, { argument: 'depth' });
    const edges = await this.store.lineageEdges(artifact.id, depth, direction !== 'DOWN', direction !== 'UP');
    const unique = [...new Map(edges.map((e) => [`${e.parent_id}>${e.child_id}`, e])).values()];
    const ids = new Set([artifact.id, ...unique.flatMap((e) => [e.parent_id, e.child_id])]);
    const nodes = await this.store.getArtifacts(principal.projectId, [...ids]);
    const visible = new Set(nodes.map((n) => n.id));
    return {
      nodes,
      edges: unique
        .filter((e) => visible.has(e.parent_id) && visible.has(e.child_id))
        .map((e) => ({ parentId: e.parent_id, childId: e.child_id })),
    };
  }

  contentPath(artifact: ArtifactRecord): string {
    return `/storage/artifacts/${artifact.id}/content`;
  }

  async downloadUrl(artifact: ArtifactRecord, expiresInSeconds: number): Promise<string> {
    if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > 7 * 24 * 3600) {
      throw badUserInput('expiresInSeconds must be 1 to 604800 (7 days)', { argument: 'expiresInSeconds' });
    }
    // Compressed bytes are decompressed by Jarvis on the way out, so those go through it.
    if (artifact.encoding !== 'identity') return this.contentPath(artifact);
    const filename = `${artifact.name.split('/').at(-1)}`;
    return (
      (await this.blobs.presignGet(artifact.blobKey, expiresInSeconds, filename)) ??
      this.contentPath(artifact)
    );
  }

  /** The bytes of an artifact, whole or a range, for the streaming endpoint. */
  async openContent(principal: Principal, id: string, range?: ByteRange) {
    const artifact = await this.artifact(principal, id);
    if (!artifact || artifact.deletedAt) return undefined;
    this.metrics?.artifactBytes.inc(
      { direction: 'out', kind: artifact.kind },
      range ? range.end - range.start + 1 : artifact.size,
    );
    return {
      artifact,
      body: await this.plainContent({ key: artifact.blobKey, encoding: artifact.encoding }, range),
    };
  }

  /** Expires abandoned uploads, purges past the retention window, removes unused blobs. */
  async collectGarbage(now = new Date()) {
    let expiredUploads = 0;
    for (const upload of await this.store.expiredUploads(now)) {
      await this.expire(upload);
      expiredUploads++;
    }
    const cutoff = new Date(now.getTime() - this.config.retention_days * 24 * 3600 * 1000);
    const purgedArtifacts = await this.store.purgeDeleted(cutoff);
    const { deletedBlobs, freedBytes } = await this.store.deleteUnreferencedBlobs((key) =>
      this.blobs.delete(key),
    );
    const report = { purgedArtifacts, expiredUploads, deletedBlobs, freedBytes };
    this.logger.info(report, 'storage garbage collection');
    return report;
  }
}
