import { createHash } from 'node:crypto';
import type { MetricDefinition } from '../store/records.ts';

/** The datasource every panel reads: the Prometheus that scrapes Jarvis (uid fixed by the provisioning file). */
export const PROMETHEUS_DATASOURCE = { type: 'prometheus', uid: 'jarvis-prometheus' } as const;

export interface Panel {
  id: number;
  type: 'timeseries' | 'stat' | 'barchart';
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: typeof PROMETHEUS_DATASOURCE;
  targets: { refId: string; expr: string; legendFormat?: string; datasource: typeof PROMETHEUS_DATASOURCE }[];
  fieldConfig: { defaults: Record<string, unknown>; overrides: unknown[] };
  options: Record<string, unknown>;
}

export interface GrafanaDashboard {
  uid: string;
  title: string;
  tags: string[];
  timezone: string;
  schemaVersion: number;
  version: number;
  editable: boolean;
  refresh: string;
  time: { from: string; to: string };
  templating: { list: unknown[] };
  annotations: { list: unknown[] };
  panels: Panel[];
}

type PanelSpec = {
  title: string;
  description?: string;
  exprs: { expr: string; legend?: string }[];
  type?: Panel['type'];
};

/** Grafana's dashboard JSON model (schemaVersion 39) with panels laid out two per row. */
export function grafanaDashboard(title: string, tags: string[], specs: PanelSpec[]): GrafanaDashboard {
  return {
    // Grafana uids are at most 40 characters; the title makes it stable, so pushing again updates.
    uid: `jarvis-${createHash('sha256').update(title).digest('hex').slice(0, 24)}`,
    title,
    tags: ['jarvis', ...tags],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    editable: true,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: { list: [] },
    annotations: { list: [] },
    panels: specs.map((spec, i) => ({
      id: i + 1,
      type: spec.type ?? 'timeseries',
      title: spec.title,
      ...(spec.description ? { description: spec.description } : {}),
      gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
      datasource: PROMETHEUS_DATASOURCE,
      targets: spec.exprs.map((e, j) => ({
        refId: String.fromCharCode(65 + j),
        expr: e.expr,
        ...(e.legend ? { legendFormat: e.legend } : {}),
        datasource: PROMETHEUS_DATASOURCE,
      })),
      fieldConfig: { defaults: {}, overrides: [] },
      options: { legend: { displayMode: 'list', placement: 'bottom' } },
    })),
  };
}

/** How a metric is best drawn: a gauge as is, a counter as a rate, a histogram as its p50/p95. */
export function metricPanel(
  definition: Pick<MetricDefinition, 'name' | 'type' | 'help' | 'labelNames'>,
): PanelSpec {
  const by = definition.labelNames.length ? ` by (${definition.labelNames.join(', ')})` : '';
  const legend = definition.labelNames.map((l) => `{{${l}}}`).join(' ') || undefined;
  if (definition.type === 'COUNTER')
    return {
      title: `${definition.name} (per second)`,
      description: definition.help,
      exprs: [{ expr: `sum${by} (rate(${definition.name}[5m]))`, legend }],
    };
  if (definition.type === 'HISTOGRAM') {
    const grouped = ['le', ...definition.labelNames].join(', ');
    return {
      title: `${definition.name} p50 / p95`,
      description: definition.help,
      exprs: [0.5, 0.95].map((q) => ({
        expr: `histogram_quantile(${q}, sum by (${grouped}) (rate(${definition.name}_bucket[5m])))`,
        legend: `p${q * 100}${legend ? ` ${legend}` : ''}`,
      })),
    };
  }
  return { title: definition.name, description: definition.help, exprs: [{ expr: definition.name, legend }] };
}

/** A component's dashboard: the metrics it logs, then its workflows' outcomes. */
export function componentDashboard(
  component: string,
  definitions: MetricDefinition[],
  title?: string,
): GrafanaDashboard {
  const c = JSON.stringify(component);
  return grafanaDashboard(
    title ?? `Jarvis · ${component}`,
    [`component:${component}`],
    [
      ...definitions.map(metricPanel),
      {
        title: 'Workflow runs by outcome (per hour)',
        exprs: [
          {
            expr: `sum by (workflow, status) (increase(jarvis_workflow_runs_total{component=${c}}[1h]))`,
            legend: '{{workflow}} {{status}}',
          },
        ],
        type: 'barchart',
      },
      {
        title: 'Failed workflow runs (last 24 h)',
        exprs: [
          {
            expr: `sum(increase(jarvis_workflow_runs_total{component=${c},status=~"FAILED|TIMED_OUT"}[24h]))`,
          },
        ],
        type: 'stat',
      },
    ],
  );
}

/** An experiment's dashboard: how much its runs log, and the workflow outcomes around it. */
export function experimentDashboard(experiment: string, title?: string): GrafanaDashboard {
  return grafanaDashboard(
    title ?? `Jarvis · experiment ${experiment}`,
    [`experiment:${experiment}`],
    [
      {
        title: 'Run metric points logged (per second)',
        exprs: [{ expr: 'sum(rate(jarvis_run_metric_points_total[5m]))' }],
      },
      {
        title: 'Workflow runs by outcome (per hour)',
        exprs: [
          {
            expr: 'sum by (workflow, status) (increase(jarvis_workflow_runs_total[1h]))',
            legend: '{{workflow}} {{status}}',
          },
        ],
        type: 'barchart',
      },
    ],
  );
}

/** Jarvis itself: traffic, errors and latency by service, workflows, storage, backends. */
export function overviewDashboard(): GrafanaDashboard {
  return grafanaDashboard(
    'Jarvis · overview',
    ['overview'],
    [
      {
        title: 'GraphQL operations per second',
        exprs: [
          { expr: 'sum by (service) (rate(jarvis_graphql_requests_total[5m]))', legend: '{{service}}' },
        ],
      },
      {
        title: 'GraphQL errors by code',
        exprs: [{ expr: 'sum by (code) (rate(jarvis_graphql_errors_total[5m]))', legend: '{{code}}' }],
      },
      {
        title: 'GraphQL p95 latency',
        exprs: [
          {
            expr: 'histogram_quantile(0.95, sum by (le, service) (rate(jarvis_graphql_request_duration_seconds_bucket[5m])))',
            legend: '{{service}}',
          },
        ],
      },
      {
        title: 'Workflow runs by outcome',
        exprs: [{ expr: 'sum by (status) (increase(jarvis_workflow_runs_total[1h]))', legend: '{{status}}' }],
        type: 'barchart',
      },
      {
        title: 'Artifact bytes per second',
        exprs: [
          { expr: 'sum by (direction) (rate(jarvis_artifact_bytes_total[5m]))', legend: '{{direction}}' },
        ],
      },
      { title: 'Open subscriptions', exprs: [{ expr: 'sum(jarvis_open_subscriptions)' }], type: 'stat' },
      { title: 'Backends up', exprs: [{ expr: 'jarvis_backend_up', legend: '{{backend}}' }] },
      {
        title: 'Backend latency',
        exprs: [{ expr: 'jarvis_backend_latency_seconds', legend: '{{backend}}' }],
      },
    ],
  );
}
