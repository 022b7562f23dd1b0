import { batchedLoad, DateTimeScalar } from '@jarvis/subgraph';
import { SafeIntResolver } from 'graphql-scalars';
import type { Resolvers } from '../generated/resolvers.ts';
import type { LoggedModelService } from '../loggedModelService.ts';
import { modelIdOfVersion } from '../modelIdOfVersion.ts';
import type { LoggedModelStatus } from '../records.ts';
import { type ExperimentsService, type MetricPoint, SYSTEM_TAGS } from '../service.ts';
import type { TraceService } from '../traceService.ts';
import { spanAttributes } from '../tracing/spanAttributes.ts';

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

const STATUS = {
  LOGGED_MODEL_PENDING: 'PENDING',
  LOGGED_MODEL_READY: 'READY',
  LOGGED_MODEL_UPLOAD_FAILED: 'UPLOAD_FAILED',
} as const satisfies Record<LoggedModelStatus, string>;

const nanosToDate = (nanos: string) => new Date(Number(BigInt(nanos) / 1_000_000n));

/** Thin: arguments in, service call, records out. */
export function createResolvers(
  service: ExperimentsService,
  models: LoggedModelService,
  traces: TraceService,
): Resolvers {
  const experimentOf = async (
    id: string,
    ctx: { principal: Parameters<ExperimentsService['experiment']>[0] },
  ) => (await service.experiment(ctx.principal, id))!;
  return {
    DateTime: DateTimeScalar,
    SafeInt: SafeIntResolver,
    Query: {
      experiments: (_p, args, ctx) => service.experiments(ctx.principal, args),
      registeredModel: async (_p, { name }, ctx) =>
        (await service.registeredModel(ctx.principal, name)) ?? null,
      registeredModels: (_p, args, ctx) => service.registeredModels(ctx.principal, args),
      modelVersion: async (_p, { name, version }, ctx) =>
        (await service.modelVersion(ctx.principal, name, version)) ?? null,
      modelVersionByAlias: async (_p, { name, alias }, ctx) =>
        (await service.modelVersionByAlias(ctx.principal, name, alias)) ?? null,
      modelVersions: (_p, args, ctx) => service.modelVersions(ctx.principal, args),
      experiment: async (_p, { id }, ctx) => (await service.experiment(ctx.principal, id)) ?? null,
      experimentByName: async (_p, { name }, ctx) =>
        (await service.experimentByName(ctx.principal, name)) ?? null,
      run: async (_p, { id }, ctx) => (await service.run(ctx.principal, id)) ?? null,
      searchRuns: (_p, args, ctx) => service.searchRuns(ctx.principal, args),
      bestRun: async (_p, { experimentId, metric, direction }, ctx) =>
        (await service.bestRun(ctx.principal, experimentId, metric, direction ?? 'MAX')) ?? null,
      compareRuns: (_p, { ids }, ctx) => service.compareRuns(ctx.principal, ids),
      loggedModel: async (_p, { id }, ctx) => (await models.get(ctx.principal, id)) ?? null,
      loggedModels: async (_p, { experimentId, filter, first }, ctx) =>
        (
          await models.search(ctx.principal, {
            experimentIds: [experimentId],
            filter: filter ?? undefined,
            maxResults: first ?? 50,
          })
        ).models,
      trace: async (_p, { id }, ctx) => (await traces.get(ctx.principal, id)) ?? null,
      traces: async (_p, { experimentId, filter, first }, ctx) =>
        (
          await traces.search(ctx.principal, {
            experimentIds: [experimentId],
            filter: filter ?? undefined,
            maxResults: first ?? 50,
          })
        ).traces,
    },
    Mutation: {
      deleteExperimentTag: (_p, { id, key }, ctx) => service.deleteExperimentTag(ctx.principal, id, key),
      setExperimentTag: (_p, { id, key, value }, ctx) =>
        service.setExperimentTag(ctx.principal, id, key, value),
      deleteRunTag: (_p, { runId, key }, ctx) => service.deleteRunTag(ctx.principal, runId, key),
      createRegisteredModel: (_p, { name, description, tags }, ctx) =>
        service.createRegisteredModel(ctx.principal, name, description, tags),
      renameRegisteredModel: (_p, { name, newName }, ctx) =>
        service.renameRegisteredModel(ctx.principal, name, newName),
      updateRegisteredModel: (_p, { name, description }, ctx) =>
        service.updateRegisteredModel(ctx.principal, name, description),
      deleteRegisteredModel: (_p, { name }, ctx) => service.deleteRegisteredModel(ctx.principal, name),
      setRegisteredModelTag: (_p, { name, key, value }, ctx) =>
        service.setRegisteredModelTag(ctx.principal, name, key, value),
      deleteRegisteredModelTag: (_p, { name, key }, ctx) =>
        service.setRegisteredModelTag(ctx.principal, name, key, null),
      createModelVersion: (_p, { input }, ctx) => service.createModelVersion(ctx.principal, input),
      updateModelVersion: (_p, { name, version, description }, ctx) =>
        service.updateModelVersion(ctx.principal, name, version, description),
      deleteModelVersion: (_p, { name, version }, ctx) =>
        service.deleteModelVersion(ctx.principal, name, version),
      setModelVersionTag: (_p, { name, version, key, value }, ctx) =>
        service.setModelVersionTag(ctx.principal, name, version, key, value),
      deleteModelVersionTag: (_p, { name, version, key }, ctx) =>
        service.setModelVersionTag(ctx.principal, name, version, key, null),
      setModelAlias: (_p, { name, alias, version }, ctx) =>
        service.setModelAlias(ctx.principal, name, alias, version),
      deleteModelAlias: (_p, { name, alias }, ctx) => service.deleteModelAlias(ctx.principal, name, alias),
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
      logMetric: async (_p, { runId, key, value, step, timestamp, idempotencyKey }, ctx) => {
        await service.logBatch(
          ctx.principal,
          runId,
          { metrics: [{ key, value, step, timestamp }] },
          idempotencyKey,
        );
        return service.requireRun(ctx.principal, runId);
      },
      logParam: async (_p, { runId, key, value, idempotencyKey }, ctx) => {
        await service.logBatch(ctx.principal, runId, { params: [{ key, value }] }, idempotencyKey);
        return service.requireRun(ctx.principal, runId);
      },
      setTag: async (_p, { runId, key, value, idempotencyKey }, ctx) => {
        await service.logBatch(ctx.principal, runId, { tags: [{ key, value }] }, idempotencyKey);
        return service.requireRun(ctx.principal, runId);
      },
      logBatch: async (_p, { runId, metrics, params, tags, idempotencyKey }, ctx) => {
        await service.logBatch(ctx.principal, runId, { metrics, params, tags }, idempotencyKey);
        return service.requireRun(ctx.principal, runId);
      },
      logMetrics: async (_p, { runId, series, idempotencyKey }, ctx) => ({
        points: await service.logMetricSeries(ctx.principal, runId, series, idempotencyKey),
        runId,
      }),
    },
    MetricsLogged: { run: (logged, _a, ctx) => service.requireRun(ctx.principal, logged.runId) },
    // Counted only when asked: a page of a search costs no count.
    ExperimentConnection: { totalCount: (page) => page.count() },
    RunConnection: { totalCount: (page) => page.count() },
    Experiment: {
      __resolveReference: async (ref, ctx) => (await service.experiment(ctx.principal, ref.id)) ?? null,
      lifecycleStage: (e) => stage(e.lifecycleStage),
      createdAt: (e) => new Date(e.creationTime),
      updatedAt: (e) => new Date(e.lastUpdateTime),
      tags: (e) => keyValues(e.tags),
    },
    Run: {
      __resolveReference: async (ref, ctx) =>
        (await batchedLoad(ctx, 'experiments.Run', (ids) => service.runsByIds(ctx.principal, ids), ref.id)) ??
        null,
      experiment: async (run, _a, ctx) => (await service.experiment(ctx.principal, run.experimentId))!,
      lifecycleStage: (r) => stage(r.lifecycleStage),
      startTime: (r) => new Date(r.startTime),
      endTime: (r) => (r.endTime === null ? null : new Date(r.endTime)),
      metrics: (r) => r.metrics.map(metric),
      params: (r) => keyValues(r.params),
      tags: (r) => keyValues(r.tags),
      metricHistory: async (run, { key, maxPoints }, ctx) =>
        (await service.metricHistory(ctx.principal, run, key, maxPoints)).map(metric),
      system: (r) => ({
        runtime: r.tags[SYSTEM_TAGS.runtime] ?? null,
        platform: r.tags[SYSTEM_TAGS.platform] ?? null,
        gitCommit: r.tags[SYSTEM_TAGS.gitCommit] ?? null,
        host: r.tags[SYSTEM_TAGS.host] ?? null,
      }),
      modelVersions: (r, _a, ctx) => service.versionsOfRun(ctx.principal, r.id),
      loggedModels: (r, _a, ctx) => models.modelsOfRun(ctx.principal, r.id),
      datasetInputs: async (r, _a, ctx) =>
        (await models.runIo(ctx.principal, [r.id])).get(r.id)?.datasetInputs ?? [],
      traces: async (r, { first }, ctx) =>
        (
          await traces.search(ctx.principal, {
            experimentIds: [r.experimentId],
            filter: `metadata.\`mlflow.sourceRun\` = '${r.id}'`,
            maxResults: first ?? 50,
          })
        ).traces,
    },
    LoggedModel: {
      __resolveReference: async (ref, ctx) => (await models.get(ctx.principal, ref.id)) ?? null,
      experiment: (m, _a, ctx) => experimentOf(m.experimentId, ctx),
      status: (m) => STATUS[m.status],
      sourceRun: async (m, _a, ctx) =>
        m.sourceRunId ? ((await service.run(ctx.principal, m.sourceRunId)) ?? null) : null,
      params: (m) => keyValues(m.params),
      tags: (m) => keyValues(m.tags),
      modelVersions: async (m, _a, ctx) =>
        (
          await service.modelVersionPage(ctx.principal, {
            filter: `model_id = '${m.id}'`,
            maxResults: 100,
          })
        ).items,
      createdAt: (m) => new Date(m.creationTime),
      updatedAt: (m) => new Date(m.lastUpdatedTime),
    },
    LoggedModelMetric: {
      value: (m) => (Number.isNaN(m.value) ? null : m.value),
      timestamp: (m) => new Date(m.timestamp),
    },
    DatasetInput: {
      name: (d) => d.dataset.name,
      digest: (d) => d.dataset.digest,
      sourceType: (d) => d.dataset.sourceType,
      source: (d) => d.dataset.source,
      schema: (d) => d.dataset.schema,
      profile: (d) => d.dataset.profile,
      context: (d) => d.tags.find((t) => t.key === 'mlflow.data.context')?.value ?? null,
    },
    Trace: {
      __resolveReference: async (ref, ctx) => (await traces.get(ctx.principal, ref.id)) ?? null,
      experiment: (t, _a, ctx) => experimentOf(t.experimentId, ctx),
      name: (t) => t.tags['mlflow.traceName'] ?? null,
      requestTime: (t) => new Date(t.requestTime),
      executionTimeMs: (t) => t.executionDuration,
      run: async (t, _a, ctx) => {
        const runId = t.metadata['mlflow.sourceRun'];
        return runId ? ((await service.run(ctx.principal, runId)) ?? null) : null;
      },
      tags: (t) => keyValues(t.tags),
      metadata: (t) => keyValues(t.metadata),
      spans: async (t, _a, ctx) => (await traces.spans(ctx.principal, [t.id])).get(t.id) ?? [],
    },
    Assessment: {
      name: (a) => String(a.content.assessment_name),
      kind: (a) => ('expectation' in a.content ? 'EXPECTATION' : 'FEEDBACK'),
      value: (a) =>
        ((a.content.feedback ?? a.content.expectation) as { value?: unknown } | undefined)?.value ?? null,
      rationale: (a) => (typeof a.content.rationale === 'string' ? a.content.rationale : null),
      source: (a) => a.content.source ?? {},
      spanId: (a) => (typeof a.content.span_id === 'string' ? a.content.span_id : null),
      createdAt: (a) => new Date(a.creationTime),
      updatedAt: (a) => new Date(a.lastUpdateTime),
    },
    Span: {
      spanId: (s) => Buffer.from(s.span_id, 'base64').toString('hex'),
      parentSpanId: (s) =>
        s.parent_span_id ? Buffer.from(s.parent_span_id, 'base64').toString('hex') : null,
      spanType: (s) => String(spanAttributes(s)['mlflow.spanType'] ?? 'UNKNOWN'),
      startTime: (s) => nanosToDate(s.start_time_unix_nano),
      endTime: (s) => (s.end_time_unix_nano === '0' ? null : nanosToDate(s.end_time_unix_nano)),
      durationMs: (s) =>
        s.end_time_unix_nano === '0'
          ? null
          : Number(BigInt(s.end_time_unix_nano) - BigInt(s.start_time_unix_nano)) / 1e6,
      status: (s) => s.status.code,
      statusMessage: (s) => s.status.message ?? null,
      inputs: (s) => spanAttributes(s)['mlflow.spanInputs'] ?? null,
      outputs: (s) => spanAttributes(s)['mlflow.spanOutputs'] ?? null,
      attributes: (s) => spanAttributes(s),
    },
    RegisteredModel: {
      __resolveReference: async (ref, ctx) =>
        (await service.registeredModel(ctx.principal, ref.name)) ?? null,
      createdAt: (m) => new Date(m.creationTime),
      updatedAt: (m) => new Date(m.lastUpdatedTime),
      tags: (m) => keyValues(m.tags),
      aliases: (m) =>
        Object.entries(m.aliases)
          .map(([alias, version]) => ({ alias, version }))
          .sort((a, b) => a.alias.localeCompare(b.alias)),
      latestVersion: async (m, _a, ctx) =>
        m.latestVersion === null
          ? null
          : ((await service.modelVersion(ctx.principal, m.name, m.latestVersion)) ?? null),
      version: async (m, { version }, ctx) =>
        (await service.modelVersion(ctx.principal, m.name, version)) ?? null,
      versionByAlias: async (m, { alias }, ctx) =>
        (await service.modelVersionByAlias(ctx.principal, m.name, alias)) ?? null,
      versions: (m, { first, after }, ctx) => service.versionsOf(ctx.principal, m.name, first, after),
    },
    ModelVersion: {
      __resolveReference: async (ref, ctx) =>
        (await service.modelVersion(ctx.principal, ref.name, Number(ref.version))) ?? null,
      registeredModel: async (v, _a, ctx) => (await service.registeredModel(ctx.principal, v.name))!,
      run: async (v, _a, ctx) => (v.runId ? ((await service.run(ctx.principal, v.runId)) ?? null) : null),
      loggedModel: async (v, _a, ctx) => {
        const id = modelIdOfVersion(v);
        return id ? ((await models.get(ctx.principal, id)) ?? null) : null;
      },
      tags: (v) => keyValues(v.tags),
      createdAt: (v) => new Date(v.creationTime),
      updatedAt: (v) => new Date(v.lastUpdatedTime),
    },
  };
}
