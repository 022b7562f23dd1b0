export { createMetrics, type JarvisMetrics, type MetricsOptions } from './createMetrics.ts';
export {
  type HealthCheck,
  type HealthKind,
  HealthRegistry,
  type HealthResult,
  type HealthStatus,
} from './healthRegistry.ts';
export { createLiveRunMetrics, type LiveRunMetrics, type RunSeriesLabels } from './liveRunMetrics.ts';
export { metricsPlugin } from './metricsPlugin.ts';
