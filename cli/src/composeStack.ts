import { overviewDashboard, PROMETHEUS_DATASOURCE } from '@jarvis/subgraph-analytics';
import { stringify } from 'yaml';

export interface ComposeFiles {
  'docker-compose.yml': string;
  'deploy/jarvis.yaml': string;
  'deploy/prometheus.yml': string;
  'deploy/grafana/provisioning/datasources/jarvis.yml': string;
  'deploy/grafana/provisioning/dashboards/jarvis.yml': string;
  'deploy/grafana/dashboards/jarvis-overview.json': string;
}

/**
 * The production-like stack: every engine, the router and each subgraph in its own container
 * (`jarvis serve <name>`), all sharing one jarvis.yaml that points at the engines.
 */
export function composeStack(subgraphs: string[]): ComposeFiles {
  const jarvisService = (command: string[], extra: Record<string, unknown> = {}) => ({
    build: '.',
    image: 'jarvis-core:local',
    command,
    environment: {
      JARVIS_CONFIG: '/app/deploy/jarvis.yaml',
      POSTGRES_PASSWORD: '${POSTGRES_PASSWORD:-jarvis}',
      MINIO_ROOT_PASSWORD: '${MINIO_ROOT_PASSWORD:-jarvis-minio}',
      // The router signs who is calling for the subgraphs with it: no default, it must be yours.
      JARVIS_INTERNAL_SECRET:
        '${JARVIS_INTERNAL_SECRET:?set JARVIS_INTERNAL_SECRET, e.g. openssl rand -base64 32}',
      // Seals users' drive credentials in the database: it must outlive any one container.
      JARVIS_DRIVES_SECRET_KEY:
        '${JARVIS_DRIVES_SECRET_KEY:?set JARVIS_DRIVES_SECRET_KEY, e.g. openssl rand -base64 32}',
    },
    volumes: ['./deploy:/app/deploy:ro'],
    restart: 'unless-stopped',
    ...extra,
  });
  const subgraphServices = Object.fromEntries(
    subgraphs.map((name) => [
      name,
      jarvisService(['serve', name], {
        depends_on: { postgres: { condition: 'service_healthy' }, redis: { condition: 'service_started' } },
      }),
    ]),
  );
  const compose = {
    name: 'jarvis',
    services: {
      postgres: {
        image: 'postgres:15',
        environment: {
          POSTGRES_USER: 'jarvis',
          POSTGRES_PASSWORD: '${POSTGRES_PASSWORD:-jarvis}',
          POSTGRES_DB: 'jarvis',
        },
        volumes: ['postgres-data:/var/lib/postgresql/data'],
        healthcheck: { test: ['CMD', 'pg_isready', '-U', 'jarvis'], interval: '5s', retries: 10 },
      },
      redis: { image: 'redis:7' },
      minio: {
        image: 'minio/minio:latest',
        command: 'server /data --console-address :9001',
        environment: {
          MINIO_ROOT_USER: 'jarvis',
          MINIO_ROOT_PASSWORD: '${MINIO_ROOT_PASSWORD:-jarvis-minio}',
        },
        volumes: ['minio-data:/data'],
      },
      temporal: {
        image: 'temporalio/temporal:1.5.1',
        command: ['server', 'start-dev', '--ip', '0.0.0.0', '--db-filename', '/data/temporal.db'],
        volumes: ['temporal-data:/data'],
      },
      mlflow: {
        image: 'ghcr.io/mlflow/mlflow:v3.17.2',
        command:
          'mlflow server --host 0.0.0.0 --port 5000 --backend-store-uri sqlite:////mlflow/mlflow.db --artifacts-destination /mlflow/artifacts',
        volumes: ['mlflow-data:/mlflow'],
      },
      prometheus: {
        image: 'prom/prometheus:latest',
        ports: ['9090:9090'],
        volumes: [
          './deploy/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
          './deploy/prometheus-api-key:/etc/prometheus/jarvis-api-key:ro',
        ],
      },
      grafana: {
        image: 'grafana/grafana:latest',
        ports: ['3000:3000'],
        environment: { GF_SECURITY_ADMIN_PASSWORD: '${GRAFANA_ADMIN_PASSWORD:-admin}' },
        volumes: [
          'grafana-data:/var/lib/grafana',
          './deploy/grafana/provisioning:/etc/grafana/provisioning:ro',
          './deploy/grafana/dashboards:/var/lib/grafana/dashboards/jarvis:ro',
        ],
      },
      router: jarvisService(['serve', 'router'], {
        ports: ['4000:4000'],
        depends_on: Object.fromEntries(subgraphs.map((s) => [s, { condition: 'service_started' }])),
      }),
      ...subgraphServices,
    },
    volumes: {
      'postgres-data': {},
      'minio-data': {},
      'temporal-data': {},
      'mlflow-data': {},
      'grafana-data': {},
    },
  };
  const jarvisYaml = {
    server: {
      host: '0.0.0.0',
      port: 4000,
      subgraphs: Object.fromEntries(subgraphs.map((s) => [s, `http://${s}:4000/graphql`])),
    },
    // A stack on a network authenticates: API keys (`jarvis keys create`), or add `mode: oidc`.
    auth: { mode: 'keys', internal_secret: '${JARVIS_INTERNAL_SECRET}' },
    database: { url: 'postgres://jarvis:${POSTGRES_PASSWORD}@postgres:5432/jarvis' },
    pubsub: { type: 'redis', url: 'redis://redis:6379' },
    services: {
      storage: {
        type: 's3',
        endpoint: 'http://minio:9000',
        access_key: 'jarvis',
        secret_key: '${MINIO_ROOT_PASSWORD}',
      },
      experiment: { type: 'native' },
      workflow: { type: 'temporal', endpoint: 'temporal:7233', namespace: 'default' },
      analytics: { type: 'prometheus', endpoint: 'http://prometheus:9090', dashboard: 'http://grafana:3000' },
      drives: { secret_key: '${JARVIS_DRIVES_SECRET_KEY}' },
    },
  };
  const prometheus = {
    global: { scrape_interval: '15s' },
    scrape_configs: [
      // Inside the stack's network only; their ports are not published.
      { job_name: 'jarvis-subgraphs', static_configs: [{ targets: subgraphs.map((s) => `${s}:4000`) }] },
      {
        // The router's /metrics takes a key with platform:read, in deploy/prometheus-api-key
        // (`jarvis keys create --name prometheus --role viewer --scopes platform:read`).
        job_name: 'jarvis-router',
        authorization: { type: 'Bearer', credentials_file: '/etc/prometheus/jarvis-api-key' },
        static_configs: [{ targets: ['router:4000'] }],
      },
    ],
  };
  const header = '# Generated by `jarvis compose`. Regenerate rather than edit.\n';
  return {
    'docker-compose.yml': header + stringify(compose),
    'deploy/jarvis.yaml': header + stringify(jarvisYaml),
    'deploy/prometheus.yml': header + stringify(prometheus),
    // Grafana reads the Prometheus datasource (the uid createDashboard's panels name) and Jarvis's
    // overview dashboard at start; dashboards made with createDashboard are pushed over its API.
    'deploy/grafana/provisioning/datasources/jarvis.yml':
      header +
      stringify({
        apiVersion: 1,
        datasources: [
          {
            name: 'Prometheus',
            uid: PROMETHEUS_DATASOURCE.uid,
            type: PROMETHEUS_DATASOURCE.type,
            access: 'proxy',
            url: 'http://prometheus:9090',
            isDefault: true,
          },
        ],
      }),
    'deploy/grafana/provisioning/dashboards/jarvis.yml':
      header +
      stringify({
        apiVersion: 1,
        providers: [
          {
            name: 'jarvis',
            folder: 'Jarvis',
            type: 'file',
            options: { path: '/var/lib/grafana/dashboards/jarvis' },
          },
        ],
      }),
    'deploy/grafana/dashboards/jarvis-overview.json': `${JSON.stringify(overviewDashboard(), null, 2)}\n`,
  };
}
