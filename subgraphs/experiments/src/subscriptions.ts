import type { EntityQueries, SubscriptionField } from '@jarvis/subgraph';
import type { MetricPoint, RunRecord } from './store/trackingStore.ts';

/** Where a run's updates are published; the router subscribes there for `runUpdated`. */
export const runTopic = (runId: string) => `experiments.run.${runId}`;

/** Where an experiment's traces are announced (experiment ids are unique across projects). */
export const traceTopic = (experimentId: string) => `experiments.traces.${experimentId}`;

export type RunUpdateKind = 'LOGGED' | 'UPDATED' | 'DELETED' | 'RESTORED';

/** A RunUpdate as published: JSON, already in the GraphQL shape (the router resolves `run`). */
export function runUpdate(
  kind: RunUpdateKind,
  run: Pick<RunRecord, 'id' | 'status'>,
  logged: {
    metrics?: MetricPoint[];
    params?: { key: string; value: string }[];
    tags?: { key: string; value: string }[];
  } = {},
) {
  return {
    kind,
    runId: run.id,
    status: run.status,
    metrics: (logged.metrics ?? []).map((m) => ({
      key: m.key,
      value: Number.isNaN(m.value)
        ? null
        : Number.isFinite(m.value)
          ? m.value
          : Math.sign(m.value) * Number.MAX_VALUE,
      isNan: Number.isNaN(m.value),
      step: m.step,
      timestamp: new Date(m.timestamp).toISOString(),
    })),
    params: logged.params ?? [],
    tags: logged.tags ?? [],
    at: new Date().toISOString(),
    run: { id: run.id },
  };
}

/** The experiments subgraph's subscriptions, as the router serves them. */
export const subscriptionFields: Record<string, SubscriptionField> = {
  runUpdated: { topic: (args) => runTopic(String(args.runId)), requires: { type: 'Run', idArg: 'runId' } },
  traceLogged: {
    topic: (args) => traceTopic(String(args.experimentId)),
    requires: { type: 'Experiment', idArg: 'experimentId' },
  },
};

/** How the router fetches the entities this subgraph owns when an event names them. */
export const entityQueries: EntityQueries = {
  Run: 'query($entityId: ID!) { entity: run(id: $entityId) SELECTION }',
  Experiment: 'query($entityId: ID!) { entity: experiment(id: $entityId) SELECTION }',
  Trace: 'query($entityId: ID!) { entity: trace(id: $entityId) SELECTION }',
};
