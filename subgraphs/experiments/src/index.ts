export {
  type Comparator,
  type EntityType,
  type FilterClause,
  FilterSyntaxError,
  type OrderClause,
  parseOrderBy,
  parseRunFilter,
  RUN_ATTRIBUTES,
} from './search/runFilter.ts';
export { ExperimentsService } from './service.ts';
export { checkBatch, LIMITS } from './store/limits.ts';
export { experimentsMigrations } from './store/migrations.ts';
export { mlflowModelRegistry } from './store/mlflowModelRegistry.ts';
export { mlflowTrackingStore } from './store/mlflowTrackingStore.ts';
export type {
  ModelRegistry,
  ModelVersionRecord,
  RegisteredModelRecord,
} from './store/modelRegistry.ts';
export { nativeModelRegistry } from './store/nativeModelRegistry.ts';
export { nativeTrackingStore } from './store/nativeTrackingStore.ts';
export type {
  ExperimentRecord,
  LogBatch,
  MetricPoint,
  RunRecord,
  RunStatus,
  TrackingStore,
} from './store/trackingStore.ts';
export { subgraph } from './subgraph.ts';
export { entityQueries, runTopic, subscriptionFields } from './subscriptions.ts';
