import { randomUUID } from 'node:crypto';
import { badUserInput, conflict, notFound } from '@jarvis/errors';
import { downsample } from '../downsample.ts';
import { parseSearch } from '../search/parseSearch.ts';
import { checkBatch, checkIdempotencyKey, LIMITS } from './limits.ts';
import { isMissing, mlflowRestClient, PROJECT_TAG } from './mlflowRestClient.ts';
import { checkMaxResults } from './pageToken.ts';
import {
  type ExperimentRecord,
  type MetricPoint,
  type RunRecord,
  type RunStatus,
  TERMINAL_RUN_STATUSES,
  type TrackingStore,
} from './trackingStore.ts';

type Tag = { key: string; value: string };
type MlflowMetric = {
  key: string;
  value: number | string;
  timestamp: string | number;
  step?: string | number;
};
interface MlflowExperiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: string;
  creation_time?: string | number;
  last_update_time?: string | number;
  tags?: Tag[];
}
interface MlflowRun {
  info: {
    run_id: string;
    experiment_id: string;
    run_name?: string;
    status: RunStatus;
    start_time: string | number;
    end_time?: string | number;
    lifecycle_stage: string;
    artifact_uri: string;
  };
  data: { metrics?: MlflowMetric[]; params?: Tag[]; tags?: Tag[] };
}

/** MLflow's JSON writes non-finite doubles as strings, and reads them that way. */
const toNumber = (v: number | string) => (typeof v === 'number' ? v : Number(v));
const fromNumber = (v: number) => (Number.isFinite(v) ? v : String(v));

/** Where the MLflow-backed stores remember idempotency keys (MLflow itself has none). */
export interface IdempotencyLog {
  /** What a key produced (a run id, a model version), if it was used. */
  seen(projectId: string, key: string): Promise<string | undefined>;
  record(projectId: string, key: string, produced: string): Promise<void>;
}

/**
 * Tracking on an existing MLflow server, through its REST API 2.0. Idempotency keys are checked
 * before and recorded after a batch; MLflow has no transaction to join, so a crash between the
 * two can still log a retried batch twice.
 */
/** MLflow has no count: a total is the sum of search pages of this size. */
const COUNT_PAGE = 1_000;

async function countPages(page: (token?: string) => Promise<{ items: number; next?: string | undefined }>) {
  let total = 0;
  let token: string | undefined;
  do {
    const p = await page(token);
    total += p.items;
    token = p.next || undefined;
  } while (token);
  return total;
}

/**
 * `artifactsUri`: the root under which each experiment Jarvis creates gets its own artifact
 * location (a fresh folder: MLflow names its default ones by experiment id, unknown before the
 * experiment exists, and has no call to change a location later).
 */
export function mlflowTrackingStore(
  trackingUri: string,
  idempotency?: IdempotencyLog,
  artifactsUri?: string,
): TrackingStore {
  const call = mlflowRestClient(trackingUri);

  /** Undefined for what does not exist, is malformed, or belongs to another project. */
  async function experiment(projectId: string, id: string): Promise<MlflowExperiment | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    try {
      const { experiment } = await call<{ experiment: MlflowExperiment }>('GET', 'experiments/get', {
        experiment_id: id,
      });
      return experiment.tags?.find((t) => t.key === PROJECT_TAG)?.value === projectId
        ? experiment
        : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  const toExperiment = (e: MlflowExperiment): ExperimentRecord => ({
    id: e.experiment_id,
    name: e.name,
    artifactLocation: e.artifact_location,
    lifecycleStage: e.lifecycle_stage as ExperimentRecord['lifecycleStage'],
    creationTime: Number(e.creation_time ?? 0),
    lastUpdateTime: Number(e.last_update_time ?? 0),
    tags: Object.fromEntries(
      (e.tags ?? []).filter((t) => t.key !== PROJECT_TAG).map((t) => [t.key, t.value]),
    ),
  });

  const toMetric = (m: MlflowMetric): MetricPoint => ({
    key: m.key,
    value: toNumber(m.value),
    timestamp: Number(m.timestamp),
    step: Number(m.step ?? 0),
  });

  const toRun = (r: MlflowRun): RunRecord => ({
    id: r.info.run_id,
    experimentId: r.info.experiment_id,
    name: r.info.run_name ?? '',
    status: r.info.status,
    startTime: Number(r.info.start_time),
    endTime: r.info.end_time === undefined ? null : Number(r.info.end_time),
    lifecycleStage: r.info.lifecycle_stage as RunRecord['lifecycleStage'],
    artifactUri: r.info.artifact_uri,
    metrics: (r.data.metrics ?? []).map(toMetric).sort((a, b) => a.key.localeCompare(b.key)),
    params: Object.fromEntries((r.data.params ?? []).map((p) => [p.key, p.value])),
    tags: Object.fromEntries((r.data.tags ?? []).map((t) => [t.key, t.value])),
  });

  async function run(projectId: string, id: string): Promise<MlflowRun | undefined> {
    if (!/^[0-9a-f]{32}$/.test(id)) return undefined;
    try {
      const { run } = await call<{ run: MlflowRun }>('GET', 'runs/get', { run_id: id });
      return (await experiment(projectId, run.info.experiment_id)) ? run : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async function requireExperiment(projectId: string, id: string) {
    const found = await experiment(projectId, id);
    if (!found)
      throw notFound(`no experiment ${JSON.stringify(id)} in this project`, { argument: 'experimentId' });
    return found;
  }

  async function requireRun(projectId: string, id: string) {
    const found = await run(projectId, id);
    if (!found) throw notFound(`no run ${JSON.stringify(id)} in this project`, { argument: 'runId' });
    return found;
  }

  return {
    kind: 'mlflow',

    async createExperiment(projectId, name, tags = {}, artifactLocation) {
      const existing = await call<{ experiment?: MlflowExperiment }>('GET', 'experiments/get-by-name', {
        experiment_name: name,
      }).catch((error: unknown): { experiment?: MlflowExperiment } => {
        if (isMissing(error)) return {};
        throw error;
      });
      if (existing.experiment)
        throw conflict(
          `an experiment named ${JSON.stringify(name)} already exists (id ${existing.experiment.experiment_id})`,
        );
      const tagList = [
        ...Object.entries(tags).map(([key, value]) => ({ key, value })),
        { key: PROJECT_TAG, value: projectId },
      ];
      const { experiment_id } = await call<{ experiment_id: string }>('POST', 'experiments/create', {
        name,
        tags: tagList,
        ...(artifactLocation
          ? { artifact_location: artifactLocation }
          : artifactsUri
            ? { artifact_location: `${artifactsUri.replace(/\/+$/, '')}/${randomUUID()}` }
            : {}),
      });
      return experiment_id;
    },

    async getExperiment(projectId, id) {
      const found = await experiment(projectId, id);
      return found ? toExperiment(found) : undefined;
    },

    async getExperimentByName(projectId, name) {
      try {
        const { experiment: found } = await call<{ experiment: MlflowExperiment }>(
          'GET',
          'experiments/get-by-name',
          {
            experiment_name: name,
          },
        );
        return found.tags?.find((t) => t.key === PROJECT_TAG)?.value === projectId
          ? toExperiment(found)
          : undefined;
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },

    async renameExperiment(projectId, id, name) {
      await requireExperiment(projectId, id);
      await call('POST', 'experiments/update', { experiment_id: id, new_name: name });
    },

    async setExperimentDeleted(projectId, id, deleted) {
      await requireExperiment(projectId, id);
      await call('POST', deleted ? 'experiments/delete' : 'experiments/restore', { experiment_id: id });
    },

    async setExperimentTag(projectId, id, key, value) {
      if (key === PROJECT_TAG)
        throw badUserInput(`tag ${PROJECT_TAG} is kept by Jarvis`, { argument: 'key' });
      await requireExperiment(projectId, id);
      await call('POST', 'experiments/set-experiment-tag', { experiment_id: id, key, value });
    },

    async deleteExperimentTag(projectId, id, key) {
      const found = await requireExperiment(projectId, id);
      if (key === PROJECT_TAG || !(found.tags ?? []).some((t) => t.key === key))
        throw notFound(`experiment ${id} has no tag ${JSON.stringify(key)}`, { argument: 'key' });
      await call('POST', 'experiments/delete-experiment-tag', { experiment_id: id, key });
    },

    async searchExperiments(projectId, search) {
      // The project is a tag on MLflow's side, so it joins the caller's filter.
      const scope = `tags.\`${PROJECT_TAG}\` = '${projectId.replaceAll("'", "''")}'`;
      const filter = search.filter?.trim() ? `${search.filter} and ${scope}` : scope;
      const page = (size: number, token?: string) =>
        call<{ experiments?: MlflowExperiment[]; next_page_token?: string }>('POST', 'experiments/search', {
          filter,
          max_results: size,
          view_type: search.view ?? 'ACTIVE_ONLY',
          order_by: ['creation_time DESC', 'experiment_id DESC'],
          ...(token ? { page_token: token } : {}),
        });
      const { experiments = [], next_page_token } = await page(search.maxResults ?? 100, search.pageToken);
      return {
        experiments: experiments.map(toExperiment),
        nextPageToken: next_page_token || undefined,
        count: () =>
          countPages(async (token) => {
            const p = await page(COUNT_PAGE, token);
            return { items: p.experiments?.length ?? 0, next: p.next_page_token };
          }),
      };
    },

    async createRun(projectId, { experimentId, name, startTime, tags = {} }) {
      const found = await requireExperiment(projectId, experimentId);
      if (found.lifecycle_stage !== 'active')
        throw conflict(`experiment ${experimentId} is deleted; restore it or use another`);
      const { run: created } = await call<{ run: MlflowRun }>('POST', 'runs/create', {
        experiment_id: experimentId,
        start_time: startTime ?? Date.now(),
        ...(name !== undefined ? { run_name: name } : {}),
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      });
      return toRun(created);
    },

    async getRun(projectId, id) {
      const found = await run(projectId, id);
      return found ? toRun(found) : undefined;
    },

    async getRuns(projectId, ids) {
      // MLflow's REST API has no get-many: one runs/get each, at once.
      const found = await Promise.all(ids.map((id) => run(projectId, id)));
      return found.filter((r) => r !== undefined).map(toRun);
    },

    async updateRun(projectId, id, update) {
      await requireRun(projectId, id);
      await call('POST', 'runs/update', {
        run_id: id,
        ...(update.status ? { status: update.status } : {}),
        ...(update.endTime !== undefined ? { end_time: update.endTime } : {}),
        ...(update.name !== undefined ? { run_name: update.name } : {}),
      });
      return toRun(await requireRun(projectId, id));
    },

    async setRunDeleted(projectId, id, deleted) {
      await requireRun(projectId, id);
      await call('POST', deleted ? 'runs/delete' : 'runs/restore', { run_id: id });
    },

    async deleteRunTag(projectId, runId, key) {
      const found = await requireRun(projectId, runId);
      if (!(found.data.tags ?? []).some((t) => t.key === key))
        throw notFound(`run ${runId} has no tag ${JSON.stringify(key)}`, { argument: 'key' });
      await call('POST', 'runs/delete-tag', { run_id: runId, key });
    },

    async logBatch(projectId, runId, batch, idempotencyKey, metricsPerBatch) {
      checkBatch(batch, metricsPerBatch);
      checkIdempotencyKey(idempotencyKey);
      if (idempotencyKey && idempotency) {
        const seen = await idempotency.seen(projectId, idempotencyKey);
        if (seen === runId) return undefined;
        if (seen)
          throw conflict(
            `idempotencyKey ${JSON.stringify(idempotencyKey)} was used for run ${seen}; use a new key`,
          );
      }
      const current = await requireRun(projectId, runId);
      if (current.info.lifecycle_stage !== 'active')
        throw conflict(`run ${runId} is deleted; restore it before logging to it`);
      if (TERMINAL_RUN_STATUSES.includes(current.info.status)) {
        throw conflict(
          `run ${runId} is ${current.info.status}; set its status to RUNNING or start a new run before logging`,
        );
      }
      // Checked here so a batch MLflow would half-apply is refused before anything is sent.
      const logged = new Map((current.data.params ?? []).map((p) => [p.key, p.value]));
      for (const p of batch.params ?? []) {
        const before = logged.get(p.key);
        if (before !== undefined && before !== p.value) {
          throw badUserInput(
            `param ${p.key} was already logged as ${JSON.stringify(before)}; params cannot change (got ${JSON.stringify(p.value)})`,
            {
              argument: 'params',
            },
          );
        }
      }
      // MLflow takes 1000 metrics a call. A larger batch goes in parts; cut off halfway, its
      // retry sends the parts again and MLflow keeps one copy of each identical point.
      const metrics = batch.metrics ?? [];
      for (let first = 0; first === 0 || first < metrics.length; first += LIMITS.metricsPerBatch) {
        await call('POST', 'runs/log-batch', {
          run_id: runId,
          metrics: metrics.slice(first, first + LIMITS.metricsPerBatch).map((m) => ({
            key: m.key,
            value: fromNumber(m.value),
            timestamp: m.timestamp,
            step: m.step,
            // MLflow 3 links the point to a logged model on its own server.
            ...(m.modelId ? { model_id: m.modelId } : {}),
            ...(m.datasetName ? { dataset_name: m.datasetName } : {}),
            ...(m.datasetDigest ? { dataset_digest: m.datasetDigest } : {}),
          })),
          ...(first === 0 ? { params: batch.params ?? [], tags: batch.tags ?? [] } : {}),
        });
      }
      if (idempotencyKey && idempotency) await idempotency.record(projectId, idempotencyKey, runId);
      return current.info.status;
    },

    async searchRuns(projectId, search) {
      // Parsed here too, so syntax errors read the same on both stores.
      parseSearch(search.filter, search.orderBy);
      checkMaxResults(search.maxResults);
      const mine: string[] = [];
      for (const id of search.experimentIds) if (await experiment(projectId, id)) mine.push(id);
      if (!mine.length) return { runs: [], nextPageToken: undefined, count: async () => 0 };
      const fetchPage = (size: number | undefined, token?: string) =>
        call<{ runs?: MlflowRun[]; next_page_token?: string }>('POST', 'runs/search', {
          experiment_ids: mine,
          filter: search.filter ?? '',
          run_view_type: search.view ?? 'ACTIVE_ONLY',
          max_results: size,
          order_by: search.orderBy ?? [],
          ...(token ? { page_token: token } : {}),
        });
      const page = await fetchPage(search.maxResults, search.pageToken);
      return {
        runs: (page.runs ?? []).map(toRun),
        nextPageToken: page.next_page_token || undefined,
        count: () =>
          countPages(async (token) => {
            const p = await fetchPage(COUNT_PAGE, token);
            return { items: p.runs?.length ?? 0, next: p.next_page_token };
          }),
      };
    },

    async metricHistory(projectId, runId, key, maxPoints) {
      await requireRun(projectId, runId);
      const { metrics = [] } = await call<{ metrics?: MlflowMetric[] }>('GET', 'metrics/get-history', {
        run_id: runId,
        metric_key: key,
      });
      const points = metrics.map(toMetric).sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
      // MLflow has no downsampling of its own: every point comes over, then is thinned here.
      return maxPoints === undefined ? points : downsample(points, maxPoints);
    },
  };
}
