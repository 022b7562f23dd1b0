import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { type CreateSubgraph, loadTypeDefs } from '@jarvis/subgraph';
import { createResolvers } from './resolvers/index.ts';
import { ExperimentsService } from './service.ts';
import { experimentsMigrations } from './store/migrations.ts';
import { mlflowTrackingStore } from './store/mlflowTrackingStore.ts';
import { nativeTrackingStore } from './store/nativeTrackingStore.ts';
import { sqlIdempotencyLog } from './store/sqlIdempotencyLog.ts';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** The experiments subgraph: tracking on the metadata database, or on an MLflow server. */
export const createSubgraph: CreateSubgraph = (deps) => {
  const { experiment } = deps.config.services;
  const store =
    experiment.type === 'mlflow'
      ? mlflowTrackingStore(experiment.tracking_uri!, sqlIdempotencyLog(deps.db))
      : nativeTrackingStore(deps.db);
  const service = new ExperimentsService(store);
  return {
    name: 'experiments',
    typeDefs,
    schema: buildSubgraphSchema({
      typeDefs,
      resolvers: createResolvers(service) as GraphQLResolverMap<unknown>,
    }),
    routes: [],
    async start() {
      await deps.db.migrate('experiments', experimentsMigrations);
    },
    async stop() {},
    backup: {
      schema: 'experiments',
      tables: ['experiments', 'experiment_tags', 'runs', 'params', 'run_tags', 'metrics', 'latest_metrics'],
    },
  };
};
