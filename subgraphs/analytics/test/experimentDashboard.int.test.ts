import { TSAIComponent } from '@jarvis/sdk';
import { freePort, gql, servedJarvis, startPrometheus, waitFor } from '@jarvis/testkit';
import { expect, it } from 'vitest';
import { dashboardProblems } from '../src/dashboards/validateDashboard.ts';

type Dashboard = {
  templating: { list: { name: string; query: string }[] };
  panels: { title: string; repeat?: string; targets: { expr: string; legendFormat?: string }[] }[];
};

it("an experiment's dashboard draws its runs' metrics: the queries it holds, run against a real Prometheus scraping jarvis dev, return each run's latest values", async () => {
  const port = await freePort();
  await using prometheus = await startPrometheus({ targets: [`127.0.0.1:${port}`], scrapeInterval: '1s' });
  await using jarvis = await servedJarvis(
    { services: { analytics: { type: 'prometheus', endpoint: prometheus.url } } },
    { port },
  );
  await using toolchain = new TSAIComponent('toolchain', { url: jarvis.url });

  const fast = await toolchain.startExperiment(
    'hockey-role-classification',
    { lr: 0.01 },
    { runName: 'lr-0.01' },
  );
  const slow = await toolchain.startExperiment(
    'hockey-role-classification',
    { lr: 0.001 },
    { runName: 'lr-0.001' },
  );
  const other = await toolchain.startExperiment('goalie-tracking', {}, { runName: 'unrelated' });
  for (let epoch = 1; epoch <= 3; epoch++) {
    fast.logMetrics({ loss: 1 / (epoch * 2), accuracy: 0.6 + epoch / 10 }, epoch);
    slow.logMetrics({ loss: 1 / epoch }, epoch);
    other.logMetrics({ loss: 5 }, epoch);
  }
  await Promise.all([fast.flush(), slow.flush(), other.flush()]);

  const { data, errors } = await gql<{ createDashboard: { json: Dashboard } }>(
    jarvis.url,
    'mutation { createDashboard(experiment: "hockey-role-classification") { json } }',
  );
  expect(errors).toBeUndefined();
  const dashboard = data!.createDashboard.json;
  expect(dashboardProblems(dashboard)).toEqual([]);
  const [variable] = dashboard.templating.list;
  const perKey = dashboard.panels.find((p) => p.repeat === variable!.name)!;
  expect(perKey).toMatchObject({ title: '$key', targets: [{ legendFormat: '{{run_name}}' }] });

  const series = async (query: string) => {
    const now = new Date();
    const { series } = await toolchain.metricSeries(query, new Date(now.getTime() - 60_000), now, 1);
    return series.map((s) => ({ labels: s.labels as Record<string, string>, points: s.points }));
  };
  const latest = (s: Awaited<ReturnType<typeof series>>) =>
    Object.fromEntries(s.map((one) => [one.labels.run_name, one.points.at(-1)!.value]));

  // The variable's values: Grafana's label_values(selector, key) is the keys under its selector.
  const selector = /^label_values\((.*), key\)$/.exec(variable!.query)![1]!;
  await waitFor('Prometheus to scrape the runs', async () => (await series(selector)).length === 3, {
    timeoutMs: 20_000,
    intervalMs: 250,
  });
  expect((await series(`count by (key) (${selector})`)).map((s) => s.labels.key).sort()).toEqual([
    'accuracy',
    'loss',
  ]);

  // The repeated panel, as Grafana draws it for key=loss: one line per run of this experiment only.
  const loss = await series(perKey.targets[0]!.expr.replace('$key', 'loss'));
  expect(latest(loss)).toEqual({ 'lr-0.01': 1 / 6, 'lr-0.001': 1 / 3 });
  expect(loss.map((s) => s.labels.run).sort()).toEqual([fast.id, slow.id].sort());
  expect(latest(await series(perKey.targets[0]!.expr.replace('$key', 'accuracy')))).toEqual({
    'lr-0.01': 0.6 + 3 / 10,
  });
  const logging = dashboard.panels.find((p) => p.title === 'Runs logging')!;
  expect((await series(logging.targets[0]!.expr))[0]!.points.at(-1)!.value).toBe(2);

  // A run that ends keeps its last values for a while, so the final scrape still sees them.
  await Promise.all([fast.end(), slow.end(), other.end()]);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  expect(latest(await series(perKey.targets[0]!.expr.replace('$key', 'loss')))).toEqual({
    'lr-0.01': 1 / 6,
    'lr-0.001': 1 / 3,
  });
});
