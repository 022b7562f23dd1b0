import { createHash } from 'node:crypto';
import type { MetricDefinition } from '../records.ts';

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
  /** Grafana draws the panel once per selected value of this dashboard variable. */
  repeat?: string;
  repeatDirection?: 'h' | 'v';
  maxPerRow?: number;
}

/** A dashboard variable whose values come from a Prometheus label (`label_values`). */
export interface QueryVariable {
  name: string;
  label: string;
  type: 'query';
  datasource: typeof PROMETHEUS_DATASOURCE;
  definition: string;
  query: string;
  refresh: 1 | 2;
  multi: boolean;
  includeAll: boolean;
  current: Record<string, never>;
  sort: number;
  hide: 0;
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
  templating: { list: QueryVariable[] };
  annotations: { list: unknown[] };
  panels: Panel[];
}

type PanelSpec = {
  title: string;
  description?: string;
  exprs: { expr: string; legend?: string }[];
  type?: Panel['type'];
  /** Grid columns (of 24); 12 unless set. */
  width?: number;
  /** Repeat the panel for each value of this variable (two per row). */
  repeat?: string;
};

/** Lays panels out left to right, wrapping at Grafana's 24 columns; every panel is 8 rows tall. */
function layout(specs: PanelSpec[]): Panel['gridPos'][] {
  let x = 0;
  let y = 0;
  return specs.map((spec) => {
    const w = spec.width ?? 12;
    if (x + w > 24) {
      x = 0;
      y += 8;
    }
    const at = { x, y, w, h: 8 };
    x += w;
    return at;
  });
}

/** A `label_values` variable over Jarvis's Prometheus, every value selected by default. */
export function labelValuesVariable(name: string, label: string, selector: string): QueryVariable {
  const query = `label_values(${selector}, ${name})`;
  return {
    name,
    label,
    type: 'query',
    datasource: PROMETHEUS_DATASOURCE,
    definition: query,
    query,
    // Metrics appear as runs log them, so the values are refreshed with the time range.
    refresh: 2,
    multi: true,
    includeAll: true,
    current: {},
    sort: 1,
    hide: 0,
  };
}

/** Grafana's dashboard JSON model (schemaVersion 39) with panels laid out two per row. */
export function grafanaDashboard(
  title: string,
  tags: string[],
  specs: PanelSpec[],
  variables: QueryVariable[] = [],
): GrafanaDashboard {
  const grid = layout(specs);
  return {
    // Grafana uids are at most 40 characters; title and tags (project included) make it stable,
    // so pushing again updates the same dashboard, and two projects' never collide.
    uid: `jarvis-${createHash('sha256')
      .update([title, ...tags].join('\n'))
      .digest('hex')
      .slice(0, 24)}`,
    title,
    tags: ['jarvis', ...tags],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    editable: true,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: { list: variables },
    annotations: { list: [] },
    panels: specs.map((spec, i) => ({
      id: i + 1,
      type: spec.type ?? 'timeseries',
      title: spec.title,
      ...(spec.description ? { description: spec.description } : {}),
      gridPos: grid[i]!,
      datasource: PROMETHEUS_DATASOURCE,
      targets: spec.exprs.map((e, j) => ({
        refId: String.fromCharCode(65 + j),
        expr: e.expr,
        ...(e.legend ? { legendFormat: e.legend } : {}),
        datasource: PROMETHEUS_DATASOURCE,
      })),
      fieldConfig: { defaults: {}, overrides: [] },
      options: { legend: { displayMode: 'list', placement: 'bottom' } },
      ...(spec.repeat ? { repeat: spec.repeat, repeatDirection: 'h' as const, maxPerRow: 2 } : {}),
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

/**
 * The selector for an experiment's live runs. Exported so tests can run the dashboard's own
 * queries against Prometheus.
 */
export function liveRunSelector(project: string, experiment: string, extra = ''): string {
  return `jarvis_run_metric_latest{project=${JSON.stringify(project)},experiment=${JSON.stringify(experiment)}${extra}}`;
}

/**
 * An experiment's dashboard: one panel per metric its runs log (a line per run, from
 * `jarvis_run_metric_latest`, so runs logging now and just ended), how many are logging, and the
 * workflow outcomes around it. Finished runs' full histories stay in the experiments subgraph.
 */
export function experimentDashboard(project: string, experiment: string, title?: string): GrafanaDashboard {
  const runs = liveRunSelector(project, experiment);
  return grafanaDashboard(
    title ?? `Jarvis · experiment ${experiment}`,
    [`experiment:${experiment}`, `project:${project}`],
    [
      {
        title: '$key',
        description: `The latest value each run of ${experiment} logged, one line per run.`,
        // max over replicas: a run's batches may be logged through any of them.
        exprs: [
          {
            expr: `max by (run, run_name) (${liveRunSelector(project, experiment, ',key="$key"')})`,
            legend: '{{run_name}}',
          },
        ],
        width: 24,
        repeat: 'key',
      },
      {
        title: 'Runs logging',
        exprs: [{ expr: `count(count by (run) (${runs}))` }],
        type: 'stat',
      },
      {
        title: 'Run metric points logged, all experiments (per second)',
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
    [labelValuesVariable('key', 'Metric', runs)],
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
