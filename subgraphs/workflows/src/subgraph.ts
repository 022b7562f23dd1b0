import { defineSubgraph, type SubgraphModule } from '@jarvis/subgraph';
import type { WorkflowsConnection } from '@jarvis/workflow-protocol';
import { LocalEngine } from './engine/localEngine.ts';
import { Transitions } from './engine/transitions.ts';
import { BACKGROUND_INTERVAL_MS } from './engine/workflowEngine.ts';
import { createResolvers } from './resolvers/index.ts';
import { WorkflowsService } from './service.ts';
import { workflowsMigrations } from './store/migrations.ts';
import { SqlRunStore } from './store/sqlRunStore.ts';
import { entityQueries, subscriptionFields } from './subscriptions.ts';
import { workerRoutes } from './workerRoutes.ts';

/** The workflows subgraph: pipelines on the local engine (default) or on Temporal. */
export const subgraph = defineSubgraph({
  name: 'workflows',
  schema: new URL('../schema.graphql', import.meta.url),
  // The task-polling API of workers in other processes.
  routePrefixes: ['/workflows/'],
  entityQueries,
  create(deps) {
    const config = deps.config.services.workflow;
    const store = new SqlRunStore(deps.db);
    // The service reacts to runs that end (buffered schedules, completion triggers); it is made
    // next, so the callback reaches it once the first run ends.
    const transitions: Transitions = new Transitions({
      store,
      pubsub: deps.pubsub,
      logger: deps.logger,
      metrics: deps.metrics,
      onRunEnded: (run): Promise<void> => service.runEnded(run),
    });
    const service: WorkflowsService = new WorkflowsService({
      store,
      transitions,
      pubsub: deps.pubsub,
      logger: deps.logger,
      defaultTaskQueue: config.task_queue,
    });
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
    const engineInfo = () => ({
      kind: service.engine.kind,
      temporalAddress: config.type === 'temporal' ? (config.endpoint ?? null) : null,
      temporalNamespace: config.type === 'temporal' ? config.namespace : null,
      defaultTaskQueue: config.task_queue,
    });
    return {
      service,
      resolvers: createResolvers(service, engineInfo),
      subscriptions: subscriptionFields,
      routes: workerRoutes(service, deps.config.server.max_api_body_bytes),
      migrations: workflowsMigrations,
      health: [
        {
          name: config.type === 'temporal' ? 'temporal' : 'workflow-engine',
          kind: 'BACKEND',
          check: () => service.engine.ping(),
        },
      ],
      jobs: [
        {
          name: 'engine',
          intervalMs: BACKGROUND_INTERVAL_MS[config.type],
          // The job runner starts once every subgraph has, so the engine is there by then.
          run: async () => service.engine?.background.run(),
        },
      ],
      backup: { tables: ['workflow_versions', 'runs', 'step_runs', 'events', 'signals', 'schedules'] },
      async start() {
        service.engine ??= await engine();
        await service.start();
      },
      stop: () => service.stop(),
    };
  },
});

/**
 * What a worker in the same process as the workflows subgraph connects with (no HTTP): pass it
 * as createWorker's `jarvis`. `graphql` runs operations on the router (for logging metrics).
 */
export function inProcessConnection(
  module: SubgraphModule,
  graphql: WorkflowsConnection['graphql'],
): WorkflowsConnection {
  const service = workflowsServiceOf(module);
  if (!service) throw new Error(`${module.name} is not the workflows subgraph`);
  return service.workerConnection(graphql);
}

/** The service behind a workflows subgraph module (tests and benchmarks reach the engine through it). */
export const workflowsServiceOf = (module: SubgraphModule) =>
  module.service instanceof WorkflowsService ? module.service : undefined;
