export { StorageService } from './service.ts';
export type { BlobStore } from './store/blobStore.ts';
export { localBlobStore } from './store/localBlobStore.ts';
export { s3BlobStore, s3Client } from './store/s3BlobStore.ts';
export { subgraph } from './subgraph.ts';
