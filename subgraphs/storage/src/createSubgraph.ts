import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { type CreateSubgraph, loadTypeDefs } from '@jarvis/subgraph';
import { createBlobStore } from './createBlobStore.ts';
import { createResolvers } from './resolvers/index.ts';
import { storageRoutes } from './routes/storageRoutes.ts';
import { StorageService } from './service.ts';
import { storageMigrations } from './store/migrations.ts';
import { sqlArtifactStore } from './store/sqlArtifactStore.ts';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** The storage subgraph: versioned artifacts over a local folder or S3. */
export const createSubgraph: CreateSubgraph = (deps) => {
  const blobs = createBlobStore(deps.config);
  const service = new StorageService(
    sqlArtifactStore(deps.db),
    blobs,
    deps.config.services.storage,
    deps.logger,
  );
  deps.health.register({ name: 'blob-store', kind: 'BACKEND', check: () => blobs.ping() });
  return {
    name: 'storage',
    typeDefs,
    schema: buildSubgraphSchema({
      typeDefs,
      resolvers: createResolvers(service) as GraphQLResolverMap<unknown>,
    }),
    routes: storageRoutes(service),
    async start() {
      await deps.db.migrate('storage', storageMigrations);
      await blobs.init();
    },
    async stop() {},
    backup: {
      schema: 'storage',
      tables: ['artifacts', 'artifact_parents', 'aliases'],
      files: service.backupFiles(),
    },
  };
};
