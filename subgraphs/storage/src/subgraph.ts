import { randomBytes } from 'node:crypto';
import { defineSubgraph } from '@jarvis/subgraph';
import { createBlobStore } from './createBlobStore.ts';
import { createResolvers } from './resolvers/index.ts';
import { mlflowArtifactRoutes } from './routes/mlflowArtifactRoutes.ts';
import { storageRoutes } from './routes/storageRoutes.ts';
import { createUrlSigner } from './routes/urlSigner.ts';
import { StorageService } from './service.ts';
import { storageMigrations } from './store/migrations.ts';
import { sqlArtifactStore } from './store/sqlArtifactStore.ts';
import { entityQueries, subscriptionFields } from './subscriptions.ts';

/** The storage subgraph: versioned artifacts over a local folder or S3. */
export const subgraph = defineSubgraph({
  name: 'storage',
  schema: new URL('../schema.graphql', import.meta.url),
  entityQueries,
  // MLflow's artifact proxy, and the tracking API's artifact listing, read storage's blobs.
  routePrefixes: [
    '/storage/',
    '/api/2.0/mlflow-artifacts/',
    '/api/2.0/mlflow/artifacts/',
    '/ajax-api/2.0/mlflow-artifacts/',
    '/ajax-api/2.0/mlflow/artifacts/',
  ],
  create(deps) {
    const blobs = createBlobStore(deps.config);
    const { type, buckets } = deps.config.services.storage;
    if (type === 's3' && buckets.length > 1)
      deps.logger.warn(
        { bucket: buckets[0], unused: buckets.slice(1) },
        `services.storage.buckets: every blob goes to ${buckets[0]}; the other buckets listed are not used (list one)`,
      );
    const service = new StorageService({
      store: sqlArtifactStore(deps.db),
      blobs,
      config: deps.config.services.storage,
      logger: deps.logger,
      pubsub: deps.pubsub,
      metrics: deps.metrics,
    });
    const minutes = deps.config.services.storage.gc_interval_minutes;
    // Replicas must agree on signatures: they share auth.internal_secret (split deployments
    // already set it). Without one, a key of the process's own: a restart voids the URLs it
    // handed out, and MLflow's client asks for new ones.
    const signer = createUrlSigner(deps.config.auth.internal_secret ?? randomBytes(32));
    return {
      resolvers: createResolvers(service),
      routes: [
        ...storageRoutes(service, signer),
        ...mlflowArtifactRoutes(service, signer, deps.config.server.max_api_body_bytes),
      ],
      subscriptions: subscriptionFields,
      migrations: storageMigrations,
      health: [{ name: 'blob-store', kind: 'BACKEND', check: () => blobs.ping() }],
      backup: { tables: ['artifacts', 'artifact_parents', 'aliases'], files: service.backupFiles() },
      jobs:
        minutes > 0
          ? [{ name: 'gc', intervalMs: minutes * 60_000, run: () => service.collectGarbage() }]
          : [],
      start: () => blobs.init(),
      // What drives imports and exports through (ArtifactPort).
      service,
    };
  },
});
