import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import {
  type CreateSubgraph,
  loadTypeDefs,
  type SubgraphModule,
  subscriptionResolvers,
} from '@jarvis/subgraph';
import type { WorkflowsConnection } from '@jarvis/worker';
import type { GraphQLSchema } from 'graphql';
import { LocalEngine } from './engine/localEngine.ts';
import { Transitions } from './engine/transitions.ts';
import { createResolvers } from './resolvers/index.ts';
import { WorkflowsService } from './service.ts';
import { workflowsMigrations } from './store/migrations.ts';
import { RunStore } from './store/runStore.ts';
import { workerRoutes } from './workerRoutes.ts';
import { entityQueries, subscriptionFields } from './workflowEvents.ts';

export const typeDefs = loadTypeDefs(new URL('../schema.graphql', import.meta.url));

/** The workflows subgraph: pipelines on the local engine (default) or on Temporal. */
export const createSubgraph: CreateSubgraph = (deps) => {
  const config = deps.config.services.workflow;
  const store = new RunStore(deps.db);
  const transitions = new Transitions(store, deps.pubsub, deps.logger, deps.metrics);
  const service = new WorkflowsService({
    store,
    transitions,
    pubsub: deps.pubsub,
    logger: deps.logger,
    defaultTaskQueue: config.task_queue,
  });
  transitions.onRunEnded = service.runEnded;
  // Temporal's SDK (and the bundler its worker needs) loads only when Temporal is configured.
  const engine = async () =>
    config.type === 'temporal'
      ? new (await import('./engine/temporalEngine.ts')).TemporalEngine({
          address: config.endpoint!,
          namespace: config.namespace,
          taskQueue: config.task_queue,
          transitions,
          logger: deps.logger,
          definition: service.definition,
          latest: service.latest,
        })
      : new LocalEngine({
          transitions,
          logger: deps.logger,
          definition: service.definition,
          latest: service.latest,
          fireSchedule: (schedule) => service.fireSchedule(schedule),
        });
  deps.health.register({
    name: config.type === 'temporal' ? 'temporal' : 'workflow-engine',
    kind: 'BACKEND',
    check: () => service.engine.ping(),
  });
  const engineInfo = () => ({
    kind: service.engine.kind,
    temporalAddress: config.type === 'temporal' ? (config.endpoint ?? null) : null,
    temporalNamespace: config.type === 'temporal' ? config.namespace : null,
    defaultTaskQueue: config.task_queue,
  });
  const schema: GraphQLSchema = buildSubgraphSchema({
    typeDefs,
    resolvers: {
      ...createResolvers(service, engineInfo),
      Subscription: subscriptionResolvers(subscriptionFields, {
        pubsub: deps.pubsub,
        entityQueries,
        schema: () => schema,
      }),
    } as GraphQLResolverMap<unknown>,
  });
  const module: SubgraphModule = {
    name: 'workflows',
    typeDefs,
    schema,
    routes: workerRoutes(service, deps.config.server.max_api_body_bytes),
    async start() {
      await deps.db.migrate('workflows', workflowsMigrations);
      service.engine ??= await engine();
      await service.start();
    },
    async stop() {
      await service.stop();
    },
    backup: {
      schema: 'workflows',
      tables: ['workflow_versions', 'runs', 'step_runs', 'events', 'signals', 'schedules'],
    },
  };
  services.set(module, service);
  return module;
};

const services = new WeakMap<SubgraphModule, WorkflowsService>();

/**
 * What a worker in the same process as the workflows subgraph connects with (no HTTP): pass it
 * as createWorker's `jarvis`. `graphql` runs operations on the router (for logging metrics).
 */
export function inProcessConnection(
  module: SubgraphModule,
  graphql: WorkflowsConnection['graphql'],
): WorkflowsConnection {
  const service = services.get(module);
  if (!service) throw new Error(`${module.name} is not the workflows subgraph`);
  return service.workerConnection(graphql);
}

/** The service behind a workflows subgraph module (tests and benchmarks reach the engine through it). */
export const workflowsServiceOf = (module: SubgraphModule) => services.get(module);
