export { createMetrics, type JarvisMetrics, type MetricsOptions } from './createMetrics.ts';
export {
  type HealthCheck,
  type HealthKind,
  HealthRegistry,
  type HealthResult,
  type HealthStatus,
} from './healthRegistry.ts';
export { metricsPlugin } from './metricsPlugin.ts';
