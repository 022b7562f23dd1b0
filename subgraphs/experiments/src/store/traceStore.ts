import type { OtlpSpan } from '../tracing/otlpSpans.ts';

/**
 * MLflow 3's traces: one record per trace (`tr-<32 hex>`, the OpenTelemetry trace id), its
 * spans as OTLP sent them. Spans may arrive before the trace's info (the Python client sends
 * each span to /v1/traces as it ends and the info last), so either write creates the record.
 */
export type TraceState = 'OK' | 'ERROR' | 'IN_PROGRESS' | 'STATE_UNSPECIFIED';
export const TRACE_STATES: readonly TraceState[] = ['OK', 'ERROR', 'IN_PROGRESS', 'STATE_UNSPECIFIED'];

/** Where a trace's spans are: MLflow's tag, which tells clients not to look in artifacts. */
export const SPANS_LOCATION_TAG = 'mlflow.trace.spansLocation';

/**
 * A judgement on a trace (MLflow's assessments): a feedback (`log_feedback`: a score, a label, an
 * error) or an expectation (`log_expectation`: the right answer), from a human, a judge or code.
 * `content` is MLflow's Assessment JSON without its id, trace and times.
 */
export interface AssessmentRecord {
  id: string;
  traceId: string;
  content: Record<string, unknown>;
  creationTime: number;
  lastUpdateTime: number;
}

export interface TraceRecord {
  id: string;
  experimentId: string;
  clientRequestId: string | null;
  /** Milliseconds since the epoch. */
  requestTime: number;
  /** Milliseconds, once the root span has ended. */
  executionDuration: number | null;
  state: TraceState;
  requestPreview: string | null;
  responsePreview: string | null;
  metadata: Record<string, string>;
  tags: Record<string, string>;
  assessments: AssessmentRecord[];
}

export interface TraceInfoInput {
  id: string;
  experimentId: string;
  clientRequestId?: string | undefined;
  requestTime: number;
  executionDuration?: number | undefined;
  state: TraceState;
  requestPreview?: string | undefined;
  responsePreview?: string | undefined;
  metadata: Record<string, string>;
  tags: Record<string, string>;
}

export interface TraceSearch {
  experimentIds: string[];
  /** MLflow's trace filter: `status = 'OK'`, `tags.k = 'v'`, `metadata.k = 'v'`, `timestamp_ms > 1`. */
  filter?: string | undefined;
  orderBy?: string[] | undefined;
  maxResults: number;
  pageToken?: string | undefined;
}

export interface TraceStore {
  /** Spans of one or more traces into an experiment; resolves to the ids of the traces touched. */
  logSpans(projectId: string, experimentId: string, spans: OtlpSpan[], runId?: string): Promise<string[]>;
  /** The trace's info as the client has it when the trace ends; merged into what spans made. */
  startTrace(projectId: string, info: TraceInfoInput): Promise<TraceRecord>;
  get(projectId: string, id: string): Promise<TraceRecord | undefined>;
  getMany(projectId: string, ids: readonly string[]): Promise<TraceRecord[]>;
  /** Spans by trace, in start order. */
  spans(projectId: string, ids: readonly string[]): Promise<Map<string, OtlpSpan[]>>;
  setTag(projectId: string, id: string, key: string, value: string): Promise<void>;
  deleteTag(projectId: string, id: string, key: string): Promise<void>;
  addAssessment(
    projectId: string,
    traceId: string,
    content: Record<string, unknown>,
  ): Promise<AssessmentRecord>;
  /**
   * The assessment's content replaced by what `change` makes of the current one, under the
   * row's lock: two updates at once apply one after the other, neither loses the other's
   * fields. NOT_FOUND if gone; an error `change` throws changes nothing.
   */
  updateAssessment(
    projectId: string,
    traceId: string,
    id: string,
    change: (current: AssessmentRecord) => Record<string, unknown>,
  ): Promise<AssessmentRecord>;
  deleteAssessment(projectId: string, traceId: string, id: string): Promise<void>;
  /** Records the run the traces belong to (MLflow's `mlflow.sourceRun` metadata). */
  linkToRun(projectId: string, ids: string[], runId: string): Promise<void>;
  search(projectId: string, search: TraceSearch): Promise<{ traces: TraceRecord[]; nextPageToken?: string }>;
  /** By ids, or the oldest first up to `maxTraces` older than `maxTimestamp`; resolves to how many. */
  delete(
    projectId: string,
    experimentId: string,
    which: { ids?: string[]; maxTimestamp?: number; maxTraces?: number },
  ): Promise<number>;
}
