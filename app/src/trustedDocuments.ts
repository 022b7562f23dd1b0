import { createRequire } from 'node:module';
import { WORKER_DOCUMENTS } from '@jarvis/worker';

/**
 * The operations Jarvis's own clients send, always trusted: the generated SDK's manifest and
 * the worker's documents. The application knows its clients; the router only takes the list.
 */
export const TRUSTED_DOCUMENTS = {
  manifests: [createRequire(import.meta.url).resolve('@jarvis/sdk/persisted-documents.json')],
  texts: WORKER_DOCUMENTS,
};
