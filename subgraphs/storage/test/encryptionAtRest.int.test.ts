import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { startMinio } from '@jarvis/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { localBlobStore } from '../src/store/localBlobStore.ts';
import { s3BlobStore } from '../src/store/s3BlobStore.ts';

async function readAll(stream: Readable) {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('encryption at rest', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jarvis-enc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const uploadPath = (id: string, n: number) => `/u/${id}/${n}`;

  it('local store: no plaintext on disk; a wrong key or a cut file fails instead of returning bytes', async () => {
    const key = randomBytes(32);
    const store = localBlobStore(dir, uploadPath, { encryptionKey: key });
    await store.init();
    const secret = Buffer.concat([Buffer.from('TOP-SECRET-WEIGHTS '), randomBytes(200_000)]);
    const blobKey = await store.promote(await store.put(Readable.from([secret])));
    const onDisk = readFileSync(path.join(dir, blobKey));
    expect(onDisk.includes(Buffer.from('TOP-SECRET-WEIGHTS'))).toBe(false);
    expect(onDisk.subarray(0, 4).toString()).toBe('JVE1');
    expect((await readAll(await store.get(blobKey))).equals(secret)).toBe(true);

    const wrongKey = localBlobStore(dir, uploadPath, { encryptionKey: randomBytes(32) });
    await expect(wrongKey.get(blobKey).then(readAll)).rejects.toThrow(/failed authentication/);

    // Cut at a chunk boundary: the last remaining chunk is not marked final, so it is refused.
    const copy = path.join(dir, 'cut');
    writeFileSync(copy, onDisk);
    truncateSync(copy, 16 + 2 * (64 * 1024 + 16));
    const cutKey = `sha256/00/${'0'.repeat(64)}`;
    mkdirSync(path.join(dir, 'sha256', '00'), { recursive: true });
    writeFileSync(path.join(dir, cutKey), readFileSync(copy));
    await expect(store.get(cutKey).then(readAll)).rejects.toThrow(/failed authentication/);
  });

  it('S3: objects are stored with server-side encryption', async () => {
    await using minio = await startMinio({ kms: true });
    const store = s3BlobStore({
      endpoint: minio.endpoint,
      region: 'us-east-1',
      accessKey: minio.accessKey,
      secretKey: minio.secretKey,
      bucket: 'enc',
      serverSideEncryption: true,
    });
    await store.init();
    const bytes = randomBytes(1000);
    const key = await store.promote(await store.put(Readable.from([bytes])));
    const client = minio.client();
    const got = await fetch(await client.presignedGetObject('enc', key, 60));
    expect(got.status).toBe(200);
    expect(got.headers.get('x-amz-server-side-encryption')).toBe('AES256');
    await got.arrayBuffer();
    expect((await readAll(await store.get(key))).equals(bytes)).toBe(true);
  });
});
