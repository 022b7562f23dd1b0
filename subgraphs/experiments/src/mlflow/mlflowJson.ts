import { modelIdOfVersion } from '../modelIdOfVersion.ts';
import type { LoggedModelRecord, ModelMetric, RunIo } from '../store/loggedModelStore.ts';
import type { ModelVersionRecord, RegisteredModelRecord } from '../store/modelRegistry.ts';
import type { ExperimentRecord, MetricPoint, RunRecord } from '../store/trackingStore.ts';

/**
 * Records in the JSON MLflow's REST API returns: protobuf JSON, so non-finite doubles are
 * strings and empty lists are left out, as MLflow's server leaves them out.
 */
const tagList = (tags: Record<string, string>) =>
  Object.entries(tags).map(([key, value]) => ({ key, value }));
const double = (v: number) => (Number.isFinite(v) ? v : String(v));
/** `{ [key]: list }` when the list has items, nothing otherwise. */
export const listField = <T>(key: string, items: T[]) => (items.length ? { [key]: items } : {});
const optional = <T>(key: string, value: T | null | undefined) =>
  value === null || value === undefined || value === '' ? {} : { [key]: value };

export const experimentJson = (e: ExperimentRecord) => ({
  experiment_id: e.id,
  name: e.name,
  artifact_location: e.artifactLocation,
  lifecycle_stage: e.lifecycleStage,
  creation_time: e.creationTime,
  last_update_time: e.lastUpdateTime,
  ...listField('tags', tagList(e.tags)),
});

export const metricJson = (m: MetricPoint) => ({
  key: m.key,
  value: double(m.value),
  timestamp: m.timestamp,
  step: m.step,
});

export const modelMetricJson = (m: ModelMetric) => ({
  ...metricJson(m),
  model_id: m.modelId,
  ...optional('dataset_name', m.datasetName),
  ...optional('dataset_digest', m.datasetDigest),
  run_id: m.runId,
});

export const runInfoJson = (r: RunRecord) => ({
  run_id: r.id,
  run_uuid: r.id,
  run_name: r.name,
  experiment_id: r.experimentId,
  user_id: r.tags['mlflow.user'] ?? '',
  status: r.status,
  start_time: r.startTime,
  ...(r.endTime !== null ? { end_time: r.endTime } : {}),
  artifact_uri: r.artifactUri,
  lifecycle_stage: r.lifecycleStage,
});

const NO_IO: RunIo = { datasetInputs: [], modelInputs: [], modelOutputs: [] };

/** `created`: a new run's answer, which MLflow gives without outputs. */
export const runJson = (r: RunRecord, io: RunIo = NO_IO, created = false) => ({
  info: runInfoJson(r),
  data: {
    ...listField('metrics', r.metrics.map(metricJson)),
    ...listField('params', tagList(r.params)),
    ...listField('tags', tagList(r.tags)),
  },
  inputs: {
    ...listField(
      'dataset_inputs',
      io.datasetInputs.map(({ dataset, tags }) => ({
        ...listField('tags', tags),
        dataset: {
          name: dataset.name,
          digest: dataset.digest,
          source_type: dataset.sourceType,
          source: dataset.source,
          ...optional('schema', dataset.schema),
          ...optional('profile', dataset.profile),
        },
      })),
    ),
    ...listField(
      'model_inputs',
      io.modelInputs.map((m) => ({ model_id: m.modelId })),
    ),
  },
  ...(created
    ? {}
    : {
        outputs: {
          ...listField(
            'model_outputs',
            io.modelOutputs.map((m) => ({ model_id: m.modelId, step: m.step })),
          ),
        },
      }),
});

/** `withAliases`: false inside a registered model's latest_versions, as MLflow answers. */
export const modelVersionJson = (v: ModelVersionRecord, withAliases = true) => ({
  name: v.name,
  version: String(v.version),
  creation_timestamp: v.creationTime,
  last_updated_timestamp: v.lastUpdatedTime,
  current_stage: 'None',
  description: v.description,
  source: v.source,
  ...(v.runId ? { run_id: v.runId } : {}),
  run_link: '',
  status: v.status,
  ...listField('tags', tagList(v.tags)),
  ...(withAliases ? listField('aliases', v.aliases) : {}),
  ...optional('model_id', modelIdOfVersion(v)),
});

export const registeredModelJson = (m: RegisteredModelRecord, latest?: ModelVersionRecord) => ({
  name: m.name,
  creation_timestamp: m.creationTime,
  last_updated_timestamp: m.lastUpdatedTime,
  description: m.description,
  ...listField('latest_versions', latest ? [modelVersionJson(latest, false)] : []),
  ...listField('tags', tagList(m.tags)),
  ...listField(
    'aliases',
    Object.entries(m.aliases).map(([alias, version]) => ({ alias, version: String(version) })),
  ),
});

export const loggedModelJson = (m: LoggedModelRecord) => ({
  info: {
    model_id: m.id,
    experiment_id: m.experimentId,
    name: m.name,
    creation_timestamp_ms: m.creationTime,
    last_updated_timestamp_ms: m.lastUpdatedTime,
    artifact_uri: m.artifactLocation,
    status: m.status,
    ...optional('status_message', m.statusMessage),
    ...optional('model_type', m.modelType),
    ...optional('source_run_id', m.sourceRunId),
    ...listField('tags', tagList(m.tags)),
  },
  data: {
    ...listField('params', tagList(m.params)),
    ...listField('metrics', m.metrics.map(modelMetricJson)),
  },
});
