import { defineSubgraph } from '@jarvis/subgraph';
import { mlflowRestRoutes } from './mlflow/mlflowRestRoutes.ts';
import { createResolvers } from './resolvers/index.ts';
import { ExperimentsService } from './service.ts';
import { experimentsMigrations } from './store/migrations.ts';
import { mlflowModelRegistry } from './store/mlflowModelRegistry.ts';
import { mlflowTrackingStore } from './store/mlflowTrackingStore.ts';
import { nativeModelRegistry } from './store/nativeModelRegistry.ts';
import { nativeTrackingStore } from './store/nativeTrackingStore.ts';
import { sqlIdempotencyLog } from './store/sqlIdempotencyLog.ts';
import { entityQueries, subscriptionFields } from './subscriptions.ts';

/** The experiments subgraph: tracking on the metadata database, or on an MLflow server. */
export const subgraph = defineSubgraph({
  name: 'experiments',
  schema: new URL('../schema.graphql', import.meta.url),
  routePrefixes: ['/api/2.0/mlflow/'],
  entityQueries,
  create(deps) {
    const { experiment } = deps.config.services;
    // With an existing MLflow server, its registry is the registry too (or the one registry_uri
    // names): a team's models stay where its tools already look.
    const mlflow = experiment.type === 'mlflow';
    const store = mlflow
      ? mlflowTrackingStore(experiment.tracking_uri!, sqlIdempotencyLog(deps.db), experiment.artifacts_uri)
      : nativeTrackingStore(deps.db);
    const registry = mlflow
      ? mlflowModelRegistry(experiment.registry_uri ?? experiment.tracking_uri!, sqlIdempotencyLog(deps.db))
      : nativeModelRegistry(deps.db);
    const service = new ExperimentsService({
      store,
      registry,
      pubsub: deps.pubsub,
      logger: deps.logger,
      metrics: deps.metrics,
    });
    return {
      resolvers: createResolvers(service),
      subscriptions: subscriptionFields,
      routes: mlflowRestRoutes(service, deps.config.server.max_api_body_bytes),
      migrations: experimentsMigrations,
      backup: {
        tables: [
          'experiments',
          'experiment_tags',
          'runs',
          'params',
          'run_tags',
          'metrics',
          'latest_metrics',
          'registered_models',
          'registered_model_tags',
          'model_versions',
          'model_version_tags',
          'model_aliases',
        ],
      },
    };
  },
});
