import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import type { ByteRange } from './blobStore.ts';

/*
 * Blobs at rest on the local store: AES-256-GCM in independent chunks, so a byte range decrypts
 * only the chunks it touches, and every chunk is authenticated.
 *
 *   header  "JVE1" | nonce prefix (8 bytes, random per file) | chunk size (uint32 BE)
 *   chunks  ciphertext (chunk size bytes, the last one shorter) | GCM tag (16 bytes)
 *
 * Chunk i's IV is the nonce prefix followed by i (uint32 BE); its additional data is one byte,
 * 1 for the final chunk and 0 otherwise, so a file cut at a chunk boundary fails to decrypt.
 */
const MAGIC = Buffer.from('JVE1');
const HEADER = 16;
const TAG = 16;
export const ENCRYPTION_CHUNK = 64 * 1024;

const iv = (prefix: Buffer, index: number) => {
  const out = Buffer.alloc(12);
  prefix.copy(out, 0, 0, 8);
  out.writeUInt32BE(index, 8);
  return out;
};

function sealChunk(key: Buffer, prefix: Buffer, index: number, plain: Buffer, final: boolean): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, iv(prefix, index));
  cipher.setAAD(Buffer.from([final ? 1 : 0]));
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

/** Encrypts what flows through into the format above. */
export function encryptStream(key: Buffer, chunkSize = ENCRYPTION_CHUNK): Transform {
  const prefix = randomBytes(8);
  let pending: Buffer = Buffer.alloc(0);
  let index = 0;
  let headerSent = false;
  const header = () => {
    if (headerSent) return [];
    headerSent = true;
    const h = Buffer.alloc(HEADER);
    MAGIC.copy(h, 0);
    prefix.copy(h, 4);
    h.writeUInt32BE(chunkSize, 12);
    return [h];
  };
  return new Transform({
    transform(chunk: Buffer, _enc, callback) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      const out: Buffer[] = header();
      // Keep at least one byte back: only at the end is it known which chunk is final.
      while (pending.length > chunkSize) {
        out.push(sealChunk(key, prefix, index++, pending.subarray(0, chunkSize), false));
        pending = pending.subarray(chunkSize);
      }
      callback(null, out.length ? Buffer.concat(out) : undefined);
    },
    flush(callback) {
      callback(null, Buffer.concat([...header(), sealChunk(key, prefix, index, pending, true)]));
    },
  });
}

export class DecryptionError extends Error {}

/** Plaintext size of an encrypted file of `fileSize` bytes. */
export function plainSize(fileSize: number, chunkSize = ENCRYPTION_CHUNK): number {
  const body = fileSize - HEADER;
  const chunks = Math.max(1, Math.ceil(body / (chunkSize + TAG)));
  return body - chunks * TAG;
}

/** Decrypts a file (or a plaintext byte range of it), checking every chunk it reads. */
export function decryptFile(key: Buffer, handle: FileHandle, fileSize: number, range?: ByteRange): Readable {
  async function* chunks() {
    try {
      const header = Buffer.alloc(HEADER);
      await handle.read(header, 0, HEADER, 0);
      if (!header.subarray(0, 4).equals(MAGIC)) throw new DecryptionError('not an encrypted Jarvis blob');
      const prefix = header.subarray(4, 12);
      const chunkSize = header.readUInt32BE(12);
      const size = plainSize(fileSize, chunkSize);
      const count = Math.max(1, Math.ceil(size / chunkSize));
      const start = range?.start ?? 0;
      const end = range?.end ?? size - 1;
      if (size === 0) return;
      for (let i = Math.floor(start / chunkSize); i <= Math.floor(end / chunkSize); i++) {
        const plainLength = Math.min(chunkSize, size - i * chunkSize);
        const sealed = Buffer.alloc(plainLength + TAG);
        await handle.read(sealed, 0, sealed.length, HEADER + i * (chunkSize + TAG));
        const decipher = createDecipheriv('aes-256-gcm', key, iv(prefix, i));
        decipher.setAAD(Buffer.from([i === count - 1 ? 1 : 0]));
        decipher.setAuthTag(sealed.subarray(plainLength));
        let plain: Buffer;
        try {
          plain = Buffer.concat([decipher.update(sealed.subarray(0, plainLength)), decipher.final()]);
        } catch {
          throw new DecryptionError(`chunk ${i} failed authentication: wrong key, or the file was altered`);
        }
        const from = i === Math.floor(start / chunkSize) ? start - i * chunkSize : 0;
        const to = i === Math.floor(end / chunkSize) ? end - i * chunkSize + 1 : plain.length;
        yield plain.subarray(from, to);
      }
    } finally {
      await handle.close();
    }
  }
  return Readable.from(chunks());
}
