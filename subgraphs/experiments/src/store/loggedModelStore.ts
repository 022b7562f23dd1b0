/**
 * MLflow 3's logged models, datasets and run inputs/outputs, in MLflow's terms. A logged model
 * is what `log_model` makes: an id (`m-<32 hex>`), its files under its own artifact location,
 * params, tags and the metrics runs logged against it.
 */
export type LoggedModelStatus = 'LOGGED_MODEL_PENDING' | 'LOGGED_MODEL_READY' | 'LOGGED_MODEL_UPLOAD_FAILED';
export const LOGGED_MODEL_STATUSES: readonly LoggedModelStatus[] = [
  'LOGGED_MODEL_PENDING',
  'LOGGED_MODEL_READY',
  'LOGGED_MODEL_UPLOAD_FAILED',
];

export interface ModelMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  runId: string;
  modelId: string;
  datasetName: string | null;
  datasetDigest: string | null;
}

export interface LoggedModelRecord {
  id: string;
  experimentId: string;
  name: string;
  artifactLocation: string;
  status: LoggedModelStatus;
  statusMessage: string | null;
  modelType: string | null;
  sourceRunId: string | null;
  creationTime: number;
  lastUpdatedTime: number;
  tags: Record<string, string>;
  params: Record<string, string>;
  /** The latest point of each (key, dataset) logged against the model. */
  metrics: ModelMetric[];
}

export interface NewLoggedModel {
  experimentId: string;
  name: string;
  modelType?: string | undefined;
  sourceRunId?: string | undefined;
  params: Record<string, string>;
  tags: Record<string, string>;
}

export interface LoggedModelOrder {
  field: string;
  ascending: boolean;
  datasetName?: string | undefined;
  datasetDigest?: string | undefined;
}

export interface LoggedModelSearch {
  experimentIds: string[];
  filter?: string | undefined;
  orderBy?: LoggedModelOrder[] | undefined;
  maxResults: number;
  pageToken?: string | undefined;
}

export interface DatasetRecord {
  id: string;
  experimentId: string;
  name: string;
  digest: string;
  sourceType: string;
  source: string;
  schema: string | null;
  profile: string | null;
}

export interface DatasetInput {
  dataset: Omit<DatasetRecord, 'id' | 'experimentId'>;
  tags: { key: string; value: string }[];
}

export interface RunIo {
  datasetInputs: { dataset: DatasetRecord; tags: { key: string; value: string }[] }[];
  modelInputs: { modelId: string }[];
  modelOutputs: { modelId: string; step: number }[];
}

export interface LoggedModelStore {
  create(projectId: string, model: NewLoggedModel): Promise<LoggedModelRecord>;
  /** Live models only: a deleted one is not found. */
  get(projectId: string, id: string): Promise<LoggedModelRecord | undefined>;
  getMany(projectId: string, ids: readonly string[]): Promise<LoggedModelRecord[]>;
  setStatus(
    projectId: string,
    id: string,
    status: LoggedModelStatus,
    message?: string,
  ): Promise<LoggedModelRecord>;
  delete(projectId: string, id: string): Promise<void>;
  setTags(projectId: string, id: string, tags: Record<string, string>): Promise<void>;
  deleteTag(projectId: string, id: string, key: string): Promise<void>;
  logParams(projectId: string, id: string, params: Record<string, string>): Promise<void>;
  /** Points a run logged with `model_id`; unknown models are NOT_FOUND. */
  logMetrics(projectId: string, metrics: ModelMetric[]): Promise<void>;
  search(
    projectId: string,
    search: LoggedModelSearch,
  ): Promise<{ models: LoggedModelRecord[]; nextPageToken?: string }>;
  /** The models a run produced (outputs) or used (inputs). */
  modelsOfRun(projectId: string, runId: string): Promise<LoggedModelRecord[]>;
  logInputs(projectId: string, runId: string, datasets: DatasetInput[], models: string[]): Promise<void>;
  logOutputs(projectId: string, runId: string, models: { modelId: string; step: number }[]): Promise<void>;
  runIo(projectId: string, runIds: readonly string[]): Promise<Map<string, RunIo>>;
  /** Each dataset runs of these experiments used, once per context it was used in. */
  searchDatasets(
    projectId: string,
    experimentIds: string[],
  ): Promise<(DatasetRecord & { context: string | null })[]>;
}
