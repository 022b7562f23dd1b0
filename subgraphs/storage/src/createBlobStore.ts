import path from 'node:path';
import type { JarvisConfig } from '@jarvis/config';
import type { BlobStore } from './store/blobStore.ts';
import { localBlobStore } from './store/localBlobStore.ts';
import { s3BlobStore } from './store/s3BlobStore.ts';

/**
 * The configured BlobStore: a folder under `home` (default) or an S3 bucket. Every storage
 * option that changes how bytes rest is passed on here; the config schema has already refused
 * `encrypt` on the local store without a 32-byte key.
 */
export function createBlobStore(config: JarvisConfig): BlobStore {
  const storage = config.services.storage;
  if (storage.type === 's3') {
    return s3BlobStore({
      endpoint: storage.endpoint!,
      region: storage.region,
      accessKey: storage.access_key ?? '',
      secretKey: storage.secret_key ?? '',
      bucket: storage.buckets[0]!,
      serverSideEncryption: storage.encrypt,
    });
  }
  return localBlobStore(
    path.resolve(config.home, storage.path),
    (id, n) => `/storage/uploads/${id}/parts/${n}`,
    storage.encrypt ? { encryptionKey: Buffer.from(storage.encryption_key!, 'base64') } : {},
  );
}
