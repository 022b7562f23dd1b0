import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { consoleManifest } from '@jarvis/console';
import { WORKER_DOCUMENTS } from '@jarvis/worker';

/**
 * The operations Jarvis's own clients send, always trusted: the generated TypeScript SDK's
 * manifest, the Python SDK's (the exact texts its generated client sends), the web console's
 * and the worker's documents. The application knows its clients; the router only takes the list.
 */
export const TRUSTED_DOCUMENTS = {
  manifests: [
    createRequire(import.meta.url).resolve('@jarvis/sdk/persisted-documents.json'),
    fileURLToPath(new URL('../../clients/python/src/jarvis/persisted-documents.json', import.meta.url)),
    consoleManifest,
  ],
  texts: WORKER_DOCUMENTS,
};
