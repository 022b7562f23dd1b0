import { gql, jarvisFromFile, testJarvis, waitFor } from '@jarvis/testkit';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { dashboardProblems } from '../src/index.ts';
import { grafanaHttpApi } from './fakes/grafanaHttpApi.ts';

type Fetch = (request: Request) => Promise<Response>;

async function ok<T>(fetch: Fetch, query: string, variables?: Record<string, unknown>): Promise<T> {
  const result = await gql<T>(fetch, query, variables);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data!;
}

const GAUGE = `mutation($value: Float!, $rink: String!) {
  logGauge(name: "rink_ice_temperature_celsius", value: $value, labels: { rink: $rink }, help: "Ice surface temperature", component: "spotlight") {
    name type help labels source component seriesCount } }`;

describe('analytics, embedded (no Prometheus)', () => {
  it('a component logs a gauge, a counter and a histogram; /metrics serves them and `metrics` lists them', async () => {
    await using jarvis = await testJarvis();
    const fetch = jarvis.router.fetch;
    const { logGauge } = await ok<{ logGauge: Record<string, unknown> }>(fetch, GAUGE, {
      value: -4.5,
      rink: 'north',
    });
    expect(logGauge).toEqual({
      name: 'rink_ice_temperature_celsius',
      type: 'GAUGE',
      help: 'Ice surface temperature',
      labels: ['rink'],
      source: 'COMPONENT',
      component: 'spotlight',
      seriesCount: 1,
    });
    await ok(
      fetch,
      'mutation { a: logCounter(name: "spotlight_frames_total", value: 300) { name } b: logCounter(name: "spotlight_frames_total") { name } }',
    );
    for (const v of [0.02, 0.04, 0.3])
      await ok(
        fetch,
        `mutation { logHistogram(name: "spotlight_frame_seconds", value: ${v}, buckets: [0.01, 0.05, 0.1, 0.5]) { name } }`,
      );

    const text = await (await fetch(new Request('http://jarvis.test/metrics'))).text();
    expect(text).toContain('# TYPE rink_ice_temperature_celsius gauge');
    expect(text).toContain('rink_ice_temperature_celsius{rink="north"} -4.5');
    expect(text).toContain('spotlight_frames_total 301');
    expect(text).toContain('spotlight_frame_seconds_bucket{le="0.05"} 2');
    expect(text).toContain('spotlight_frame_seconds_count 3');
    // Jarvis's own, next to them.
    expect(text).toMatch(
      /jarvis_graphql_requests_total\{service="router",operation="anonymous",type="mutation",status="ok"\} \d+/,
    );
    expect(text).toMatch(/jarvis_backend_up\{backend="database"\} 1/);
    // Per subgraph too, not only at the router.
    expect(text).toMatch(
      /jarvis_graphql_requests_total\{service="analytics",operation="\w+",type="mutation",status="ok"\} \d+/,
    );
    expect(text).toMatch(/jarvis_graphql_request_duration_seconds_bucket\{le="0.005",service="analytics"/);

    const { metrics } = await ok<{ metrics: { name: string; type: string; source: string }[] }>(
      fetch,
      '{ metrics(source: COMPONENT) { name type source } }',
    );
    expect(metrics).toEqual([
      { name: 'rink_ice_temperature_celsius', type: 'GAUGE', source: 'COMPONENT' },
      { name: 'spotlight_frame_seconds', type: 'HISTOGRAM', source: 'COMPONENT' },
      { name: 'spotlight_frames_total', type: 'COUNTER', source: 'COMPONENT' },
    ]);
    const own = await ok<{ metrics: { name: string; labels: string[] }[] }>(
      fetch,
      '{ metrics(prefix: "jarvis_graphql_requests") { name labels } }',
    );
    expect(own.metrics).toEqual([
      { name: 'jarvis_graphql_requests_total', labels: ['operation', 'service', 'status', 'type'] },
    ]);
  });

  it('bad names, labels, types and too many label sets are refused with what to do', async () => {
    await using jarvis = await testJarvis({ services: { analytics: { max_series_per_metric: 3 } } });
    const fetch = jarvis.router.fetch;
    const refused = async (
      query: string,
      extensions: Record<string, unknown>,
      message: RegExp,
      variables?: Record<string, unknown>,
    ) => {
      const { errors } = await gql(fetch, query, variables);
      expect(errors?.[0]?.extensions).toMatchObject(extensions);
      expect(errors?.[0]?.message).toMatch(message);
    };
    await refused(
      'mutation { logGauge(name: "2fast", value: 1) { name } }',
      { code: 'BAD_USER_INPUT' },
      /not a Prometheus metric name/,
    );
    await refused(
      'mutation { logGauge(name: "rink-temp", value: 1) { name } }',
      { code: 'BAD_USER_INPUT' },
      /not a Prometheus metric name/,
    );
    await refused(
      'mutation { logGauge(name: "jarvis_mine", value: 1) { name } }',
      { code: 'BAD_USER_INPUT' },
      /Jarvis's own/,
    );
    await refused(
      'mutation { logGauge(name: "process_cpu_seconds_total", value: 1) { name } }',
      { code: 'BAD_USER_INPUT' },
      /one of Jarvis's own metrics/,
    );
    await refused(
      'mutation($l: JSON) { logGauge(name: "x", value: 1, labels: $l) { name } }',
      { code: 'BAD_USER_INPUT' },
      /not a usable label name/,
      {
        l: { 'bad-label': 1 },
      },
    );
    await refused(
      'mutation { logCounter(name: "goals_total", value: -1) { name } }',
      { code: 'BAD_USER_INPUT' },
      /only goes up/,
    );
    await ok(
      fetch,
      'mutation { logGauge(name: "players_on_ice", value: 10, labels: { team: "home" }) { name } }',
    );
    await refused(
      'mutation { logCounter(name: "players_on_ice") { name } }',
      { code: 'BAD_USER_INPUT', type: 'GAUGE' },
      /is a gauge; it cannot be logged as a counter/,
    );
    await refused(
      'mutation { logGauge(name: "players_on_ice", value: 1, labels: { side: "home" }) { name } }',
      { code: 'BAD_USER_INPUT' },
      /has the labels \[team\]/,
    );
    await ok(
      fetch,
      'mutation { a: logGauge(name: "players_on_ice", value: 1, labels: { team: "away" }) { name } b: logGauge(name: "players_on_ice", value: 1, labels: { team: "ref" }) { name } }',
    );
    await refused(
      'mutation { logGauge(name: "players_on_ice", value: 1, labels: { team: "fans" }) { name } }',
      { code: 'LIMIT_EXCEEDED', limit: 'max_series_per_metric', max: 3, measured: 4 },
      /max_series_per_metric/,
    );
    // An existing label set still logs.
    await ok(
      fetch,
      'mutation { logGauge(name: "players_on_ice", value: 9, labels: { team: "home" }) { seriesCount } }',
    );
    await refused(
      '{ metricSeries(query: "rate(players_on_ice[5m])", start: "2026-01-01T00:00:00Z", end: "2026-01-01T01:00:00Z") { source } }',
      { code: 'BAD_USER_INPUT' },
      /services\.analytics\.type: prometheus/,
    );
    await refused(
      '{ metricSeries(query: "players_on_ice", start: "2026-01-01T00:00:00Z", end: "2026-01-02T00:00:00Z", step: 1) { source } }',
      { code: 'BAD_USER_INPUT' },
      /at most 11000/,
    );
    // Found by the fuzz test: label values that are objects, and a blank dashboard title, were 500s.
    await refused(
      'mutation { createAlertRule(input: { name: "x", metric: "m", threshold: 1, matchLabels: { rink: { deep: ["a"] } } }) { id } }',
      { code: 'BAD_USER_INPUT', argument: 'matchLabels' },
      /matchLabels.rink must be a string/,
    );
    await refused(
      'mutation { createAlertRule(input: { name: "x", metric: "m", threshold: 1, labels: { team: null } }) { id } }',
      { code: 'BAD_USER_INPUT', argument: 'labels' },
      /labels.team must be a string/,
    );
    await refused(
      'mutation { createDashboard(component: "spotlight", title: "  ") { uid } }',
      { code: 'BAD_USER_INPUT', argument: 'title' },
      /title must not be blank/,
    );
    // Also by the fuzz test: a name with "$" became a query Grafana reads as a variable, a 500.
    await refused(
      'mutation { createDashboard(component: "$var") { uid } }',
      { code: 'BAD_USER_INPUT', argument: 'component' },
      /Grafana would read as a dashboard variable/,
    );
  });

  it('services.analytics.retention_hours from jarvis.yaml: samples older than it are pruned', async () => {
    await using jarvis = await jarvisFromFile(`
database: { url: "pglite:memory" }
log: { level: silent }
services:
  analytics:
    retention_hours: 0.001   # 3.6 s
`);
    const fetch = jarvis.router.fetch;
    const start = new Date(Date.now() - 60_000);
    await ok(fetch, GAUGE, { value: -4, rink: 'west' });
    const points = async () =>
      (
        await ok<{ metricSeries: { series: { points: unknown[] }[] } }>(
          fetch,
          'query($s: DateTime!, $e: DateTime!) { metricSeries(query: "rink_ice_temperature_celsius{rink=\\"west\\"}", start: $s, end: $e, step: 1) { series { points { value } } } }',
          { s: start.toISOString(), e: new Date(Date.now() + 1_000).toISOString() },
        )
      ).metricSeries.series.length;
    expect(await points()).toBe(1);
    await waitFor('the sample to pass retention and be pruned', async () => (await points()) === 0);
  });

  it('metricSeries answers from recent samples, by name and label match', async () => {
    await using jarvis = await testJarvis();
    const fetch = jarvis.router.fetch;
    const start = new Date(Date.now() - 1_000);
    for (const [value, rink] of [
      [-4, 'north'],
      [-3, 'north'],
      [-7, 'south'],
    ] as const) {
      await ok(fetch, GAUGE, { value, rink });
      await new Promise((r) => setTimeout(r, 20));
    }
    const end = new Date(Date.now() + 2_000);
    const { metricSeries } = await ok<{
      metricSeries: {
        source: string;
        series: { labels: Record<string, string>; points: { value: number }[] }[];
      };
    }>(
      fetch,
      'query($s: DateTime!, $e: DateTime!) { metricSeries(query: "rink_ice_temperature_celsius{rink=\\"north\\"}", start: $s, end: $e, step: 1) { source series { labels points { at value } } } }',
      { s: start.toISOString(), e: end.toISOString() },
    );
    expect(metricSeries.source).toBe('EMBEDDED');
    expect(metricSeries.series).toHaveLength(1);
    expect(metricSeries.series[0]!.labels).toEqual({
      __name__: 'rink_ice_temperature_celsius',
      rink: 'north',
    });
    // Each step takes the latest sample so far: the last points carry the last value.
    expect(metricSeries.series[0]!.points.at(-1)!.value).toBe(-3);
    const all = await ok<{ metricSeries: { series: unknown[] } }>(
      fetch,
      'query($s: DateTime!, $e: DateTime!) { metricSeries(query: "rink_ice_temperature_celsius", start: $s, end: $e, step: 1) { series { labels } } }',
      { s: start.toISOString(), e: end.toISOString() },
    );
    expect(all.metricSeries.series).toHaveLength(2);
  });

  it('a threshold rule goes PENDING, FIRING after its `for`, then RESOLVED; history is kept and the rule exports to a Prometheus rule file', async () => {
    await using jarvis = await testJarvis({ services: { analytics: { evaluation_interval_ms: 3_600_000 } } });
    const fetch = jarvis.router.fetch;
    const { createAlertRule } = await ok<{ createAlertRule: { id: string; expr: string; state: string } }>(
      fetch,
      `mutation { createAlertRule(input: { name: "ice too warm", metric: "rink_ice_temperature_celsius", matchLabels: { rink: "north" },
        operator: GT, threshold: -2, forSeconds: 1, severity: CRITICAL, summary: "Rink {{labels.rink}} ice at {{value}} °C" }) { id expr state } }`,
    );
    expect(createAlertRule).toMatchObject({
      expr: 'rink_ice_temperature_celsius{rink="north"} > -2',
      state: 'OK',
    });
    const evaluate = () =>
      ok<{ evaluateAlertRules: { state: string }[] }>(fetch, 'mutation { evaluateAlertRules { state } }');
    const ruleState = async () =>
      (
        await ok<{
          alertRule: {
            state: string;
            alerts: { state: string; value: number; summary: string; labels: Record<string, string> }[];
          };
        }>(
          fetch,
          `{ alertRule(id: "${createAlertRule.id}") { state alerts { totalCount edges { node { state value summary labels } } } } }`,
        ).then((r) => ({
          ...r,
          alertRule: {
            ...r.alertRule,
            alerts: (r.alertRule.alerts as unknown as { edges: { node: unknown }[] }).edges.map(
              (e) => e.node,
            ),
          },
        }))
      ).alertRule;

    await ok(fetch, GAUGE, { value: -5, rink: 'north' });
    await evaluate();
    expect((await ruleState()).state).toBe('OK');

    await ok(fetch, GAUGE, { value: -1, rink: 'north' });
    await ok(fetch, GAUGE, { value: 3, rink: 'south' }); // another rink: not matched
    await evaluate();
    expect(await ruleState()).toMatchObject({ state: 'PENDING', alerts: [{ state: 'PENDING', value: -1 }] });
    await new Promise((r) => setTimeout(r, 1_100));
    await evaluate();
    const firing = await ruleState();
    expect(firing).toMatchObject({
      state: 'FIRING',
      alerts: [
        {
          state: 'FIRING',
          value: -1,
          summary: 'Rink north ice at -1 °C',
          labels: { rink: 'north', alertname: 'ice too warm', severity: 'critical' },
        },
      ],
    });

    await ok(fetch, GAUGE, { value: -6, rink: 'north' });
    await evaluate();
    expect(await ruleState()).toMatchObject({ state: 'OK', alerts: [{ state: 'RESOLVED' }] });
    const { alerts: page } = await ok<{
      alerts: {
        totalCount: number;
        edges: { node: { state: string; firedAt: string; resolvedAt: string; rule: { name: string } } }[];
      };
    }>(fetch, '{ alerts { totalCount edges { node { state firedAt resolvedAt rule { name } } } } }');
    expect(page.totalCount).toBe(1);
    const alerts = page.edges.map((e) => e.node);
    expect(alerts).toEqual([
      {
        state: 'RESOLVED',
        firedAt: expect.any(String),
        resolvedAt: expect.any(String),
        rule: { name: 'ice too warm' },
      },
    ]);

    const { prometheusRules } = await ok<{ prometheusRules: string }>(fetch, '{ prometheusRules }');
    expect(parseYaml(prometheusRules)).toEqual({
      groups: [
        {
          name: 'jarvis',
          rules: [
            {
              alert: 'ice_too_warm',
              expr: 'rink_ice_temperature_celsius{rink="north"} > -2',
              for: '1s',
              labels: { severity: 'critical' },
              annotations: {
                summary: 'Rink {{ $labels.rink }} ice at {{ $value }} °C',
                jarvis_rule_id: createAlertRule.id,
              },
            },
          ],
        },
      ],
    });
    const promql = await gql(
      fetch,
      'mutation { createAlertRule(input: { name: "p", expr: "up == 0" }) { id } }',
    );
    expect(promql.errors?.[0]?.message).toMatch(/need a Prometheus server/);
  });

  it('createAlertRule with an idempotencyKey, sent twice at once, makes one rule; the key on another request is CONFLICT', async () => {
    await using jarvis = await testJarvis();
    const fetch = jarvis.router.fetch;
    const CREATE =
      'mutation($input: AlertRuleInput!, $key: String) { createAlertRule(input: $input, idempotencyKey: $key) { id } }';
    const input = {
      name: 'ice too warm',
      metric: 'rink_ice_temperature_celsius',
      operator: 'GT',
      threshold: -2,
    };
    const answers = await Promise.all(
      [0, 1, 2].map(() => gql<{ createAlertRule: { id: string } }>(fetch, CREATE, { input, key: 'rule-7' })),
    );
    expect(answers.map((a) => a.errors)).toEqual([undefined, undefined, undefined]);
    expect(new Set(answers.map((a) => a.data!.createAlertRule.id)).size).toBe(1);
    expect(
      (await ok<{ alertRules: { totalCount: number } }>(fetch, '{ alertRules { totalCount } }')).alertRules,
    ).toEqual({
      totalCount: 1,
    });
    const reused = await gql(fetch, CREATE, { input: { ...input, threshold: 0 }, key: 'rule-7' });
    expect(reused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });
  });

  it('createDashboard builds a valid Grafana JSON model for a component and for an experiment', async () => {
    await using jarvis = await testJarvis();
    const fetch = jarvis.router.fetch;
    await ok(fetch, GAUGE, { value: -5, rink: 'north' });
    await ok(
      fetch,
      'mutation { logCounter(name: "spotlight_frames_total", component: "spotlight") { name } }',
    );
    const { createDashboard } = await ok<{
      createDashboard: {
        uid: string;
        title: string;
        url: string | null;
        json: { panels: { title: string; targets: { expr: string }[] }[] };
      };
    }>(fetch, 'mutation { createDashboard(component: "spotlight") { uid title url json } }');
    expect(dashboardProblems(createDashboard.json)).toEqual([]);
    expect(createDashboard).toMatchObject({ title: 'Jarvis · spotlight', url: null });
    expect(createDashboard.json.panels.map((p) => p.targets[0]!.expr)).toEqual([
      'rink_ice_temperature_celsius',
      'sum (rate(spotlight_frames_total[5m]))',
      'sum by (workflow, status) (increase(jarvis_workflow_runs_total{component="spotlight"}[1h]))',
      'sum(increase(jarvis_workflow_runs_total{component="spotlight",status=~"FAILED|TIMED_OUT"}[24h]))',
    ]);
    const experiment = await ok<{ createDashboard: { json: unknown } }>(
      fetch,
      'mutation { createDashboard(experiment: "hockey-role-classification") { json } }',
    );
    expect(dashboardProblems(experiment.createDashboard.json)).toEqual([]);
    expect(experiment.createDashboard.json).toMatchObject({
      tags: ['jarvis', 'experiment:hockey-role-classification', expect.stringMatching(/^project:/)],
      templating: { list: [{ name: 'key', type: 'query', multi: true, includeAll: true }] },
      panels: [{ title: '$key', repeat: 'key', gridPos: { x: 0, y: 0, w: 24 } }, {}, {}, {}],
    });
    expect(
      dashboardProblems({
        title: 't',
        uid: 'u',
        schemaVersion: 39,
        time: { from: 'now-1h', to: 'now' },
        templating: { list: [{ name: 'key', type: 'query', query: 'label_values(up, key)' }] },
        panels: [
          {
            id: 1,
            type: 'timeseries',
            title: '$run',
            repeat: 'run',
            gridPos: { x: 0, y: 0, w: 12, h: 8 },
            targets: [{ refId: 'A', expr: 'rate(x{key="$key",run="${run}"}[$__rate_interval])' }],
          },
        ],
      }),
    ).toEqual([
      'panels[0].repeat: the name of a dashboard variable',
      'panels[0].title: no undefined variables (run)',
      'panels[0].targets[0].expr: no undefined variables (run)',
    ]);
    expect(
      dashboardProblems({
        title: '',
        uid: 'x y',
        panels: [{ id: 1, gridPos: { x: 20, y: 0, w: 12, h: 8 }, targets: [] }],
      }),
    ).toEqual([
      'title: a non-empty string',
      'uid: at most 40 letters, digits, - and _',
      'schemaVersion: an integer',
      'time: { from, to } strings',
      'panels[0].type: a panel plugin id',
      'panels[0].title: a string',
      'panels[0].gridPos: integer x, y, w, h within the 24-column grid',
      'panels[0].targets: at least one query',
    ]);
    const bad = await gql(fetch, 'mutation { createDashboard { uid } }');
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('with Grafana configured, createDashboard pushes it through the HTTP API and returns its URL; pushing again updates it', async () => {
    const grafana = await grafanaHttpApi('glsa_test');
    try {
      await using jarvis = await testJarvis({
        services: { analytics: { dashboard: grafana.url, dashboard_token: 'glsa_test' } },
      });
      const fetch = jarvis.router.fetch;
      await ok(fetch, GAUGE, { value: -5, rink: 'north' });
      const first = await ok<{ createDashboard: { uid: string; url: string } }>(
        fetch,
        'mutation { createDashboard(component: "spotlight") { uid url } }',
      );
      expect(first.createDashboard.url).toBe(
        `${grafana.url}/d/${first.createDashboard.uid}/jarvis-spotlight`,
      );
      const stored = grafana.dashboards.get(first.createDashboard.uid)!;
      expect(dashboardProblems(stored.dashboard)).toEqual([]);
      await ok(fetch, 'mutation { createDashboard(component: "spotlight") { uid } }');
      expect(grafana.dashboards.get(first.createDashboard.uid)!.version).toBe(2);

      await using wrongToken = await testJarvis({
        services: { analytics: { dashboard: grafana.url, dashboard_token: 'nope' } },
      });
      const refused = await gql(
        wrongToken.router.fetch,
        'mutation { createDashboard(experiment: "x") { uid } }',
      );
      expect(refused.errors?.[0]?.message).toMatch(/refused the token .*dashboard_token/);
    } finally {
      await grafana.close();
    }
  });

  it("Jarvis's own metrics count the work: artifact bytes in and out, run metric points, workflow outcomes, open subscriptions", async () => {
    await using jarvis = await testJarvis();
    const fetch = jarvis.router.fetch;
    const { storeSmallArtifact } = await ok<{ storeSmallArtifact: { id: string } }>(
      fetch,
      'mutation { storeSmallArtifact(input: { name: "x.txt", kind: LOG, size: 1, sha256: "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881" }, contentBase64: "eA==") { id } }',
    );
    await fetch(new Request(`http://jarvis.test/storage/artifacts/${storeSmallArtifact.id}/content`));
    const { createExperiment } = await ok<{ createExperiment: { id: string } }>(
      fetch,
      'mutation { createExperiment(name: "m") { id } }',
    );
    const { createRun } = await ok<{ createRun: { id: string } }>(
      fetch,
      `mutation { createRun(input: { experimentId: "${createExperiment.id}" }) { id } }`,
    );
    await ok(
      fetch,
      `mutation { logBatch(runId: "${createRun.id}", metrics: [{ key: "a", value: 1 }, { key: "b", value: 2 }]) { id } }`,
    );
    await ok(
      fetch,
      'mutation { registerWorkflow(definition: { name: "w", taskQueue: "none", steps: [{ id: "s", activity: "x" }] }) { version } }',
    );
    const { startWorkflow } = await ok<{ startWorkflow: { id: string } }>(
      fetch,
      'mutation { startWorkflow(workflow: "w", component: "toolchain") { id } }',
    );
    await ok(fetch, `mutation { cancelWorkflowRun(id: "${startWorkflow.id}") { id } }`);
    const text = await (await fetch(new Request('http://jarvis.test/metrics'))).text();
    expect(text).toContain('jarvis_artifact_bytes_total{direction="in",kind="LOG"} 1');
    expect(text).toContain('jarvis_artifact_bytes_total{direction="out",kind="LOG"} 1');
    expect(text).toContain('jarvis_run_metric_points_total 2');
    expect(text).toContain(
      'jarvis_workflow_runs_total{workflow="w",component="toolchain",status="CANCELLED"} 1',
    );
    expect(text).toContain('jarvis_open_subscriptions{service="router"} 0');
    expect(text).toMatch(/jarvis_backend_latency_seconds\{backend="database"\} [\d.e-]+/);
    // Every Jarvis series name follows Prometheus's conventions.
    for (const name of new Set(
      [...text.matchAll(/^(jarvis_\w+?)(?:_bucket|_sum|_count)?[{ ]/gm)].map((m) => m[1]!),
    ))
      expect(name).toMatch(/^jarvis_[a-z0-9_]+$/);
  });
});
