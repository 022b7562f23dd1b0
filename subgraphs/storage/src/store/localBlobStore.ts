import { createHash, type Hash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobMismatchError, type BlobStore, type StagedPart } from './blobStore.ts';
import { decryptFile, encryptStream, plainSize } from './encryptedFile.ts';
import { hashingStream } from './hashingStream.ts';

/**
 * Blobs in a local folder, content-addressed: `sha256/ab/abcdef…`. Bytes are written to a
 * staging file first and renamed into place only once their digest is known and checked, so a
 * reader never sees a partial blob and the same content is kept once.
 */
/** Fewer, larger writes and reads than Node's 16/64 KiB defaults: large blobs are the norm. */
const IO_CHUNK = 1024 * 1024;

export interface LocalBlobStoreOptions {
  /** 32-byte AES-256-GCM key: blobs are encrypted at rest (staged uploads are not, briefly). */
  encryptionKey?: Buffer;
}

export function localBlobStore(
  root: string,
  uploadPath: (uploadId: string, partNumber: number) => string,
  options: LocalBlobStoreOptions = {},
): BlobStore {
  const { encryptionKey } = options;
  /** Running sha256 of each upload's parts received in order (this process only). */
  const hashes = new Map<string, { next: number; hash: Hash }>();
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

  async function hashInto(
    source: Readable | AsyncIterable<Buffer>,
    tmp: string,
    expected?: { size: number; sha256: string },
  ) {
    const hasher = hashingStream(expected ? expected.size : undefined);
    try {
      await pipeline(source, hasher.stream, createWriteStream(tmp, { highWaterMark: IO_CHUNK }));
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
    async beginUpload(uploadId, partCount, partSize) {
      const dir = uploadDir(uploadId);
      await mkdir(dir, { recursive: true });
      // Parts are written straight into place at their offsets: completing needs no copy.
      await writeFile(path.join(dir, 'assembled'), '');
      await writeFile(path.join(dir, 'part-size'), String(partSize));
      return {
        handle: uploadId,
        presigned: false,
        parts: Array.from({ length: partCount }, (_, i) => ({
          partNumber: i + 1,
          url: uploadPath(uploadId, i + 1),
        })),
      };
    },
    async writePart(_handle, uploadId, partNumber, body, maxBytes) {
      const dir = uploadDir(uploadId);
      const partSize = Number(await readFile(path.join(dir, 'part-size'), 'utf8').catch(() => NaN));
      if (!Number.isSafeInteger(partSize)) throw new Error(`upload ${uploadId} is not staged here`);
      // While parts arrive in order, the whole upload's sha256 is computed as they stream in.
      const running = hashes.get(uploadId) ?? { next: 1, hash: createHash('sha256') };
      const inOrder = running.next === partNumber;
      const fork = inOrder ? running.hash.copy() : undefined;
      let size = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, callback) {
          size += chunk.length;
          if (size > maxBytes) return callback(new RangeError(`more than ${maxBytes} bytes`));
          fork?.update(chunk);
          callback(null, chunk);
        },
      });
      const marker = path.join(dir, String(partNumber));
      await rm(marker, { force: true });
      await pipeline(
        body,
        counter,
        createWriteStream(path.join(dir, 'assembled'), {
          flags: 'r+',
          start: (partNumber - 1) * partSize,
          highWaterMark: IO_CHUNK,
        }),
      );
      if (fork) hashes.set(uploadId, { next: partNumber + 1, hash: fork });
      else if (partNumber < running.next) hashes.delete(uploadId); // a part sent again: hash from the file
      // Only a whole part gets its marker: an interrupted one never counts as received.
      await writeFile(marker, String(size));
      return { partNumber, size, etag: `${partNumber}-${size}` };
    },
    async listParts(_handle, uploadId) {
      const dir = uploadDir(uploadId);
      const names = await readdir(dir).catch(() => [] as string[]);
      const parts: StagedPart[] = [];
      for (const name of names) {
        if (!/^\d+$/.test(name)) continue;
        const size = Number(await readFile(path.join(dir, name), 'utf8'));
        parts.push({ partNumber: Number(name), size, etag: `${name}-${size}` });
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
      const file = path.join(dir, 'assembled');
      try {
        const size = parts.filter((p) => p.partNumber <= partCount).reduce((n, p) => n + p.size, 0);
        await truncate(file, size);
        const running = hashes.get(uploadId);
        let sha256: string;
        if (running?.next === partCount + 1) sha256 = running.hash.digest('hex');
        else {
          const hasher = hashingStream();
          await pipeline(
            createReadStream(file),
            hasher.stream,
            new Writable({ write: (_c, _e, cb) => cb() }),
          );
          sha256 = hasher.result().sha256;
        }
        if (size !== expected.size || sha256 !== expected.sha256) {
          throw new BlobMismatchError(
            size !== expected.size
              ? `received ${size} bytes, declared ${expected.size}`
              : `sha256 of the bytes received is ${sha256}, declared ${expected.sha256}`,
            { size, sha256 },
          );
        }
        for (const p of parts) await rm(path.join(dir, String(p.partNumber)), { force: true });
        return { key: `uploads/${uploadId}/assembled`, sha256, size };
      } catch (error) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      } finally {
        hashes.delete(uploadId);
      }
    },
    async abortUpload(_handle, uploadId) {
      hashes.delete(uploadId);
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
      if (encryptionKey) {
        const sealed = `${stagedFile(blob.key)}.sealed`;
        await pipeline(
          createReadStream(stagedFile(blob.key)),
          encryptStream(encryptionKey),
          createWriteStream(sealed, { highWaterMark: IO_CHUNK }),
        );
        await rename(sealed, fileOf(key));
      } else {
        // rename() replaces atomically; if the blob exists, its bytes are the same bytes.
        await rename(stagedFile(blob.key), fileOf(key));
      }
      await rm(path.dirname(stagedFile(blob.key)), { recursive: true, force: true });
      return key;
    },
    async get(key, range) {
      // Opening first makes a missing blob fail here, not mid-stream.
      const handle = await open(anyFile(key), 'r');
      if (encryptionKey && !isStaged(key))
        return decryptFile(encryptionKey, handle, (await handle.stat()).size, range);
      return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
    },
    async stat(key) {
      const info = await stat(anyFile(key)).catch(() => undefined);
      if (!info) return undefined;
      return encryptionKey && !isStaged(key) ? plainSize(info.size) : info.size;
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
