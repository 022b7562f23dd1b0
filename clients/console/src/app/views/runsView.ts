import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import {
  ConsoleExperimentDocument,
  type ConsoleRunRowFragment,
  ConsoleRunsDocument,
} from '../../generated/graphql.ts';
import type { ApiError } from '../api.ts';
import { ErrorNote, NotFound } from '../components/errorNote.ts';
import { Pager, pageOf } from '../components/pager.ts';
import { StatusBadge } from '../components/statusBadge.ts';
import { formatDuration, formatNumber, formatTime } from '../format.ts';
import { href, navigate, type Route, withParams } from '../route.ts';
import { useQuery } from '../useQuery.ts';

const ATTRIBUTES = ['status', 'start', 'duration', 'component'] as const;

/** A column's sort key in MLflow's order_by language; undefined when it cannot be sorted on. */
function orderKey(column: string): string | undefined {
  const quote = (key: string) => (/^[A-Za-z0-9_]+$/.test(key) ? key : `\`${key.replace(/`/g, '')}\``);
  if (column === 'status') return 'attributes.status';
  if (column === 'start') return 'attributes.start_time';
  if (column === 'name') return 'attributes.run_name';
  if (column === 'component') return 'tags.component';
  const match = /^(metrics|params|tags)\.(.+)$/.exec(column);
  return match ? `${match[1]}.${quote(match[2]!)}` : undefined;
}

function cell(run: ConsoleRunRowFragment, column: string) {
  if (column === 'status') return html`<${StatusBadge} status=${run.status} />`;
  if (column === 'start') return formatTime(run.startTime);
  if (column === 'duration') return formatDuration(run.startTime, run.endTime);
  if (column === 'component') return run.tags.find((t) => t.key === 'component')?.value ?? '—';
  const [kind, ...rest] = column.split('.');
  const key = rest.join('.');
  if (kind === 'metrics') return formatNumber(run.metrics.find((m) => m.key === key)?.value);
  const list = kind === 'params' ? run.params : run.tags;
  return list.find((p) => p.key === key)?.value ?? '—';
}

/** The text of a filter with a caret under the place the server named. */
function FilterError(props: { filter: string; error: ApiError }) {
  const position = props.error.position;
  return html`<div class="filter-error" role="alert">
    <p>${props.error.message.split('\n')[0]}</p>
    ${
      position !== undefined
        ? html`<pre data-position=${position}>${`${props.filter}\n${' '.repeat(position)}^`}</pre>`
        : ''
    }
  </div>`;
}

/**
 * An experiment's runs: the columns a user picks, filtered with MLflow's search language,
 * sorted by any column the language can sort on, paged, and selected for comparison.
 */
export function RunsView(props: { route: Route; experimentId: string }) {
  const { params } = props.route;
  const filter = params.get('filter') ?? '';
  const order = params.get('order') ?? '';
  const experiment = useQuery(ConsoleExperimentDocument, { id: props.experimentId });
  const runs = useQuery(ConsoleRunsDocument, {
    experimentIds: [props.experimentId],
    ...pageOf(props.route),
    ...(filter ? { filter } : {}),
    ...(order ? { orderBy: [order] } : {}),
  });
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const rows = runs.data?.searchRuns.edges.map((e) => e.node) ?? [];
  const available = [
    ...ATTRIBUTES,
    ...[...new Set(rows.flatMap((r) => r.metrics.map((m) => `metrics.${m.key}`)))].sort(),
    ...[...new Set(rows.flatMap((r) => r.params.map((p) => `params.${p.key}`)))].sort(),
    ...[
      ...new Set(
        rows.flatMap((r) => r.tags.filter((t) => !t.key.startsWith('mlflow.')).map((t) => `tags.${t.key}`)),
      ),
    ].sort(),
  ];
  const chosen = params.has('cols')
    ? params.get('cols')!.split(',').filter(Boolean)
    : [
        ...ATTRIBUTES,
        ...available.filter((c) => c.startsWith('metrics.')).slice(0, 4),
        ...available.filter((c) => c.startsWith('params.')).slice(0, 4),
      ];
  const setColumns = (columns: string[]) => navigate(withParams(props.route, { cols: columns.join(',') }));
  const sortBy = (column: string) => {
    const key = orderKey(column);
    if (!key) return;
    const next = order === `${key} DESC` ? `${key} ASC` : `${key} DESC`;
    navigate(withParams(props.route, { order: next, page: undefined }));
  };
  const arrow = (column: string) => {
    const key = orderKey(column);
    if (!key || !order.startsWith(`${key} `)) return '';
    return order.endsWith('DESC') ? ' ▼' : ' ▲';
  };
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  if (experiment.data && !experiment.data.experiment) return html`<${NotFound} what="Experiment" />`;
  const badFilter = runs.error?.code === 'BAD_USER_INPUT' && runs.error.extensions.argument === 'filter';
  return html`<section>
    <nav class="crumbs"><a href=${href(['experiments'])}>Experiments</a> › ${experiment.data?.experiment?.name ?? props.experimentId}</nav>
    <h1>${experiment.data?.experiment?.name ?? 'Runs'}</h1>
    <form
      class="filter"
      onSubmit=${(event: Event) => {
        event.preventDefault();
        navigate(withParams(props.route, { filter: (draft ?? filter).trim() || undefined, page: undefined }));
      }}
    >
      <label for="run-filter">Filter</label>
      <input
        id="run-filter"
        name="filter"
        spellcheck=${false}
        placeholder="metrics.accuracy > 0.9 and params.lr = '0.01' and tags.component = 'toolchain'"
        value=${draft ?? filter}
        onInput=${(event: Event) => setDraft((event.target as HTMLInputElement).value)}
      />
      <button type="submit">Apply</button>
      ${
        filter
          ? html`<button type="button" onClick=${() => {
              setDraft('');
              navigate(withParams(props.route, { filter: undefined, page: undefined }));
            }}>Clear</button>`
          : ''
      }
    </form>
    ${badFilter ? html`<${FilterError} filter=${filter} error=${runs.error} />` : html`<${ErrorNote} error=${runs.error} />`}
    <div class="toolbar">
      <details class="columns">
        <summary>Columns (${chosen.length})</summary>
        <fieldset>
          ${available.map(
            (column) =>
              html`<label><input type="checkbox" checked=${chosen.includes(column)} onChange=${() =>
                setColumns(
                  chosen.includes(column) ? chosen.filter((c) => c !== column) : [...chosen, column],
                )} /> ${column}</label>`,
          )}
        </fieldset>
      </details>
      <button type="button" class="primary" disabled=${selected.size < 1} onClick=${() => navigate(href(['compare'], { runs: [...selected].join(',') }))}>
        Compare ${selected.size ? `(${selected.size})` : ''}
      </button>
    </div>
    ${runs.loading && !runs.data ? html`<p class="loading">Loading runs…</p>` : ''}
    ${runs.data && !rows.length ? html`<p class="empty">${filter ? 'No run matches this filter.' : 'No runs in this experiment yet.'}</p>` : ''}
    ${
      rows.length
        ? html`<div class="table-scroll"><table class="data runs" aria-busy=${runs.loading}>
          <thead><tr>
            <th><span class="sr-only">Select</span></th>
            <th><button type="button" class="sort" onClick=${() => sortBy('name')}>Run${arrow('name')}</button></th>
            ${chosen.map(
              (column) =>
                html`<th>${
                  orderKey(column)
                    ? html`<button type="button" class="sort" onClick=${() => sortBy(column)}>${column}${arrow(column)}</button>`
                    : column
                }</th>`,
            )}
          </tr></thead>
          <tbody>
            ${rows.map(
              (run) => html`<tr data-run=${run.id}>
                <td><input type="checkbox" aria-label=${`select ${run.name}`} checked=${selected.has(run.id)} onChange=${() => toggle(run.id)} /></td>
                <td><a href=${href(['runs', run.id])}>${run.name || run.id}</a></td>
                ${chosen.map((column) => html`<td>${cell(run, column)}</td>`)}
              </tr>`,
            )}
          </tbody>
        </table></div>
        <${Pager} route=${props.route} connection=${runs.data!.searchRuns} />`
        : ''
    }
  </section>`;
}
