import type { ModelVersionRecord, RegisteredModelRecord } from './store/modelRegistry.ts';
import type { ExperimentRecord, MetricPoint, RunRecord } from './store/trackingStore.ts';

// The records resolvers receive for each GraphQL type (codegen's `mappers`).
export type { ExperimentRecord, MetricPoint, ModelVersionRecord, RegisteredModelRecord, RunRecord };
