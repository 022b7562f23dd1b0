import { html } from 'htm/preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ConsoleMetricHistoryDocument, ConsoleRunUpdatedDocument } from '../../generated/graphql.ts';
import { request, subscribe } from '../api.ts';
import { type ChartSeries, MetricChart } from '../components/metricChart.ts';
import { navigate, type Route, withParams } from '../route.ts';

/** Points per line the server sends: each bucket keeps its low, high and last point. */
export const MAX_POINTS = 1000;

interface Point {
  step: number;
  time: number;
  value: number | null;
}

type Histories = Map<string, Point[]>;
const keyOf = (runId: string, metric: string) => `${runId}\u0000${metric}`;

/** Exponential moving average with TensorBoard's debiasing, so early points are not pulled to zero. */
function smooth(points: [number, number | null][], weight: number): [number, number | null][] {
  if (weight <= 0) return points;
  let last = 0;
  let count = 0;
  return points.map(([x, y]) => {
    if (y === null || !Number.isFinite(y)) return [x, y];
    last = last * weight + (1 - weight) * y;
    count++;
    return [x, last / (1 - weight ** count)];
  });
}

/**
 * Every metric of the runs as a chart with one line per run, downsampled on the server, x by
 * step or time, log scale and smoothing in the address. Running runs' new points arrive live
 * (`runUpdated`) and are appended.
 */
export function RunCharts(props: {
  route: Route;
  runs: { id: string; name: string; status: string }[];
  metrics: string[];
}) {
  const { params } = props.route;
  const x = params.get('x') === 'time' ? 'time' : 'step';
  const log = params.get('log') === '1';
  const weight = Math.min(0.99, Math.max(0, Number(params.get('smooth') ?? 0) || 0));
  const [histories, setHistories] = useState<Histories>(new Map());
  const [extraMetrics, setExtraMetrics] = useState<string[]>([]);
  const metrics = useMemo(
    () => [...new Set([...props.metrics, ...extraMetrics])].sort(),
    [props.metrics, extraMetrics],
  );
  const runKey = props.runs.map((r) => r.id).join(',');

  useEffect(() => {
    let cancelled = false;
    const wanted = props.runs.flatMap((run) => metrics.map((metric) => ({ run: run.id, metric })));
    void Promise.all(
      wanted.map(async ({ run, metric }) => {
        const data = await request(ConsoleMetricHistoryDocument, {
          runId: run,
          key: metric,
          maxPoints: MAX_POINTS,
        });
        return [
          keyOf(run, metric),
          (data.run?.metricHistory ?? []).map((p) => ({
            step: p.step,
            time: Date.parse(p.timestamp),
            value: p.isNan ? null : (p.value ?? null),
          })),
        ] as const;
      }),
    ).then((loaded) => {
      if (cancelled) return;
      setHistories((current) => {
        const next = new Map(current);
        for (const [key, points] of loaded) next.set(key, points);
        return next;
      });
    });
    return () => {
      cancelled = true;
    };
  }, [runKey, metrics.join(',')]);

  useEffect(() => {
    const live = props.runs.filter((r) => r.status === 'RUNNING' || r.status === 'SCHEDULED');
    const subscriptions = live.map((run) =>
      subscribe(
        ConsoleRunUpdatedDocument,
        { runId: run.id },
        {
          next: ({ runUpdated }) => {
            if (runUpdated.kind !== 'LOGGED' || !runUpdated.metrics.length) return;
            setExtraMetrics((known) => [...new Set([...known, ...runUpdated.metrics.map((m) => m.key)])]);
            setHistories((current) => {
              const next = new Map(current);
              for (const m of runUpdated.metrics) {
                const key = keyOf(run.id, m.key);
                const points = [...(next.get(key) ?? [])];
                points.push({ step: m.step, time: Date.parse(m.timestamp), value: m.value ?? null });
                points.sort((a, b) => a.step - b.step || a.time - b.time);
                next.set(key, points);
              }
              return next;
            });
          },
        },
      ),
    );
    return () => {
      for (const s of subscriptions) s.close();
    };
  }, [runKey]);

  const charts = useMemo(
    () =>
      metrics.map((metric) => ({
        metric,
        series: props.runs.map(
          (run): ChartSeries => ({
            label: run.name || run.id,
            points: smooth(
              (histories.get(keyOf(run.id, metric)) ?? []).map((p) => [
                x === 'time' ? p.time : p.step,
                p.value,
              ]),
              weight,
            ),
          }),
        ),
      })),
    [histories, metrics, x, weight, runKey],
  );

  return html`<section class="charts">
    <form class="chart-controls" onSubmit=${(e: Event) => e.preventDefault()}>
      <label>X axis
        <select value=${x} onChange=${(e: Event) => navigate(withParams(props.route, { x: (e.target as HTMLSelectElement).value }))}>
          <option value="step">step</option>
          <option value="time">time</option>
        </select>
      </label>
      <label><input type="checkbox" checked=${log} onChange=${() => navigate(withParams(props.route, { log: log ? undefined : '1' }))} /> log scale</label>
      <label>Smoothing
        <input type="range" min="0" max="0.99" step="0.01" value=${weight}
          onChange=${(e: Event) => navigate(withParams(props.route, { smooth: (e.target as HTMLInputElement).value === '0' ? undefined : (e.target as HTMLInputElement).value }))} />
        <output>${weight.toFixed(2)}</output>
      </label>
    </form>
    ${metrics.length === 0 ? html`<p class="empty">No metrics logged yet.</p>` : ''}
    <div class="chart-grid">
      ${charts.map((c) => html`<${MetricChart} key=${c.metric} title=${c.metric} series=${c.series} xLabel=${x} time=${x === 'time'} log=${log} />`)}
    </div>
  </section>`;
}
