// The domain records of the experiments subgraph (what its stores return and resolvers receive).

export type {
  DatasetRecord,
  LoggedModelRecord,
  LoggedModelStatus,
  ModelMetric,
} from './store/loggedModelStore.ts';
export type { ModelVersionRecord, RegisteredModelRecord } from './store/modelRegistry.ts';
export type { TraceRecord, TraceState } from './store/traceStore.ts';
export type { ExperimentRecord, MetricPoint, RunRecord, RunStatus } from './store/trackingStore.ts';
