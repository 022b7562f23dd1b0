import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { createLiveRunMetrics, type LiveRunMetrics } from './liveRunMetrics.ts';

export interface JarvisMetrics {
  registry: Registry;
  graphqlRequests: Counter<'service' | 'operation' | 'type' | 'status'>;
  graphqlDuration: Histogram<'service' | 'operation' | 'type'>;
  graphqlErrors: Counter<'service' | 'operation' | 'code'>;
  httpRequests: Counter<'route' | 'method' | 'status'>;
  /** Workflow runs that reached a final status. */
  workflowRuns: Counter<'workflow' | 'component' | 'status'>;
  /** Step attempts that ended, by outcome (completed, failed, retrying, cancelled). */
  workflowSteps: Counter<'workflow' | 'outcome'>;
  /** Artifact bytes stored (in) and served (out). */
  artifactBytes: Counter<'direction' | 'kind'>;
  /** Metric points logged to experiment runs (GraphQL, the MLflow API, workers alike). */
  runMetricPoints: Counter;
  /** Runs of background jobs, by job and outcome (ok, failed). */
  jobRuns: Counter<'job' | 'outcome'>;
  jobDuration: Histogram<'job'>;
  /** The latest values of runs logging now (`jarvis_run_metric_latest`), for experiment dashboards. */
  liveRuns: LiveRunMetrics;
  /** Open GraphQL subscriptions, by service; set by whoever serves them (a collect callback). */
  openSubscriptions: Gauge<'service'>;
  /** Backends as the health checks see them, measured when /metrics is scraped. */
  backendUp: Gauge<'backend'>;
  backendLatency: Gauge<'backend'>;
  /** Bounded label for an operation name: names past the cap are counted as `other`. */
  operationLabel(name: string | null | undefined): string;
  /**
   * A label value that stays bounded: the first 200 distinct values of a dimension (workflow
   * names, components) are kept, later ones are counted as `other`.
   */
  boundedLabel(dimension: string, value: string | null | undefined): string;
}

export interface MetricsOptions {
  /** How many distinct operation names get their own label before the rest become `other`. */
  maxOperationNames?: number;
  defaultMetrics?: boolean;
  /** Cap on `jarvis_run_metric_latest` series (run × key). */
  maxRunSeries?: number;
}

/** One registry per process; every server in the process registers on it. */
export function createMetrics(options: MetricsOptions = {}): JarvisMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const maxNames = options.maxOperationNames ?? 200;
  const seen = new Set<string>();
  const dimensions = new Map<string, Set<string>>();
  return {
    registry,
    graphqlRequests: new Counter({
      name: 'jarvis_graphql_requests_total',
      help: 'GraphQL operations executed, by service, operation name, type and outcome.',
      labelNames: ['service', 'operation', 'type', 'status'],
      registers: [registry],
    }),
    graphqlDuration: new Histogram({
      name: 'jarvis_graphql_request_duration_seconds',
      help: 'Time from receiving a GraphQL operation to sending its response.',
      labelNames: ['service', 'operation', 'type'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    graphqlErrors: new Counter({
      name: 'jarvis_graphql_errors_total',
      help: 'Errors returned in GraphQL responses, by extensions.code.',
      labelNames: ['service', 'operation', 'code'],
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'jarvis_http_requests_total',
      help: 'HTTP requests answered, by route (never by raw path), method and status.',
      labelNames: ['route', 'method', 'status'],
      registers: [registry],
    }),
    workflowRuns: new Counter({
      name: 'jarvis_workflow_runs_total',
      help: 'Workflow runs that reached a final status (COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT).',
      labelNames: ['workflow', 'component', 'status'],
      registers: [registry],
    }),
    workflowSteps: new Counter({
      name: 'jarvis_workflow_steps_total',
      help: 'Workflow step attempts that ended, by outcome.',
      labelNames: ['workflow', 'outcome'],
      registers: [registry],
    }),
    artifactBytes: new Counter({
      name: 'jarvis_artifact_bytes_total',
      help: 'Artifact bytes stored (direction="in") and served (direction="out").',
      labelNames: ['direction', 'kind'],
      registers: [registry],
    }),
    runMetricPoints: new Counter({
      name: 'jarvis_run_metric_points_total',
      help: 'Metric points logged to experiment runs.',
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: 'jarvis_job_runs_total',
      help: 'Runs of background jobs (garbage collection, pruning, alert evaluation, …), by outcome.',
      labelNames: ['job', 'outcome'],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'jarvis_job_duration_seconds',
      help: 'How long a background job run took.',
      labelNames: ['job'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
      registers: [registry],
    }),
    liveRuns: createLiveRunMetrics({ registry, maxSeries: options.maxRunSeries }),
    openSubscriptions: new Gauge({
      name: 'jarvis_open_subscriptions',
      help: 'GraphQL subscriptions open right now.',
      labelNames: ['service'],
      registers: [registry],
    }),
    backendUp: new Gauge({
      name: 'jarvis_backend_up',
      help: '1 when the backend answered its health check at scrape time, else 0.',
      labelNames: ['backend'],
      registers: [registry],
    }),
    backendLatency: new Gauge({
      name: 'jarvis_backend_latency_seconds',
      help: "Time the backend's health check took at scrape time.",
      labelNames: ['backend'],
      registers: [registry],
    }),
    boundedLabel(dimension, value) {
      if (!value) return 'none';
      let values = dimensions.get(dimension);
      if (!values) {
        values = new Set();
        dimensions.set(dimension, values);
      }
      if (values.has(value)) return value;
      if (values.size >= maxNames || value.length > 100) return 'other';
      values.add(value);
      return value;
    },
    operationLabel(name) {
      if (!name) return 'anonymous';
      if (seen.has(name)) return name;
      if (seen.size >= maxNames || !/^[_A-Za-z][_0-9A-Za-z]{0,99}$/.test(name)) return 'other';
      seen.add(name);
      return name;
    },
  };
}
