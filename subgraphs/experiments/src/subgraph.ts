import { defineSubgraph } from '@jarvis/subgraph';
import { LoggedModelService } from './loggedModelService.ts';
import { mlflowApiRoutes } from './mlflow/mlflowApiRoutes.ts';
import { mlflowPassThrough, PASSED_THROUGH } from './mlflow/mlflowPassThrough.ts';
import { mlflowRestRoutes } from './mlflow/mlflowRestRoutes.ts';
import { presignedUrlEndpoints } from './mlflow/presignedUrlEndpoints.ts';
import { otlpTraceRoute, traceEndpoints } from './mlflow/traceEndpoints.ts';
import { serverInfoEndpoint, versionEndpoint } from './mlflow/versionEndpoint.ts';
import { createResolvers } from './resolvers/index.ts';
import { ExperimentsService } from './service.ts';
import { experimentsMigrations } from './store/migrations.ts';
import { mlflowModelRegistry } from './store/mlflowModelRegistry.ts';
import { mlflowTrackingStore } from './store/mlflowTrackingStore.ts';
import { nativeLoggedModelStore } from './store/nativeLoggedModelStore.ts';
import { nativeModelRegistry } from './store/nativeModelRegistry.ts';
import { nativeTraceStore } from './store/nativeTraceStore.ts';
import { nativeTrackingStore } from './store/nativeTrackingStore.ts';
import { sqlIdempotencyLog } from './store/sqlIdempotencyLog.ts';
import { entityQueries, subscriptionFields } from './subscriptions.ts';
import { TraceService } from './traceService.ts';

/** The experiments subgraph: tracking on the metadata database, or on an MLflow server. */
export const subgraph = defineSubgraph({
  name: 'experiments',
  schema: new URL('../schema.graphql', import.meta.url),
  routePrefixes: [
    '/api/2.0/mlflow/',
    '/api/3.0/mlflow/',
    '/ajax-api/2.0/mlflow/',
    '/ajax-api/3.0/mlflow/',
    // Inside storage's /api/2.0/mlflow/artifacts/: these name runs, which are ours.
    '/api/2.0/mlflow/artifacts/presigned-',
    '/ajax-api/2.0/mlflow/artifacts/presigned-',
    '/version',
    '/v1/traces',
  ],
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
    // MLflow 3's families go to an MLflow backend as sent, once the project owns what they name.
    const passThrough = mlflow ? mlflowPassThrough(experiment.tracking_uri!, service) : undefined;
    const models = passThrough
      ? new LoggedModelService(undefined, passThrough.runIo)
      : new LoggedModelService(nativeLoggedModelStore(deps.db));
    const traces = new TraceService({
      store: mlflow ? undefined : nativeTraceStore(deps.db),
      pubsub: deps.pubsub,
      logger: deps.logger,
    });
    return {
      resolvers: createResolvers(service, models, traces),
      subscriptions: subscriptionFields,
      routes: [
        ...mlflowApiRoutes(
          [
            ...mlflowRestRoutes(service, models),
            ...traceEndpoints(service, traces),
            ...presignedUrlEndpoints(service, models),
            versionEndpoint,
            serverInfoEndpoint(deps.config.services.storage.type),
          ].map((e) => (passThrough && PASSED_THROUGH.test(e.path) ? passThrough.forwarding(e) : e)),
          deps.config.server.max_api_body_bytes,
        ),
        passThrough
          ? passThrough.otlpRoute(deps.config.server.max_api_body_bytes)
          : otlpTraceRoute(traces, deps.config.server.max_api_body_bytes, service),
      ],
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
          'logged_models',
          'logged_model_tags',
          'logged_model_params',
          'logged_model_metrics',
          'datasets',
          'run_inputs',
          'run_model_io',
          'traces',
          'spans',
          'assessments',
        ],
      },
    };
  },
});
