import type { ModelVersionRecord, RegisteredModelRecord } from '../store/modelRegistry.ts';
import type { ExperimentRecord, MetricPoint, RunRecord } from '../store/trackingStore.ts';

/** Records in the JSON MLflow's REST API returns (protobuf JSON: non-finite doubles as strings). */
const tagList = (tags: Record<string, string>) =>
  Object.entries(tags).map(([key, value]) => ({ key, value }));
const double = (v: number) => (Number.isFinite(v) ? v : String(v));

export const experimentJson = (e: ExperimentRecord) => ({
  experiment_id: e.id,
  name: e.name,
  artifact_location: e.artifactLocation,
  lifecycle_stage: e.lifecycleStage,
  creation_time: e.creationTime,
  last_update_time: e.lastUpdateTime,
  tags: tagList(e.tags),
});

export const metricJson = (m: MetricPoint) => ({
  key: m.key,
  value: double(m.value),
  timestamp: m.timestamp,
  step: m.step,
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

export const runJson = (r: RunRecord) => ({
  info: runInfoJson(r),
  data: {
    metrics: r.metrics.map(metricJson),
    params: tagList(r.params),
    tags: tagList(r.tags),
  },
  inputs: {},
});

export const modelVersionJson = (v: ModelVersionRecord) => ({
  name: v.name,
  version: String(v.version),
  creation_timestamp: v.creationTime,
  last_updated_timestamp: v.lastUpdatedTime,
  current_stage: 'None',
  description: v.description,
  source: v.source,
  ...(v.runId ? { run_id: v.runId } : {}),
  status: v.status,
  tags: tagList(v.tags),
  aliases: v.aliases,
});

export const registeredModelJson = (m: RegisteredModelRecord, latest?: ModelVersionRecord) => ({
  name: m.name,
  creation_timestamp: m.creationTime,
  last_updated_timestamp: m.lastUpdatedTime,
  description: m.description,
  latest_versions: latest ? [modelVersionJson(latest)] : [],
  tags: tagList(m.tags),
  aliases: Object.entries(m.aliases).map(([alias, version]) => ({ alias, version: String(version) })),
});
