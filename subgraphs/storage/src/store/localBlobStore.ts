import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  BlobMismatchError,
  type BlobStore,
  MAX_PART_BYTES,
  type StagedPart,
  UploadClosedError,
} from './blobStore.ts';
import { decryptFile, encryptStream, plainSize } from './encryptedFile.ts';
import { hashingStream } from './hashingStream.ts';

/**
 * Blobs in a local folder, content-addressed: `sha256/ab/abcdef…`. Bytes are written to a
 * staging file first and renamed into place only once their digest is known and checked, so a
 * reader never sees a partial blob and the same content is kept once.
 */
/** Fewer, larger writes and reads than Node's 16/64 KiB defaults: large blobs are the norm. */
const IO_CHUNK = 1024 * 1024;
/** Present while an upload takes parts; removed when it is completed, so a late part is refused. */
const STAGED_MARKER = 'staged';

export interface LocalBlobStoreOptions {
  /** 32-byte AES-256-GCM key: every file the store writes is encrypted, staged parts too. */
  encryptionKey?: Buffer;
}

export function localBlobStore(
  root: string,
  uploadPath: (uploadId: string, partNumber: number) => string,
  options: LocalBlobStoreOptions = {},
): BlobStore {
  const { encryptionKey } = options;
  const staging = path.join(root, 'uploads');
  const keyOf = (sha256: string) => `sha256/${sha256.slice(0, 2)}/${sha256}`;
  const fileOf = (key: string) => {
    if (!/^sha256\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(key)) throw new Error(`not a local blob key: ${key}`);
    return path.join(root, key);
  };
  const uploadDir = (uploadId: string) => {
    if (!/^[A-Za-z0-9-]{1,64}$/.test(uploadId)) throw new Error(`bad upload id ${uploadId}`);
    return path.join(staging, uploadId);
  };

  // Staged keys are files under uploads/ until promote() renames them to their content address.
  const stagedFile = (key: string) => {
    if (!/^uploads\/[A-Za-z0-9-]{1,64}\/[A-Za-z0-9.-]{1,80}$/.test(key))
      throw new Error(`not a staged key: ${key}`);
    return path.join(root, key);
  };
  const isStaged = (key: string) => key.startsWith('uploads/');
  const anyFile = (key: string) => (isStaged(key) ? stagedFile(key) : fileOf(key));

  // With a key, no plaintext touches the disk: parts and assembled uploads are sealed as they
  // are written, so `promote` is a rename either way.
  const writeThrough = (source: Readable | AsyncIterable<Buffer>, through: Transform, file: string) => {
    const out = createWriteStream(file, { highWaterMark: IO_CHUNK });
    return encryptionKey
      ? pipeline(source, through, encryptStream(encryptionKey), out)
      : pipeline(source, through, out);
  };
  const sizeOnDisk = (fileSize: number) => (encryptionKey ? plainSize(fileSize) : fileSize);
  const readFile = async (file: string, range?: { start: number; end: number }) => {
    // Opening first makes a missing file fail here, not mid-stream.
    const handle = await open(file, 'r');
    if (encryptionKey) return decryptFile(encryptionKey, handle, (await handle.stat()).size, range);
    return handle.createReadStream({ highWaterMark: IO_CHUNK, ...(range ?? {}) });
  };

  async function hashInto(
    source: Readable | AsyncIterable<Buffer>,
    tmp: string,
    expected?: { size: number; sha256: string },
  ) {
    const hasher = hashingStream(expected ? expected.size : undefined);
    try {
      await writeThrough(source, hasher.stream, tmp);
    } catch (error) {
      await rm(tmp, { force: true });
      if (error instanceof RangeError && expected) {
        throw new BlobMismatchError(`more bytes than the declared ${expected.size}`, {
          size: expected.size + 1,
          sha256: '',
        });
      }
      throw error;
    }
    const actual = hasher.result();
    if (expected && (actual.size !== expected.size || actual.sha256 !== expected.sha256)) {
      await rm(tmp, { force: true });
      throw new BlobMismatchError(
        actual.size !== expected.size
          ? `received ${actual.size} bytes, declared ${expected.size}`
          : `sha256 of the bytes received is ${actual.sha256}, declared ${expected.sha256}`,
        actual,
      );
    }
    return actual;
  }

  return {
    kind: 'local',
    async init() {
      await mkdir(staging, { recursive: true });
      await mkdir(path.join(root, 'sha256'), { recursive: true });
    },
    async ping() {
      await stat(root);
      return `local folder ${root}`;
    },
    async beginUpload(uploadId, partCount) {
      const dir = uploadDir(uploadId);
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, STAGED_MARKER), '');
      return {
        handle: uploadId,
        presigned: false,
        parts: Array.from({ length: partCount }, (_, i) => ({
          partNumber: i + 1,
          url: uploadPath(uploadId, i + 1),
        })),
      };
    },
    async writePart(_handle, uploadId, partNumber, body, expectedBytes) {
      const dir = uploadDir(uploadId);
      if (!(await stat(path.join(dir, STAGED_MARKER)).catch(() => undefined)))
        throw new UploadClosedError(uploadId);
      // Each write goes to a file of its own and is renamed into place whole: two racing writes
      // of one part never interleave their bytes, and a cut or refused one is never listed.
      const tmp = path.join(dir, `${partNumber}.${randomUUID()}.tmp`);
      const limit = expectedBytes ?? MAX_PART_BYTES;
      const hasher = hashingStream(limit);
      try {
        await writeThrough(body, hasher.stream, tmp);
      } catch (error) {
        await rm(tmp, { force: true });
        if (error instanceof RangeError)
          throw new BlobMismatchError(`more than the ${limit} bytes expected`, {
            size: limit + 1,
            sha256: '',
          });
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UploadClosedError(uploadId);
        throw error;
      }
      const received = hasher.result();
      if (expectedBytes !== undefined && received.size !== expectedBytes) {
        await rm(tmp, { force: true });
        throw new BlobMismatchError(`received ${received.size} bytes, expected ${expectedBytes}`, received);
      }
      try {
        await rename(tmp, path.join(dir, String(partNumber)));
      } catch (error) {
        await rm(tmp, { force: true });
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UploadClosedError(uploadId);
        throw error;
      }
      return { partNumber, size: received.size, etag: received.sha256 };
    },
    async listParts(_handle, uploadId) {
      const dir = uploadDir(uploadId);
      const names = await readdir(dir).catch(() => [] as string[]);
      const parts: StagedPart[] = [];
      for (const name of names) {
        if (!/^\d+$/.test(name)) continue;
        const info = await stat(path.join(dir, name)).catch(() => undefined);
        if (info)
          parts.push({
            partNumber: Number(name),
            size: sizeOnDisk(info.size),
            etag: `${info.ino}-${info.size}`,
          });
      }
      return parts.sort((a, b) => a.partNumber - b.partNumber);
    },
    async completeUpload(_handle, uploadId, partCount, expected) {
      const dir = uploadDir(uploadId);
      const parts = await this.listParts(uploadId, uploadId);
      const have = new Set(parts.map((p) => p.partNumber));
      const missing = Array.from({ length: partCount }, (_, i) => i + 1).filter((n) => !have.has(n));
      // Reported before anything is touched: the client can still send them and complete.
      if (missing.length) {
        throw new BlobMismatchError(`parts ${missing.join(', ')} have not been received`, {
          size: 0,
          sha256: '',
        });
      }
      // The parts are joined and hashed in one pass, each read from the file it was opened as:
      // the digest is of exactly the bytes kept, whatever a late write of a part does meanwhile.
      const tmp = path.join(dir, `assembled.${randomUUID()}.tmp`);
      async function* joined() {
        for (let n = 1; n <= partCount; n++) yield* await readFile(path.join(dir, String(n)));
      }
      let actual: { size: number; sha256: string };
      try {
        actual = await hashInto(joined(), tmp, expected);
      } catch (error) {
        // A mismatch fails the upload: nothing of it is kept. An I/O error leaves the parts for another try.
        if (error instanceof BlobMismatchError) await rm(dir, { recursive: true, force: true });
        throw error;
      }
      await rename(tmp, path.join(dir, 'assembled'));
      await rm(path.join(dir, STAGED_MARKER), { force: true });
      for (const p of parts) await rm(path.join(dir, String(p.partNumber)), { force: true });
      return { key: `uploads/${uploadId}/assembled`, ...actual };
    },
    async abortUpload(_handle, uploadId) {
      await rm(uploadDir(uploadId), { recursive: true, force: true });
    },
    async put(body, expected) {
      const id = randomUUID();
      await mkdir(uploadDir(id), { recursive: true });
      const tmp = path.join(uploadDir(id), 'assembled');
      try {
        return { key: `uploads/${id}/assembled`, ...(await hashInto(body, tmp, expected)) };
      } catch (error) {
        await rm(uploadDir(id), { recursive: true, force: true });
        throw error;
      }
    },
    async promote(blob) {
      if (!isStaged(blob.key)) return blob.key;
      const key = keyOf(blob.sha256);
      await mkdir(path.dirname(fileOf(key)), { recursive: true });
      // rename() replaces atomically; if the blob exists, its bytes are the same bytes.
      await rename(stagedFile(blob.key), fileOf(key));
      await rm(path.dirname(stagedFile(blob.key)), { recursive: true, force: true });
      return key;
    },
    async get(key, range) {
      return readFile(anyFile(key), range);
    },
    async stat(key) {
      const info = await stat(anyFile(key)).catch(() => undefined);
      return info ? sizeOnDisk(info.size) : undefined;
    },
    async presignGet() {
      return undefined;
    },
    async delete(key) {
      if (isStaged(key)) await rm(path.dirname(stagedFile(key)), { recursive: true, force: true });
      else await rm(fileOf(key), { force: true });
    },
    async *list() {
      for (const prefix of await readdir(path.join(root, 'sha256')).catch(() => [] as string[])) {
        for (const name of await readdir(path.join(root, 'sha256', prefix))) {
          const key = `sha256/${prefix}/${name}`;
          const info = await stat(path.join(root, key)).catch(() => undefined);
          if (info) yield { key, size: info.size, modifiedAt: info.mtime };
        }
      }
    },
  };
}
