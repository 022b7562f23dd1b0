import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface JarvisMetrics {
  registry: Registry;
  graphqlRequests: Counter<'service' | 'operation' | 'type' | 'status'>;
  graphqlDuration: Histogram<'service' | 'operation' | 'type'>;
  graphqlErrors: Counter<'service' | 'operation' | 'code'>;
  httpRequests: Counter<'route' | 'method' | 'status'>;
  /** Bounded label for an operation name: names past the cap are counted as `other`. */
  operationLabel(name: string | null | undefined): string;
}

export interface MetricsOptions {
  /** How many distinct operation names get their own label before the rest become `other`. */
  maxOperationNames?: number;
  defaultMetrics?: boolean;
}

/** One registry per process; every server in the process registers on it. */
export function createMetrics(options: MetricsOptions = {}): JarvisMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const maxNames = options.maxOperationNames ?? 200;
  const seen = new Set<string>();
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
    operationLabel(name) {
      if (!name) return 'anonymous';
      if (seen.has(name)) return name;
      if (seen.size >= maxNames || !/^[_A-Za-z][_0-9A-Za-z]{0,99}$/.test(name)) return 'other';
      seen.add(name);
      return name;
    },
  };
}
