import { html } from 'htm/preact';
import { ConsoleCompareRunsDocument } from '../../generated/graphql.ts';
import { ErrorNote } from '../components/errorNote.ts';
import { ParallelCoordinates } from '../components/parallelCoordinates.ts';
import { StatusBadge } from '../components/statusBadge.ts';
import { formatDuration, formatNumber } from '../format.ts';
import { href, navigate, type Route, withParams } from '../route.ts';
import { useQuery } from '../useQuery.ts';
import { RunCharts } from './runCharts.ts';

/**
 * Runs side by side: a chart per metric with a line per run, params against a metric in
 * parallel coordinates, and the params that differ. `#/compare?runs=a,b,c`.
 */
export function CompareView(props: { route: Route }) {
  const ids = (props.route.params.get('runs') ?? '').split(',').filter(Boolean);
  const { data, error } = useQuery(ConsoleCompareRunsDocument, { ids }, ids.length === 0);
  if (ids.length === 0)
    return html`<section><h1>Compare runs</h1><p class="empty">Select runs in an experiment's table, then Compare.</p></section>`;
  const comparison = data?.compareRuns;
  const runs = comparison?.runs ?? [];
  // Every param of every run, each with one value per run; those whose values are not all equal differ.
  const allParams = [...new Set(runs.flatMap((r) => r.params.map((p) => p.key)))].sort().map((key) => ({
    key,
    values: runs.map((r) => r.params.find((p) => p.key === key)?.value ?? null),
  }));
  const differing = allParams.filter((p) => new Set(p.values.map((v) => v ?? '')).size > 1);
  const showAll = props.route.params.get('params') === 'all';
  const shownParams = showAll ? allParams : differing;
  const metricKeys = (comparison?.metrics ?? []).map((m) => m.key);
  const axisMetric = props.route.params.get('pc') ?? metricKeys[0];
  const axisValues = comparison?.metrics.find((m) => m.key === axisMetric)?.values ?? [];
  return html`<section>
    <nav class="crumbs">${runs[0] ? html`<a href=${href(['experiments', runs[0].experiment.id])}>${runs[0].experiment.name}</a> › ` : ''}Compare</nav>
    <h1>Compare ${ids.length} runs</h1>
    <${ErrorNote} error=${error} />
    ${
      comparison
        ? html`<table class="data compact">
          <thead><tr><th>Run</th><th>Status</th><th>Duration</th></tr></thead>
          <tbody>${runs.map(
            (run) =>
              html`<tr><td><a href=${href(['runs', run.id])}>${run.name || run.id}</a></td><td><${StatusBadge} status=${run.status} /></td><td>${formatDuration(run.startTime, run.endTime)}</td></tr>`,
          )}</tbody>
        </table>
        <${RunCharts} route=${props.route} runs=${runs} metrics=${metricKeys} />
        <section class="param-diff">
          <h2>Params ${showAll ? '' : 'that differ'}</h2>
          <p><a href=${withParams(props.route, { params: showAll ? undefined : 'all' })}>${showAll ? 'Show only the params that differ' : `Show all ${allParams.length} params`}</a></p>
          ${
            shownParams.length === 0
              ? html`<p class="empty">${showAll ? 'No params logged.' : 'Every param has the same value in these runs.'}</p>`
              : html`<table class="data">
                <thead><tr><th>Param</th>${runs.map((run) => html`<th>${run.name || run.id}</th>`)}</tr></thead>
                <tbody>${shownParams.map(
                  (
                    param,
                  ) => html`<tr data-param=${param.key} class=${differing.includes(param) ? 'differs' : ''}>
                    <th scope="row">${param.key}</th>${param.values.map((v) => html`<td>${v ?? '—'}</td>`)}
                  </tr>`,
                )}</tbody>
              </table>`
          }
        </section>
        ${
          differing.length && axisMetric
            ? html`<section>
              <h2>Params against
                <select aria-label="metric" value=${axisMetric} onChange=${(e: Event) => navigate(withParams(props.route, { pc: (e.target as HTMLSelectElement).value }))}>
                  ${metricKeys.map((k) => html`<option value=${k}>${k}</option>`)}
                </select>
              </h2>
              <${ParallelCoordinates}
                runs=${runs.map((r) => r.name || r.id)}
                axes=${[
                  ...differing.map((p) => ({ name: p.key, values: p.values })),
                  {
                    name: axisMetric,
                    values: axisValues.map((v) => (v === null ? null : Number(formatNumber(v)))),
                  },
                ]}
              />
            </section>`
            : ''
        }`
        : ''
    }
  </section>`;
}
