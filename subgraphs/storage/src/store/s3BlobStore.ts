import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Client } from 'minio';
import { BlobMismatchError, type BlobStore, MIN_PART_BYTES, type StagedPart } from './blobStore.ts';
import { hashingStream } from './hashingStream.ts';

export interface S3BlobStoreOptions {
  endpoint: string;
  region: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  /** Ask S3 to encrypt every object at rest (SSE-S3, AES256). */
  serverSideEncryption?: boolean;
}

const READ_RANGE = 8 * 1024 * 1024;
const READ_AHEAD = 2;

interface ListedPart {
  part: number;
  etag: string;
  size: number;
}

/** A `minio` client for an S3 endpoint given as a URL (`http://minio:9000`, `https://s3.amazonaws.com`). */
export function s3Client(options: {
  endpoint: string;
  region: string;
  accessKey: string;
  secretKey: string;
}): Client {
  const url = new URL(options.endpoint);
  return new Client({
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
    useSSL: url.protocol === 'https:',
    accessKey: options.accessKey,
    secretKey: options.secretKey,
    region: options.region,
  });
}

/**
 * Blobs in an S3 bucket (MinIO, AWS S3, Garage, Ceph RGW…) through the `minio` client. Clients
 * send parts straight to S3 on presigned URLs, so bytes never pass through Jarvis on the way in;
 * Jarvis only reads them back once to check their sha256 before anything becomes visible.
 * Each blob is kept at the key its upload created (`blobs/<upload id>`): no copy of large
 * objects, and the metadata database maps digests to keys, which is where dedup happens.
 */
export function s3BlobStore(options: S3BlobStoreOptions): BlobStore {
  const url = new URL(options.endpoint);
  const client = s3Client(options);
  const { bucket } = options;
  const sse: Record<string, string> = options.serverSideEncryption
    ? { 'X-Amz-Server-Side-Encryption': 'AES256' }
    : {};
  const keyOf = (uploadId: string) => `blobs/${uploadId}`;
  /** Parts of a body Jarvis streams in itself (storeStream, a drive import). */
  const STREAM_PART = 16 * 1024 * 1024;
  // `listParts` is not in the client's public typings, though it is what S3's ListParts needs.
  const listParts = (key: string, handle: string): Promise<ListedPart[]> =>
    (client as unknown as { listParts(b: string, k: string, u: string): Promise<ListedPart[]> }).listParts(
      bucket,
      key,
      handle,
    );

  /**
   * Reads an object back in ranges, several in flight while the previous ones are hashed, so
   * checking a large upload costs about one read at full speed rather than a read then a hash.
   */
  async function* readAhead(key: string, size: number): AsyncGenerator<Buffer> {
    const fetchRange = async (start: number) => {
      const chunks: Buffer[] = [];
      for await (const c of await client.getPartialObject(
        bucket,
        key,
        start,
        Math.min(READ_RANGE, size - start),
      )) {
        chunks.push(c as Buffer);
      }
      return chunks;
    };
    const inFlight: Promise<Buffer[]>[] = [];
    let next = 0;
    const refill = () => {
      while (inFlight.length < READ_AHEAD && next < size) {
        const pending = fetchRange(next);
        pending.catch(() => {}); // surfaced when awaited below
        inFlight.push(pending);
        next += READ_RANGE;
      }
    };
    refill();
    while (inFlight.length) {
      const chunks = await inFlight.shift()!;
      refill();
      yield* chunks;
    }
  }

  /**
   * A body of unknown size into one object, in parts of STREAM_PART bytes with one part going up
   * while the next fills: memory stays at two parts whatever the size (the client's putObject,
   * not knowing the size, would buffer parts of ~500 MB). Small bodies go in one PUT; a body that
   * fails leaves no object and no open upload.
   */
  async function putStreamed(key: string, source: AsyncIterable<Buffer>) {
    let chunks: Buffer[] = [];
    let filled = 0;
    let handle: string | undefined;
    const etags: { part: number; etag: string }[] = [];
    let sending: Promise<void> = Promise.resolve();
    const send = async (part: Buffer, partNumber: number) => {
      const { etag } = (await (
        client as unknown as {
          uploadPart(config: object, payload: Buffer): Promise<{ etag: string }>;
        }
      ).uploadPart(
        {
          bucketName: bucket,
          objectName: key,
          uploadID: handle,
          partNumber,
          headers: { 'Content-Length': part.length },
        },
        part,
      )) as { etag: string };
      etags.push({ part: partNumber, etag });
    };
    try {
      for await (const chunk of source) {
        chunks.push(chunk);
        filled += chunk.length;
        if (filled < STREAM_PART) continue;
        const part = Buffer.concat(chunks, filled);
        chunks = [];
        filled = 0;
        handle ??= await client.initiateNewMultipartUpload(bucket, key, { ...sse });
        await sending;
        sending = send(part, etags.length + 1);
        // Awaited before the next part goes (or at the end); handled now so a failure is not "unhandled" meanwhile.
        sending.catch(() => {});
      }
      const rest = Buffer.concat(chunks, filled);
      if (!handle) {
        await client.putObject(bucket, key, rest, rest.length, { ...sse });
        return;
      }
      await sending;
      if (rest.length) await send(rest, etags.length + 1);
      await client.completeMultipartUpload(
        bucket,
        key,
        handle,
        etags.sort((a, b) => a.part - b.part),
      );
    } catch (error) {
      await sending.catch(() => {});
      if (handle) await client.abortMultipartUpload(bucket, key, handle).catch(() => {});
      throw error;
    }
  }

  async function verify(key: string, expected: { size: number; sha256: string } | undefined) {
    const size = (await client.statObject(bucket, key)).size;
    const hash = createHash('sha256');
    for await (const buffer of readAhead(key, size)) hash.update(buffer);
    const actual = { size, sha256: hash.digest('hex') };
    if (expected && (actual.size !== expected.size || actual.sha256 !== expected.sha256)) {
      await client.removeObject(bucket, key);
      throw new BlobMismatchError(
        actual.size !== expected.size
          ? `received ${actual.size} bytes, declared ${expected.size}`
          : `sha256 of the bytes received is ${actual.sha256}, declared ${expected.sha256}`,
        actual,
      );
    }
    return { key, ...actual };
  }

  /**
   * With encryption on, a server that cannot encrypt must stop Jarvis at start-up, not store
   * plain bytes: MinIO without a KMS refuses the header, and a server that ignores it does not
   * echo it back. Either way the probe says so.
   */
  async function checkEncryption() {
    const probe = `.jarvis/encryption-probe-${randomUUID()}`;
    try {
      await client.putObject(bucket, probe, Buffer.from('probe'), 5, { ...sse });
    } catch (error) {
      throw new Error(
        `services.storage.encrypt is on, but ${url.host} refused to encrypt objects in bucket ${bucket} (${(error as Error).message}); configure a KMS on the server (MinIO: MINIO_KMS_SECRET_KEY) or turn encrypt off`,
      );
    }
    try {
      const head = await fetch(await client.presignedUrl('HEAD', bucket, probe, 60), { method: 'HEAD' });
      const applied = head.headers.get('x-amz-server-side-encryption');
      if (!applied)
        throw new Error(
          `services.storage.encrypt is on, but ${url.host} stored a test object in bucket ${bucket} without encrypting it (no x-amz-server-side-encryption in its answer); use a server that supports SSE-S3 or turn encrypt off`,
        );
    } finally {
      await client.removeObject(bucket, probe).catch(() => {});
    }
  }

  return {
    kind: 's3',
    async init() {
      if (!(await client.bucketExists(bucket))) await client.makeBucket(bucket, options.region);
      if (options.serverSideEncryption) await checkEncryption();
    },
    async ping() {
      if (!(await client.bucketExists(bucket))) throw new Error(`bucket ${bucket} does not exist`);
      return `s3 ${url.host}/${bucket}`;
    },
    async beginUpload(uploadId, partCount, _partSize, expiresInSeconds) {
      const key = keyOf(uploadId);
      const handle = await client.initiateNewMultipartUpload(bucket, key, { ...sse });
      const parts = await Promise.all(
        Array.from({ length: partCount }, async (_, i) => ({
          partNumber: i + 1,
          url: await client.presignedUrl('PUT', bucket, key, expiresInSeconds, {
            partNumber: String(i + 1),
            uploadId: handle,
          }),
        })),
      );
      return { handle, parts, presigned: true };
    },
    async writePart() {
      throw new Error('parts of an S3 upload go straight to S3 on their presigned URLs');
    },
    async listParts(handle, uploadId): Promise<StagedPart[]> {
      const parts = await listParts(keyOf(uploadId), handle).catch((error: { code?: string }) => {
        // Completed or aborted meanwhile: it stages nothing any more.
        if (error.code === 'NoSuchUpload') return [];
        throw error;
      });
      return parts
        .map((p) => ({ partNumber: p.part, size: p.size, etag: p.etag }))
        .sort((a, b) => a.partNumber - b.partNumber);
    },
    async completeUpload(handle, uploadId, partCount, expected) {
      const key = keyOf(uploadId);
      const parts = await listParts(key, handle);
      const missing = Array.from({ length: partCount }, (_, i) => i + 1).filter(
        (n) => !parts.some((p) => p.part === n),
      );
      if (missing.length) {
        throw new BlobMismatchError(`parts ${missing.join(', ')} have not been received`, {
          size: parts.reduce((a, p) => a + p.size, 0),
          sha256: '',
        });
      }
      const received = parts.filter((p) => p.part <= partCount).reduce((a, p) => a + p.size, 0);
      if (expected && received !== expected.size) {
        await client.abortMultipartUpload(bucket, key, handle);
        throw new BlobMismatchError(`received ${received} bytes, declared ${expected.size}`, {
          size: received,
          sha256: '',
        });
      }
      try {
        await client.completeMultipartUpload(
          bucket,
          key,
          handle,
          parts.filter((p) => p.part <= partCount).map((p) => ({ part: p.part, etag: p.etag })),
        );
      } catch (error) {
        // A part written again after it was listed no longer has the ETag we name: S3 refuses
        // the completion. What was checked is not what is there, so the upload fails whole.
        const code = (error as { code?: string }).code;
        if (code === 'EntityTooSmall') {
          await client.abortMultipartUpload(bucket, key, handle).catch(() => {});
          throw new BlobMismatchError(
            `every part but the last must be at least ${MIN_PART_BYTES} bytes (5 MiB)`,
            { size: received, sha256: '' },
          );
        }
        if (code !== 'InvalidPart') throw error;
        await client.abortMultipartUpload(bucket, key, handle).catch(() => {});
        throw new BlobMismatchError('a part was written again while the upload was being completed', {
          size: received,
          sha256: '',
        });
      }
      return verify(key, expected);
    },
    async abortUpload(handle, uploadId) {
      await client.abortMultipartUpload(bucket, keyOf(uploadId), handle).catch((error: { code?: string }) => {
        if (error.code !== 'NoSuchUpload') throw error;
      });
    },
    async put(body, expected) {
      const key = keyOf(randomUUID());
      // The bytes pass through this process: hashed on their way to S3, not read back after.
      const hasher = hashingStream();
      (body as Readable).on('error', (error) => hasher.stream.destroy(error));
      await putStreamed(key, (body as Readable).pipe(hasher.stream));
      const actual = hasher.result();
      const stored = (await client.statObject(bucket, key)).size;
      const problem =
        stored !== actual.size
          ? `S3 kept ${stored} bytes of the ${actual.size} sent`
          : expected && actual.size !== expected.size
            ? `received ${actual.size} bytes, declared ${expected.size}`
            : expected && actual.sha256 !== expected.sha256
              ? `sha256 of the bytes received is ${actual.sha256}, declared ${expected.sha256}`
              : undefined;
      if (problem) {
        await client.removeObject(bucket, key);
        throw new BlobMismatchError(problem, actual);
      }
      return { key, ...actual };
    },
    async promote(blob) {
      return blob.key;
    },
    async get(key, range) {
      if (range) return client.getPartialObject(bucket, key, range.start, range.end - range.start + 1);
      return client.getObject(bucket, key);
    },
    async stat(key) {
      try {
        return (await client.statObject(bucket, key)).size;
      } catch (error) {
        if ((error as { code?: string }).code === 'NotFound') return undefined;
        throw error;
      }
    },
    async presignGet(key, expiresInSeconds, filename) {
      return client.presignedGetObject(bucket, key, expiresInSeconds, {
        'response-content-disposition': `attachment; filename="${filename.replace(/["\\\r\n]/g, '_')}"`,
      });
    },
    async delete(key) {
      await client.removeObject(bucket, key);
    },
    async *list() {
      for await (const item of client.listObjectsV2(bucket, 'blobs/', true)) {
        const entry = item as { name?: string; size: number; lastModified: Date };
        if (entry.name) yield { key: entry.name, size: entry.size, modifiedAt: entry.lastModified };
      }
    },
  };
}
