import { DateTimeScalar } from '@jarvis/subgraph';
import { SafeIntResolver } from 'graphql-scalars';
import type { Resolvers } from '../generated/resolvers.ts';
import type { ExperimentsService } from '../service.ts';
import type { MetricPoint } from '../store/trackingStore.ts';

const keyValues = (record: Record<string, string>) =>
  Object.entries(record)
    .map(([key, value]) => ({ key, value }))
    .sort((a, b) => a.key.localeCompare(b.key));

const metric = (m: MetricPoint) => ({
  key: m.key,
  value: Number.isNaN(m.value) ? null : m.value,
  isNan: Number.isNaN(m.value),
  step: m.step,
  timestamp: new Date(m.timestamp),
});

const stage = (s: string) => (s === 'deleted' ? ('DELETED' as const) : ('ACTIVE' as const));

/** Thin: arguments in, service call, records out. */
export function createResolvers(service: ExperimentsService): Resolvers {
  return {
    DateTime: DateTimeScalar,
    SafeInt: SafeIntResolver,
    Query: {
      experiment: async (_p, { id }, ctx) => (await service.experiment(ctx.principal, id)) ?? null,
      experimentByName: async (_p, { name }, ctx) =>
        (await service.experimentByName(ctx.principal, name)) ?? null,
      run: async (_p, { id }, ctx) => (await service.run(ctx.principal, id)) ?? null,
      searchRuns: (_p, args, ctx) => service.searchRuns(ctx.principal, args),
      bestRun: async (_p, { experimentId, metric, direction }, ctx) =>
        (await service.bestRun(ctx.principal, experimentId, metric, direction ?? 'MAX')) ?? null,
      compareRuns: (_p, { ids }, ctx) => service.compareRuns(ctx.principal, ids),
    },
    Mutation: {
      createExperiment: (_p, { name, tags }, ctx) =>
        service.createExperiment(ctx.principal, name, tags ?? []),
      renameExperiment: (_p, { id, name }, ctx) => service.renameExperiment(ctx.principal, id, name),
      deleteExperiment: (_p, { id }, ctx) => service.setExperimentDeleted(ctx.principal, id, true),
      restoreExperiment: (_p, { id }, ctx) => service.setExperimentDeleted(ctx.principal, id, false),
      createRun: (_p, { input }, ctx) => service.createRun(ctx.principal, input),
      updateRun: (_p, { id, status, endTime, name }, ctx) =>
        service.updateRun(ctx.principal, id, { status, endTime, name }),
      deleteRun: (_p, { id }, ctx) => service.setRunDeleted(ctx.principal, id, true),
      restoreRun: (_p, { id }, ctx) => service.setRunDeleted(ctx.principal, id, false),
      logMetric: (_p, { runId, key, value, step, timestamp, idempotencyKey }, ctx) =>
        service.logBatch(
          ctx.principal,
          runId,
          { metrics: [{ key, value, step, timestamp }] },
          idempotencyKey,
        ),
      logParam: (_p, { runId, key, value, idempotencyKey }, ctx) =>
        service.logBatch(ctx.principal, runId, { params: [{ key, value }] }, idempotencyKey),
      setTag: (_p, { runId, key, value, idempotencyKey }, ctx) =>
        service.logBatch(ctx.principal, runId, { tags: [{ key, value }] }, idempotencyKey),
      logBatch: (_p, { runId, metrics, params, tags, idempotencyKey }, ctx) =>
        service.logBatch(ctx.principal, runId, { metrics, params, tags }, idempotencyKey),
    },
    Experiment: {
      __resolveReference: async (ref, ctx) => (await service.experiment(ctx.principal, ref.id)) ?? null,
      lifecycleStage: (e) => stage(e.lifecycleStage),
      createdAt: (e) => new Date(e.creationTime),
      updatedAt: (e) => new Date(e.lastUpdateTime),
      tags: (e) => keyValues(e.tags),
    },
    Run: {
      __resolveReference: async (ref, ctx) => (await service.run(ctx.principal, ref.id)) ?? null,
      experiment: async (run, _a, ctx) => (await service.experiment(ctx.principal, run.experimentId))!,
      lifecycleStage: (r) => stage(r.lifecycleStage),
      startTime: (r) => new Date(r.startTime),
      endTime: (r) => (r.endTime === null ? null : new Date(r.endTime)),
      metrics: (r) => r.metrics.map(metric),
      params: (r) => keyValues(r.params),
      tags: (r) => keyValues(r.tags),
      metricHistory: async (run, { key, maxPoints }, ctx) =>
        (await service.metricHistory(ctx.principal, run, key, maxPoints)).map(metric),
    },
  };
}
