import type { Logger, Principal } from '@jarvis/context';
import { badUserInput, notFound } from '@jarvis/errors';
import type { PubSub } from '@jarvis/pubsub';
import { MODEL_ALIAS_MOVED_TOPIC, type ModelAliasMoved, pageSize } from '@jarvis/subgraph';
import type { JarvisMetrics } from '@jarvis/telemetry';
import { type LiveRunExporter, liveRunExporter } from './liveRunExporter.ts';
import { RegistryEvents } from './registryEvents.ts';
import { LIMITS } from './store/limits.ts';
import type {
  ModelRegistry,
  ModelSearch,
  ModelVersionRecord,
  Page,
  VersionSearch,
} from './store/modelRegistry.ts';
import type {
  ExperimentRecord,
  ExperimentSearch,
  LogBatch,
  MetricPoint,
  RunRecord,
  RunSearch,
  RunStatus,
  TrackingStore,
  ViewType,
} from './store/trackingStore.ts';
import { runTopic, runUpdate } from './subscriptions.ts';

export type { MetricPoint };

const TIME = (d: Date | null | undefined) => (d ? d.getTime() : undefined);
type KeyValues = { key: string; value: string }[] | null | undefined;
const record = (pairs: KeyValues) => Object.fromEntries((pairs ?? []).map((t) => [t.key, t.value]));

/** Where a run's system info is kept: MLflow's own tag for the commit, Jarvis's for the rest. */
export const SYSTEM_TAGS = {
  runtime: 'jarvis.system.runtime',
  platform: 'jarvis.system.platform',
  gitCommit: 'mlflow.source.git.commit',
  host: 'jarvis.system.host',
} as const;

/** A store page as a Relay connection whose cursors are the store's page tokens. */
function connection<T>(
  items: T[],
  nextPageToken: string | undefined,
  after: string | null | undefined,
  count?: () => Promise<number>,
) {
  const cursor = nextPageToken ?? '';
  return {
    count: count ?? (async () => items.length),
    edges: items.map((node) => ({ cursor, node })),
    pageInfo: {
      hasNextPage: nextPageToken !== undefined,
      hasPreviousPage: Boolean(after),
      startCursor: null,
      endCursor: nextPageToken ?? null,
    },
  };
}

const withTotal = <T>(page: Page<T>, after: string | null | undefined) => ({
  ...connection(page.items, page.nextPageToken, after),
  totalCount: page.totalCount,
});

function firstAtLeastOne(first: number | null | undefined, field: string) {
  const size = pageSize(first);
  if (size === 0) throw badUserInput(`"first" must be at least 1 for ${field}`, { argument: 'first' });
  return size;
}

/** The seed's Experiment Service, over whichever TrackingStore is configured. */
export class ExperimentsService {
  private readonly store: TrackingStore;
  private readonly registry: ModelRegistry;
  private readonly pubsub: PubSub;
  private readonly events: RegistryEvents;
  private readonly logger: Logger;

  private readonly metrics: JarvisMetrics | undefined;
  private readonly live: LiveRunExporter | undefined;

  constructor(deps: {
    store: TrackingStore;
    registry: ModelRegistry;
    pubsub: PubSub;
    logger: Logger;
    metrics?: JarvisMetrics | undefined;
  }) {
    const { store, registry, pubsub, logger, metrics } = deps;
    this.metrics = metrics;
    this.live = metrics && liveRunExporter(store, metrics.liveRuns, logger);
    this.store = store;
    this.registry = registry;
    this.pubsub = pubsub;
    this.events = new RegistryEvents(pubsub, logger);
    this.logger = logger;
  }

  /** Tells `runUpdated` subscribers; a pubsub hiccup never fails the write that already happened. */
  private async announce(update: ReturnType<typeof runUpdate>) {
    await this.pubsub.publish(runTopic(update.runId), update).catch((error: unknown) => {
      this.logger.warn({ err: error, runId: update.runId }, 'could not publish a run update');
    });
  }

  /** The project's "Default" experiment: MLflow clients log to experiment 0 when none is set. */
  async defaultExperiment(principal: Principal): Promise<ExperimentRecord> {
    const found = await this.store.getExperimentByName(principal.projectId, 'Default');
    if (found) return found;
    try {
      return await this.createExperiment(principal, 'Default');
    } catch (error) {
      // Two first requests at once: the other one created it.
      const raced = await this.store.getExperimentByName(principal.projectId, 'Default');
      if (raced) return raced;
      throw error;
    }
  }

  /** An experiment id as MLflow clients send it: "0" is the project's Default experiment. */
  async mlflowExperimentId(principal: Principal, id: string): Promise<string> {
    return id === '0' ? (await this.defaultExperiment(principal)).id : id;
  }

  /** Projects whose "Default" experiment is known to exist, so listing checks once per process. */
  private readonly defaulted = new Set<string>();

  /** As on MLflow's server, "Default" is there from the start: listings and lookups by name show it. */
  private async ensureDefault(principal: Principal) {
    // An MLflow server has its own "Default" (experiment 0).
    if (this.store.kind !== 'native' || this.defaulted.has(principal.projectId)) return;
    await this.defaultExperiment(principal);
    this.defaulted.add(principal.projectId);
  }

  async experimentPage(principal: Principal, search: ExperimentSearch) {
    await this.ensureDefault(principal);
    return this.store.searchExperiments(principal.projectId, search);
  }

  runPage(principal: Principal, search: RunSearch) {
    return this.store.searchRuns(principal.projectId, search);
  }

  registeredModelPage(principal: Principal, search: ModelSearch) {
    return this.registry.searchRegisteredModels(principal.projectId, search);
  }

  modelVersionPage(principal: Principal, search: VersionSearch) {
    return this.registry.searchModelVersions(principal.projectId, search);
  }

  async experiments(
    principal: Principal,
    args: {
      filter?: string | null;
      view?: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL' | null;
      first?: number | null;
      after?: string | null;
    },
  ) {
    await this.ensureDefault(principal);
    const page = await this.store.searchExperiments(principal.projectId, {
      ...(args.filter ? { filter: args.filter } : {}),
      view: args.view ?? 'ACTIVE_ONLY',
      maxResults: firstAtLeastOne(args.first, 'experiments'),
      ...(args.after ? { pageToken: args.after } : {}),
    });
    return connection(page.experiments, page.nextPageToken, args.after, page.count);
  }

  async setExperimentTag(principal: Principal, id: string, key: string, value: string) {
    await this.store.setExperimentTag(principal.projectId, id, key, value);
    return this.requireExperiment(principal, id);
  }

  async deleteExperimentTag(principal: Principal, id: string, key: string) {
    await this.store.deleteExperimentTag(principal.projectId, id, key);
    return this.requireExperiment(principal, id);
  }

  async deleteRunTag(principal: Principal, runId: string, key: string) {
    await this.store.deleteRunTag(principal.projectId, runId, key);
    const run = await this.requireRun(principal, runId);
    await this.announce(runUpdate('UPDATED', run));
    return run;
  }

  experiment(principal: Principal, id: string) {
    return this.store.getExperiment(principal.projectId, id);
  }

  async experimentByName(principal: Principal, name: string) {
    if (name === 'Default') await this.ensureDefault(principal);
    return this.store.getExperimentByName(principal.projectId, name);
  }

  private async requireExperiment(principal: Principal, id: string): Promise<ExperimentRecord> {
    const found = await this.store.getExperiment(principal.projectId, id);
    if (!found) throw notFound(`no experiment ${JSON.stringify(id)} in this project`, { argument: 'id' });
    return found;
  }

  async createExperiment(
    principal: Principal,
    name: string,
    tags: { key: string; value: string }[] = [],
    artifactLocation?: string,
  ) {
    if (
      artifactLocation !== undefined &&
      (artifactLocation.length > 1000 ||
        [...artifactLocation].some((ch) => ch.charCodeAt(0) < 0x20) ||
        artifactLocation.split('/').includes('..'))
    )
      throw badUserInput(
        `artifact_location ${JSON.stringify(artifactLocation.slice(0, 100))} is not a usable URI: at most 1000 characters, no control characters or ".." segments`,
        { argument: 'artifact_location' },
      );
    const id = await this.store.createExperiment(
      principal.projectId,
      name,
      Object.fromEntries(tags.map((t) => [t.key, t.value])),
      artifactLocation || undefined,
    );
    return this.requireExperiment(principal, id);
  }

  async renameExperiment(principal: Principal, id: string, name: string) {
    await this.store.renameExperiment(principal.projectId, id, name);
    return this.requireExperiment(principal, id);
  }

  async setExperimentDeleted(principal: Principal, id: string, deleted: boolean) {
    await this.store.setExperimentDeleted(principal.projectId, id, deleted);
    return this.requireExperiment(principal, id);
  }

  run(principal: Principal, id: string) {
    return this.store.getRun(principal.projectId, id);
  }

  /** Runs by id, for entity references: a Map of those found. */
  async runsByIds(principal: Principal, ids: readonly string[]) {
    return new Map((await this.store.getRuns(principal.projectId, ids)).map((r) => [r.id, r]));
  }

  async requireRun(principal: Principal, id: string): Promise<RunRecord> {
    const found = await this.store.getRun(principal.projectId, id);
    if (!found) throw notFound(`no run ${JSON.stringify(id)} in this project`, { argument: 'runId' });
    return found;
  }

  createRun(
    principal: Principal,
    input: {
      experimentId: string;
      name?: string | null;
      component?: string | null;
      tags?: { key: string; value: string }[] | null;
      startTime?: Date | null;
      system?: Partial<Record<keyof typeof SYSTEM_TAGS, string | null>> | null;
    },
  ) {
    const tags: Record<string, string> = record(input.tags);
    if (input.component) tags.component = input.component;
    for (const [field, tag] of Object.entries(SYSTEM_TAGS)) {
      const value = input.system?.[field as keyof typeof SYSTEM_TAGS];
      if (value) tags[tag] = value;
    }
    tags['mlflow.user'] ??= principal.userId;
    return this.store.createRun(principal.projectId, {
      experimentId: input.experimentId,
      ...(input.name ? { name: input.name } : {}),
      ...(input.startTime ? { startTime: input.startTime.getTime() } : {}),
      tags,
    });
  }

  async updateRun(
    principal: Principal,
    id: string,
    update: { status?: RunStatus | null; endTime?: Date | null; name?: string | null },
  ) {
    const endTime =
      TIME(update.endTime) ??
      (update.status && update.status !== 'RUNNING' && update.status !== 'SCHEDULED'
        ? Date.now()
        : undefined);
    const run = await this.store.updateRun(principal.projectId, id, {
      ...(update.status ? { status: update.status } : {}),
      ...(endTime !== undefined ? { endTime } : {}),
      ...(update.name ? { name: update.name } : {}),
    });
    this.live?.updated(run);
    await this.announce(runUpdate('UPDATED', run));
    return run;
  }

  async setRunDeleted(principal: Principal, id: string, deleted: boolean) {
    await this.store.setRunDeleted(principal.projectId, id, deleted);
    const run = await this.requireRun(principal, id);
    this.live?.updated(run);
    await this.announce(runUpdate(deleted ? 'DELETED' : 'RESTORED', run));
    return run;
  }

  /** Logs a batch; read the run afterwards when it is needed (the MLflow API does not). */
  async logBatch(
    principal: Principal,
    runId: string,
    batch: {
      metrics?:
        | {
            key: string;
            value: number;
            step?: number | null;
            timestamp?: Date | null;
            modelId?: string | undefined;
            datasetName?: string | null;
            datasetDigest?: string | null;
          }[]
        | null;
      params?: { key: string; value: string }[] | null;
      tags?: { key: string; value: string }[] | null;
    },
    idempotencyKey?: string | null,
  ) {
    const now = Date.now();
    const log: LogBatch = {
      metrics: (batch.metrics ?? []).map((m) => ({
        key: m.key,
        value: m.value,
        step: m.step ?? 0,
        timestamp: TIME(m.timestamp) ?? now,
        ...(m.modelId
          ? { modelId: m.modelId, datasetName: m.datasetName, datasetDigest: m.datasetDigest }
          : {}),
      })),
      params: batch.params ?? [],
      tags: batch.tags ?? [],
    };
    await this.storeBatch(principal, runId, log, idempotencyKey);
  }

  /** Logs metric series (logMetrics): columns of up to 10000 points; how many it stored. */
  async logMetricSeries(
    principal: Principal,
    runId: string,
    series: {
      key: string;
      values: number[];
      steps?: number[] | null;
      timestamps?: number[] | null;
      nanAt?: number[] | null;
    }[],
    idempotencyKey?: string | null,
  ): Promise<number> {
    const now = Date.now();
    const metrics: MetricPoint[] = [];
    for (const [i, s] of series.entries()) {
      for (const [column, given] of [
        ['steps', s.steps],
        ['timestamps', s.timestamps],
      ] as const)
        if (given && given.length !== s.values.length)
          throw badUserInput(
            `series[${i}] (${s.key}): ${given.length} ${column} for ${s.values.length} values; give one per value or none`,
            { argument: `series[${i}].${column}` },
          );
      const nan = new Set(s.nanAt ?? []);
      for (const at of nan)
        if (!Number.isInteger(at) || at < 0 || at >= s.values.length)
          throw badUserInput(
            `series[${i}] (${s.key}): nanAt ${at} is not a position in its ${s.values.length} values`,
            { argument: `series[${i}].nanAt` },
          );
      if (metrics.length + s.values.length > LIMITS.metricsPerSeriesCall)
        throw badUserInput(
          `logMetrics takes at most ${LIMITS.metricsPerSeriesCall} points a call; send the rest in another`,
          { argument: 'series' },
        );
      for (let j = 0; j < s.values.length; j++)
        metrics.push({
          key: s.key,
          value: nan.has(j) ? Number.NaN : s.values[j]!,
          step: s.steps?.[j] ?? 0,
          timestamp: s.timestamps?.[j] ?? now,
        });
    }
    const stored = await this.storeBatch(
      principal,
      runId,
      { metrics },
      idempotencyKey,
      LIMITS.metricsPerSeriesCall,
    );
    return stored ? metrics.length : 0;
  }

  private async storeBatch(
    principal: Principal,
    runId: string,
    log: LogBatch,
    idempotencyKey: string | null | undefined,
    metricsPerBatch?: number,
  ) {
    const status = await this.store.logBatch(
      principal.projectId,
      runId,
      log,
      idempotencyKey ?? undefined,
      metricsPerBatch,
    );
    if (status && log.metrics?.length) {
      this.metrics?.runMetricPoints.inc(log.metrics.length);
      this.live?.logged(principal.projectId, runId, log.metrics);
    }
    // A retried batch logged nothing new: subscribers heard about it the first time.
    if (status) await this.announce(runUpdate('LOGGED', { id: runId, status }, log));
    return status;
  }

  async metricHistory(
    principal: Principal,
    run: RunRecord,
    key: string,
    maxPoints?: number | null,
  ): Promise<MetricPoint[]> {
    if (maxPoints != null && (!Number.isInteger(maxPoints) || maxPoints < 3 || maxPoints > 100_000)) {
      throw badUserInput(`maxPoints must be 3 to 100000, got ${maxPoints}`, { argument: 'maxPoints' });
    }
    return this.store.metricHistory(principal.projectId, run.id, key, maxPoints ?? undefined);
  }

  async bestRun(principal: Principal, experimentId: string, metric: string, direction: 'MAX' | 'MIN') {
    const key = `metrics.\`${metric.replaceAll('`', '``')}\``;
    const page = await this.store.searchRuns(principal.projectId, {
      experimentIds: [experimentId],
      orderBy: [`${key} ${direction === 'MAX' ? 'DESC' : 'ASC'}`],
      maxResults: 1,
    });
    const best = page.runs[0];
    return best?.metrics.some((m) => m.key === metric && !Number.isNaN(m.value)) ? best : undefined;
  }

  async compareRuns(principal: Principal, ids: string[]) {
    if (ids.length < 1 || ids.length > 100) throw badUserInput('compare 1 to 100 runs', { argument: 'ids' });
    const runs = await Promise.all(ids.map((id) => this.requireRun(principal, id)));
    const differing = <T>(keys: Set<string>, read: (run: RunRecord, key: string) => T | undefined) =>
      [...keys]
        .sort()
        .map((key) => ({ key, values: runs.map((r) => read(r, key) ?? null) }))
        .filter(
          ({ values }) =>
            new Set(values.map((v) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v))).size > 1,
        );
    return {
      runs,
      params: differing(new Set(runs.flatMap((r) => Object.keys(r.params))), (r, k) => r.params[k]),
      metrics: differing(new Set(runs.flatMap((r) => r.metrics.map((m) => m.key))), (r, k) => {
        const value = r.metrics.find((m) => m.key === k)?.value;
        return value === undefined || Number.isNaN(value) ? undefined : value;
      }),
    };
  }

  registeredModel(principal: Principal, name: string) {
    return this.registry.getRegisteredModel(principal.projectId, name);
  }

  async registeredModels(
    principal: Principal,
    args: { filter?: string | null; first?: number | null; after?: string | null },
  ) {
    const page = await this.registry.searchRegisteredModels(principal.projectId, {
      ...(args.filter ? { filter: args.filter } : {}),
      maxResults: firstAtLeastOne(args.first, 'registeredModels'),
      ...(args.after ? { pageToken: args.after } : {}),
    });
    return withTotal(page, args.after);
  }

  async createRegisteredModel(
    principal: Principal,
    name: string,
    description?: string | null,
    tags?: KeyValues,
  ) {
    const model = await this.registry.createRegisteredModel(principal.projectId, {
      name,
      ...(description ? { description } : {}),
      tags: record(tags),
    });
    await this.events.modelCreated(principal.projectId, model);
    return model;
  }

  renameRegisteredModel(principal: Principal, name: string, newName: string) {
    return this.registry.renameRegisteredModel(principal.projectId, name, newName);
  }

  updateRegisteredModel(principal: Principal, name: string, description: string) {
    return this.registry.updateRegisteredModel(principal.projectId, name, description);
  }

  async deleteRegisteredModel(principal: Principal, name: string) {
    await this.registry.deleteRegisteredModel(principal.projectId, name);
    return true;
  }

  async setRegisteredModelTag(principal: Principal, name: string, key: string, value: string | null) {
    if (value === null) await this.registry.deleteRegisteredModelTag(principal.projectId, name, key);
    else await this.registry.setRegisteredModelTag(principal.projectId, name, key, value);
    const model = (await this.registry.getRegisteredModel(principal.projectId, name))!;
    await this.events.modelTag(principal.projectId, model, key, value);
    return model;
  }

  modelVersion(principal: Principal, name: string, version: number) {
    return this.registry.getModelVersion(principal.projectId, name, version);
  }

  modelVersionByAlias(principal: Principal, name: string, alias: string) {
    return this.registry.versionByAlias(principal.projectId, name, alias);
  }

  async modelVersions(
    principal: Principal,
    args: { filter?: string | null; first?: number | null; after?: string | null },
  ) {
    const page = await this.registry.searchModelVersions(principal.projectId, {
      ...(args.filter ? { filter: args.filter } : {}),
      maxResults: firstAtLeastOne(args.first, 'modelVersions'),
      ...(args.after ? { pageToken: args.after } : {}),
    });
    return withTotal(page, args.after);
  }

  versionsOf(principal: Principal, name: string, first?: number | null, after?: string | null) {
    return this.modelVersions(principal, { filter: `name = '${name.replaceAll("'", "''")}'`, first, after });
  }

  async versionsOfRun(principal: Principal, runId: string): Promise<ModelVersionRecord[]> {
    if (!/^[0-9a-f]{32}$/.test(runId)) return [];
    const page = await this.registry.searchModelVersions(principal.projectId, {
      filter: `run_id = '${runId}'`,
      maxResults: 500,
    });
    return page.items;
  }

  async createModelVersion(
    principal: Principal,
    input: {
      name: string;
      artifactId?: string | null;
      source?: string | null;
      runId?: string | null;
      modelId?: string | null;
      description?: string | null;
      tags?: KeyValues;
      idempotencyKey?: string | null;
    },
  ) {
    if (!input.artifactId && !input.source)
      throw badUserInput('give the artifactId of a storage artifact or the source URI of the model files', {
        argument: 'input',
      });
    if (input.artifactId && !/^[0-9a-f-]{36}$/.test(input.artifactId))
      throw badUserInput(`artifactId ${JSON.stringify(input.artifactId)} is not an artifact id`, {
        argument: 'artifactId',
      });
    if (input.runId) await this.requireRun(principal, input.runId);
    const version = await this.registry.createModelVersion(principal.projectId, {
      name: input.name,
      source: input.source ?? `jarvis://artifacts/${input.artifactId}`,
      ...(input.runId ? { runId: input.runId } : {}),
      ...(input.artifactId ? { artifactId: input.artifactId } : {}),
      ...(input.modelId ? { modelId: input.modelId } : {}),
      ...(input.description ? { description: input.description } : {}),
      tags: record(input.tags),
      ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
    });
    await this.events.versionCreated(
      principal.projectId,
      await this.registry.getRegisteredModel(principal.projectId, input.name),
      version,
    );
    return version;
  }

  updateModelVersion(principal: Principal, name: string, version: number, description: string) {
    return this.registry.updateModelVersion(principal.projectId, name, version, description);
  }

  async deleteModelVersion(principal: Principal, name: string, version: number) {
    await this.registry.deleteModelVersion(principal.projectId, name, version);
    return true;
  }

  async setModelVersionTag(
    principal: Principal,
    name: string,
    version: number,
    key: string,
    value: string | null,
  ) {
    if (value === null) await this.registry.deleteModelVersionTag(principal.projectId, name, version, key);
    else await this.registry.setModelVersionTag(principal.projectId, name, version, key, value);
    const model = await this.registry.getRegisteredModel(principal.projectId, name);
    await this.events.versionTag(principal.projectId, model, name, version, key, value);
    return (await this.registry.getModelVersion(principal.projectId, name, version))!;
  }

  async setModelAlias(principal: Principal, name: string, alias: string, version: number) {
    const previous = await this.registry.versionByAlias(principal.projectId, name, alias);
    await this.registry.setAlias(principal.projectId, name, alias, version);
    if (previous?.version !== version)
      await this.aliasMoved(principal, name, alias, version, previous?.version);
    const model = await this.registry.getRegisteredModel(principal.projectId, name);
    await this.events.alias(principal.projectId, model, name, alias, version);
    return (await this.registry.getModelVersion(principal.projectId, name, version))!;
  }

  async deleteModelAlias(principal: Principal, name: string, alias: string) {
    const previous = await this.registry.versionByAlias(principal.projectId, name, alias);
    await this.registry.deleteAlias(principal.projectId, name, alias);
    if (previous) await this.aliasMoved(principal, name, alias, null, previous.version);
    const model = await this.registry.getRegisteredModel(principal.projectId, name);
    await this.events.alias(principal.projectId, model, name, alias, null);
    return true;
  }

  /** Tells notifications; a pubsub hiccup never fails the move that already happened. */
  private async aliasMoved(
    principal: Principal,
    model: string,
    alias: string,
    version: number | null,
    previousVersion: number | undefined,
  ) {
    const moved: ModelAliasMoved = {
      projectId: principal.projectId,
      model,
      alias,
      version,
      previousVersion: previousVersion ?? null,
      at: new Date().toISOString(),
    };
    await this.pubsub.publish(MODEL_ALIAS_MOVED_TOPIC, moved).catch((error: unknown) => {
      this.logger.warn({ err: error, model, alias }, 'could not announce a model alias move');
    });
  }

  async searchRuns(
    principal: Principal,
    args: {
      experimentIds: string[];
      filter?: string | null;
      orderBy?: string[] | null;
      first?: number | null;
      after?: string | null;
      includeDeleted?: boolean | null;
      view?: ViewType;
    },
  ) {
    const maxResults = firstAtLeastOne(args.first, 'searchRuns');
    const page = await this.store.searchRuns(principal.projectId, {
      experimentIds: args.experimentIds,
      ...(args.filter ? { filter: args.filter } : {}),
      ...(args.orderBy ? { orderBy: args.orderBy } : {}),
      maxResults,
      ...(args.after ? { pageToken: args.after } : {}),
      view: args.view ?? (args.includeDeleted ? 'ALL' : 'ACTIVE_ONLY'),
    });
    return connection(page.runs, page.nextPageToken, args.after, page.count);
  }
}
