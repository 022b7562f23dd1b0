import type { Connection } from '@jarvis/subgraph';
import type {
  ExperimentRecord,
  MetricPoint,
  ModelVersionRecord,
  RegisteredModelRecord,
  RunRecord,
} from './records.ts';
import type { LoggedModelRecord, ModelMetric, RunIo } from './store/loggedModelStore.ts';
import type { AssessmentRecord, TraceRecord } from './store/traceStore.ts';
import type { OtlpSpan } from './tracing/otlpSpans.ts';

// The records resolvers receive for each GraphQL type (codegen's `mappers`).
export type { ExperimentRecord, MetricPoint, ModelVersionRecord, RegisteredModelRecord, RunRecord };

/** A page of a search: its items, and a count made only if `totalCount` is asked for. */
export interface CountedPage<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: Connection<T>['pageInfo'];
  count(): Promise<number>;
}
export type ExperimentPageRecord = CountedPage<ExperimentRecord>;
export type RunPageRecord = CountedPage<RunRecord>;

// What each GraphQL type resolves from: codegen finds `<Type>Mapper` here by name.
export type ExperimentMapper = ExperimentRecord;
export type RunMapper = RunRecord;
export type RegisteredModelMapper = RegisteredModelRecord;
export type ModelVersionMapper = ModelVersionRecord;
export type ExperimentConnectionMapper = ExperimentPageRecord;
export type RunConnectionMapper = RunPageRecord;
export type LoggedModelMapper = LoggedModelRecord;
export type LoggedModelMetricMapper = ModelMetric;
export type TraceMapper = TraceRecord;
export type AssessmentMapper = AssessmentRecord;
export type SpanMapper = OtlpSpan;
/** A logMetrics call's outcome; its run is read only when asked for. */
export type MetricsLoggedMapper = { points: number; runId: string };
export type DatasetInputMapper = RunIo['datasetInputs'][number];
