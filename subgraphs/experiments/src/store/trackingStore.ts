/**
 * Experiment tracking behind one interface, in MLflow's terms (ids, millisecond times, latest
 * metrics), so the native store and an existing MLflow server are interchangeable. One contract
 * suite (test/trackingStoreContract.ts) runs against every implementation.
 */
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
/** A run in one of these has ended: nothing more may be logged to it. */
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['FINISHED', 'FAILED', 'KILLED'];
export type LifecycleStage = 'active' | 'deleted';

export interface ExperimentRecord {
  id: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: LifecycleStage;
  creationTime: number;
  lastUpdateTime: number;
  tags: Record<string, string>;
}

export interface MetricPoint {
  key: string;
  value: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  step: number;
}

export interface RunRecord {
  id: string;
  experimentId: string;
  name: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  lifecycleStage: LifecycleStage;
  artifactUri: string;
  /** The latest point of each metric (highest step, then timestamp, then value). */
  metrics: MetricPoint[];
  params: Record<string, string>;
  tags: Record<string, string>;
}

/** A point as logged: MLflow 3 may link it to a logged model and the dataset it was measured on. */
export interface LoggedPoint extends MetricPoint {
  modelId?: string | undefined;
  datasetName?: string | null | undefined;
  datasetDigest?: string | null | undefined;
}

export interface LogBatch {
  metrics?: LoggedPoint[];
  params?: { key: string; value: string }[];
  tags?: { key: string; value: string }[];
}

export interface RunSearch {
  experimentIds: string[];
  /** MLflow search syntax, e.g. `metrics.acc > 0.9 and params.lr = '0.01'`. */
  filter?: string;
  /** e.g. `['metrics.acc DESC']`; ties and the default order are by start time, newest first. */
  orderBy?: string[];
  maxResults: number;
  /** Returned by the previous page. */
  pageToken?: string;
  /** Active runs unless told otherwise. */
  view?: ViewType;
}

export interface RunPage {
  runs: RunRecord[];
  nextPageToken: string | undefined;
  /** How many runs match in all, counted only when asked (`totalCount`). */
  count(): Promise<number>;
}

export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface ExperimentSearch {
  /** `name LIKE 'hockey%' and tags.team = 'vision'` (MLflow's experiment filter). */
  filter?: string;
  view?: ViewType;
  maxResults: number;
  pageToken?: string;
}

export interface ExperimentPage {
  experiments: ExperimentRecord[];
  nextPageToken: string | undefined;
  /** How many experiments match in all, counted only when asked (`totalCount`). */
  count(): Promise<number>;
}

export interface TrackingStore {
  readonly kind: 'native' | 'mlflow';
  /** `artifactLocation`: where its runs' artifacts go; under the artifact root when not given. */
  createExperiment(
    projectId: string,
    name: string,
    tags?: Record<string, string>,
    artifactLocation?: string,
  ): Promise<string>;
  getExperiment(projectId: string, id: string): Promise<ExperimentRecord | undefined>;
  getExperimentByName(projectId: string, name: string): Promise<ExperimentRecord | undefined>;
  renameExperiment(projectId: string, id: string, name: string): Promise<void>;
  setExperimentDeleted(projectId: string, id: string, deleted: boolean): Promise<void>;
  setExperimentTag(projectId: string, id: string, key: string, value: string): Promise<void>;
  /** NOT_FOUND when the experiment has no such tag. */
  deleteExperimentTag(projectId: string, id: string, key: string): Promise<void>;
  /** Newest first. */
  searchExperiments(projectId: string, search: ExperimentSearch): Promise<ExperimentPage>;
  createRun(
    projectId: string,
    run: { experimentId: string; name?: string; startTime?: number; tags?: Record<string, string> },
  ): Promise<RunRecord>;
  getRun(projectId: string, id: string): Promise<RunRecord | undefined>;
  /** The runs of these ids that exist in the project, in one round trip where the backend allows. */
  getRuns(projectId: string, ids: readonly string[]): Promise<RunRecord[]>;
  updateRun(
    projectId: string,
    id: string,
    update: { status?: RunStatus; endTime?: number; name?: string },
  ): Promise<RunRecord>;
  setRunDeleted(projectId: string, id: string, deleted: boolean): Promise<void>;
  deleteRunTag(projectId: string, runId: string, key: string): Promise<void>;
  /**
   * All or nothing: a batch over the limits or with one bad item is rejected whole. A batch
   * with an idempotency key already used for this run is not logged again; the same key for
   * another run is a CONFLICT. Resolves to the run's status, or undefined when the key had
   * already logged this batch.
   */
  logBatch(
    projectId: string,
    runId: string,
    batch: LogBatch,
    idempotencyKey?: string,
    /** Above MLflow's 1000 for logMetrics; the MLflow store sends such a batch in parts. */
    metricsPerBatch?: number,
  ): Promise<RunStatus | undefined>;
  /**
   * A metric's points by step. With `maxPoints`, at most that many, chosen as `downsample` does
   * (each bucket's lowest, highest and last point), wherever the store can do it cheapest.
   */
  metricHistory(projectId: string, runId: string, key: string, maxPoints?: number): Promise<MetricPoint[]>;
  /** Filter syntax errors are BAD_USER_INPUT naming the position. */
  searchRuns(projectId: string, search: RunSearch): Promise<RunPage>;
}
