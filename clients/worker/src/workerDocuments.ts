/** What an activity's `ctx.run.logMetric` sends; named so it shows as such in traces and logs. */
export const LOG_METRICS_DOCUMENT =
  'mutation WorkerLogMetrics($runId: ID!, $metrics: [MetricInput!]) { logBatch(runId: $runId, metrics: $metrics) { id } }';

/**
 * Every GraphQL document the worker sends itself. The router registers them as trusted, with the
 * generated client's, so workers run against a router that accepts trusted documents only.
 */
export const WORKER_DOCUMENTS: readonly string[] = [LOG_METRICS_DOCUMENT];
