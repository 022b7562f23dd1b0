import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMinio } from '@jarvis/testkit';
import { localBlobStore } from '../src/store/localBlobStore.ts';
import { s3BlobStore } from '../src/store/s3BlobStore.ts';
import { blobStoreContract } from './blobStoreContract.ts';

blobStoreContract('local folder', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jarvis-blobs-'));
  return {
    store: localBlobStore(dir, (id, n) => `/storage/uploads/${id}/parts/${n}`),
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

blobStoreContract('local folder, encrypted (AES-256-GCM)', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jarvis-blobs-'));
  return {
    store: localBlobStore(dir, (id, n) => `/storage/uploads/${id}/parts/${n}`, {
      encryptionKey: randomBytes(32),
    }),
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

blobStoreContract('S3 with server-side encryption on a real MinIO server', async () => {
  const minio = await startMinio({ kms: true });
  return {
    store: s3BlobStore({
      endpoint: minio.endpoint,
      region: 'us-east-1',
      accessKey: minio.accessKey,
      secretKey: minio.secretKey,
      bucket: 'jarvis-artifacts',
      serverSideEncryption: true,
    }),
    close: () => minio.stop(),
  };
});

blobStoreContract('S3 on a real MinIO server', async () => {
  const minio = await startMinio();
  return {
    store: s3BlobStore({
      endpoint: minio.endpoint,
      region: 'us-east-1',
      accessKey: minio.accessKey,
      secretKey: minio.secretKey,
      bucket: 'jarvis-artifacts',
    }),
    close: () => minio.stop(),
  };
});
