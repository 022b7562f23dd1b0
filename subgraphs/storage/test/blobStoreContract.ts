import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobMismatchError, type BlobStore, type UploadTarget } from '../src/store/blobStore.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** S3 wants parts of at least 5 MiB but the last. */
const PART = 5 * 1024 * 1024;

/**
 * The BlobStore contract. `sendPart` delivers one part the way a client would: an HTTP PUT to a
 * presigned URL (S3), or through Jarvis's upload endpoint (local store: `writePart`).
 */
export function blobStoreContract(
  name: string,
  open: () => Promise<{ store: BlobStore; close(): Promise<void> }>,
) {
  describe(`BlobStore contract: ${name}`, () => {
    let store: BlobStore;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ store, close } = await open());
      await store.init();
      await store.init(); // idempotent
    });
    afterAll(() => close());

    async function sendPart(target: UploadTarget, uploadId: string, partNumber: number, bytes: Buffer) {
      if (target.presigned) {
        const response = await fetch(target.parts[partNumber - 1]!.url, {
          method: 'PUT',
          body: new Uint8Array(bytes),
        });
        expect(response.status).toBe(200);
      } else {
        await store.writePart(target.handle, uploadId, partNumber, Readable.from([bytes]), bytes.length);
      }
    }

    async function keys() {
      const out: string[] = [];
      for await (const item of store.list()) out.push(item.key);
      return out;
    }

    it('answers ping', async () => {
      expect(await store.ping()).toBeTruthy();
    });

    it('stores a stream and reads it back whole and by byte range', async () => {
      const bytes = randomBytes(300_000);
      const staged = await store.put(Readable.from([bytes]), { size: bytes.length, sha256: sha(bytes) });
      expect(staged).toMatchObject({ sha256: sha(bytes), size: bytes.length });
      const key = await store.promote(staged);
      expect(await store.stat(key)).toBe(bytes.length);
      expect((await readAll(await store.get(key))).equals(bytes)).toBe(true);
      const part = await readAll(await store.get(key, { start: 1000, end: 1999 }));
      expect(part.equals(bytes.subarray(1000, 2000))).toBe(true);
      const across = await readAll(await store.get(key, { start: 65_000, end: 200_000 }));
      expect(across.equals(bytes.subarray(65_000, 200_001))).toBe(true);
      const tail = await readAll(await store.get(key, { start: bytes.length - 10, end: bytes.length - 1 }));
      expect(tail.equals(bytes.subarray(bytes.length - 10))).toBe(true);
      expect(await keys()).toContain(key);
      // The same content again: the local store keeps one copy at the same content address.
      const again = await store.promote(await store.put(Readable.from([bytes])));
      if (store.kind === 'local') expect(again).toBe(key);
      expect((await readAll(await store.get(again))).equals(bytes)).toBe(true);
    });

    it('checks a large blob (many read-back ranges on S3) whole: its digest kept, a wrong one refused', async () => {
      const bytes = randomBytes(72 * 1024 * 1024);
      const staged = await store.put(Readable.from([bytes]), { size: bytes.length, sha256: sha(bytes) });
      expect(staged).toMatchObject({ sha256: sha(bytes), size: bytes.length });
      await store.delete(staged.key);
      await expect(
        store.put(Readable.from([bytes]), { size: bytes.length, sha256: sha(bytes.subarray(1)) }),
      ).rejects.toBeInstanceOf(BlobMismatchError);
    });

    it('rejects bytes that are not what was declared, and keeps nothing', async () => {
      const before = await keys();
      const bytes = randomBytes(1000);
      await expect(
        store.put(Readable.from([bytes]), { size: 1000, sha256: 'f'.repeat(64) }),
      ).rejects.toBeInstanceOf(BlobMismatchError);
      await expect(
        store.put(Readable.from([bytes]), { size: 999, sha256: sha(bytes) }),
      ).rejects.toBeInstanceOf(BlobMismatchError);
      expect(await keys()).toEqual(before);
    });

    it('a stream of unknown size larger than several parts is stored whole; one that breaks leaves nothing', async () => {
      // 40 MiB in 1 MiB chunks: more than S3's part of a streamed body, without holding it whole.
      const chunks = Array.from({ length: 40 }, () => randomBytes(1024 * 1024));
      const whole = Buffer.concat(chunks);
      const blob = await store.put(Readable.from(chunks));
      expect(blob).toMatchObject({ size: whole.length, sha256: sha(whole) });
      expect((await readAll(await store.get(blob.key))).equals(whole)).toBe(true);
      await store.delete(blob.key);

      const before = await keys();
      const broken = Readable.from(
        (async function* () {
          for (const chunk of chunks.slice(0, 20)) yield chunk;
          throw new Error('the source went away');
        })(),
      );
      await expect(store.put(broken)).rejects.toThrow('the source went away');
      expect(await keys()).toEqual(before);
    });

    it('a multipart upload can be resumed: received parts are listed, the rest sent, the whole checked', async () => {
      const bytes = randomBytes(PART + 12_345);
      const uploadId = randomUUID();
      const target = await store.beginUpload(uploadId, 2, PART, 600);
      expect(target.parts.map((p) => p.partNumber)).toEqual([1, 2]);
      await sendPart(target, uploadId, 2, bytes.subarray(PART));
      expect((await store.listParts(target.handle, uploadId)).map((p) => [p.partNumber, p.size])).toEqual([
        [2, 12_345],
      ]);
      await sendPart(target, uploadId, 1, bytes.subarray(0, PART));
      expect((await store.listParts(target.handle, uploadId)).map((p) => p.partNumber)).toEqual([1, 2]);
      const blob = await store.completeUpload(target.handle, uploadId, 2, {
        size: bytes.length,
        sha256: sha(bytes),
      });
      expect(blob.sha256).toBe(sha(bytes));
      expect((await readAll(await store.get(blob.key))).equals(bytes)).toBe(true);
    });

    it('an upload with no declared size or digest (MLflow multipart) keeps what arrived, parts of any size', async () => {
      const bytes = randomBytes(PART + 777);
      const uploadId = randomUUID();
      const target = await store.beginUpload(uploadId, 2, PART, 600);
      await sendPart(target, uploadId, 1, bytes.subarray(0, PART));
      if (target.presigned) await sendPart(target, uploadId, 2, bytes.subarray(PART));
      else
        await store.writePart(target.handle, uploadId, 2, Readable.from([bytes.subarray(PART)]), undefined);
      const blob = await store.completeUpload(target.handle, uploadId, 2, undefined);
      expect(blob).toMatchObject({ size: bytes.length, sha256: sha(bytes) });
      expect((await readAll(await store.get(blob.key))).equals(bytes)).toBe(true);
    });

    it('completing with a wrong checksum or a missing part keeps nothing', async () => {
      const before = await keys();
      const bytes = randomBytes(2_000);
      const uploadId = randomUUID();
      const target = await store.beginUpload(uploadId, 1, PART, 600);
      await sendPart(target, uploadId, 1, bytes);
      await expect(
        store.completeUpload(target.handle, uploadId, 1, { size: bytes.length, sha256: sha(randomBytes(8)) }),
      ).rejects.toBeInstanceOf(BlobMismatchError);
      expect(await keys()).toEqual(before);

      const incomplete = randomUUID();
      const t2 = await store.beginUpload(incomplete, 2, PART, 600);
      await sendPart(t2, incomplete, 2, bytes);
      await expect(
        store.completeUpload(t2.handle, incomplete, 2, { size: PART + bytes.length, sha256: sha(bytes) }),
      ).rejects.toThrow(/part|bytes/);
      await store.abortUpload(t2.handle, incomplete);
      expect(await keys()).toEqual(before);
    });

    it('an aborted upload leaves no parts behind', async () => {
      const uploadId = randomUUID();
      const target = await store.beginUpload(uploadId, 1, PART, 600);
      await sendPart(target, uploadId, 1, randomBytes(100));
      await store.abortUpload(target.handle, uploadId);
      await store.abortUpload(target.handle, uploadId); // twice is fine
      // Nothing staged any more, on both stores (S3 has forgotten the upload: still no parts).
      expect(await store.listParts(target.handle, uploadId)).toEqual([]);
    });

    it('deletes, and a missing key fails to read', async () => {
      const bytes = randomBytes(64);
      const key = await store.promote(await store.put(Readable.from([bytes])));
      await store.delete(key);
      expect(await store.stat(key)).toBeUndefined();
      await expect(store.get(key).then(readAll)).rejects.toThrow();
    });

    it('a presigned download, where the store has them, returns the bytes', async () => {
      const bytes = randomBytes(4096);
      const key = await store.promote(await store.put(Readable.from([bytes])));
      const url = await store.presignGet(key, 60, 'model "v1".pt');
      if (store.kind === 'local') {
        expect(url).toBeUndefined();
        return;
      }
      const response = await fetch(url!);
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="model _v1_.pt"');
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    });
  });
}
