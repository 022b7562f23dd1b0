export { createMetrics, type JarvisMetrics, type MetricsOptions } from './createMetrics.ts';
export { metricsPlugin } from './metricsPlugin.ts';
