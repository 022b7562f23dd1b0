import type { Principal } from '@jarvis/context';
import { badUserInput, notFound } from '@jarvis/errors';
import { pageSize } from '@jarvis/subgraph';
import { downsample } from './downsample.ts';
import type {
  ExperimentRecord,
  LogBatch,
  MetricPoint,
  RunRecord,
  RunStatus,
  TrackingStore,
} from './store/trackingStore.ts';

const TIME = (d: Date | null | undefined) => (d ? d.getTime() : undefined);

/** The seed's Experiment Service, over whichever TrackingStore is configured. */
export class ExperimentsService {
  private readonly store: TrackingStore;

  constructor(store: TrackingStore) {
    this.store = store;
  }

  experiment(principal: Principal, id: string) {
    return this.store.getExperiment(principal.projectId, id);
  }

  experimentByName(principal: Principal, name: string) {
    return this.store.getExperimentByName(principal.projectId, name);
  }

  private async requireExperiment(principal: Principal, id: string): Promise<ExperimentRecord> {
    const found = await this.store.getExperiment(principal.projectId, id);
    if (!found) throw notFound(`no experiment ${JSON.stringify(id)} in this project`, { argument: 'id' });
    return found;
  }

  async createExperiment(principal: Principal, name: string, tags: { key: string; value: string }[] = []) {
    const id = await this.store.createExperiment(
      principal.projectId,
      name,
      Object.fromEntries(tags.map((t) => [t.key, t.value])),
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

  private async requireRun(principal: Principal, id: string): Promise<RunRecord> {
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
    },
  ) {
    const tags: Record<string, string> = Object.fromEntries((input.tags ?? []).map((t) => [t.key, t.value]));
    if (input.component) tags.component = input.component;
    tags['mlflow.user'] ??= principal.userId;
    return this.store.createRun(principal.projectId, {
      experimentId: input.experimentId,
      ...(input.name ? { name: input.name } : {}),
      ...(input.startTime ? { startTime: input.startTime.getTime() } : {}),
      tags,
    });
  }

  updateRun(
    principal: Principal,
    id: string,
    update: { status?: RunStatus | null; endTime?: Date | null; name?: string | null },
  ) {
    const endTime =
      TIME(update.endTime) ??
      (update.status && update.status !== 'RUNNING' && update.status !== 'SCHEDULED'
        ? Date.now()
        : undefined);
    return this.store.updateRun(principal.projectId, id, {
      ...(update.status ? { status: update.status } : {}),
      ...(endTime !== undefined ? { endTime } : {}),
      ...(update.name ? { name: update.name } : {}),
    });
  }

  async setRunDeleted(principal: Principal, id: string, deleted: boolean) {
    await this.store.setRunDeleted(principal.projectId, id, deleted);
    return this.requireRun(principal, id);
  }

  async logBatch(
    principal: Principal,
    runId: string,
    batch: {
      metrics?: { key: string; value: number; step?: number | null; timestamp?: Date | null }[] | null;
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
      })),
      params: batch.params ?? [],
      tags: batch.tags ?? [],
    };
    await this.store.logBatch(principal.projectId, runId, log, idempotencyKey ?? undefined);
    return this.requireRun(principal, runId);
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
    const points = await this.store.metricHistory(principal.projectId, run.id, key);
    return maxPoints == null ? points : downsample(points, maxPoints);
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

  async searchRuns(
    principal: Principal,
    args: {
      experimentIds: string[];
      filter?: string | null;
      orderBy?: string[] | null;
      first?: number | null;
      after?: string | null;
      includeDeleted?: boolean | null;
    },
  ) {
    const maxResults = pageSize(args.first);
    if (maxResults === 0)
      throw badUserInput('"first" must be at least 1 for searchRuns', { argument: 'first' });
    const page = await this.store.searchRuns(principal.projectId, {
      experimentIds: args.experimentIds,
      ...(args.filter ? { filter: args.filter } : {}),
      ...(args.orderBy ? { orderBy: args.orderBy } : {}),
      maxResults,
      ...(args.after ? { pageToken: args.after } : {}),
      includeDeleted: args.includeDeleted ?? false,
    });
    const cursor = page.nextPageToken ?? '';
    return {
      edges: page.runs.map((node) => ({ cursor, node })),
      pageInfo: {
        hasNextPage: page.nextPageToken !== undefined,
        hasPreviousPage: Boolean(args.after),
        startCursor: null,
        endCursor: page.nextPageToken ?? null,
      },
    };
  }
}
