import { html } from 'htm/preact';
import { ConsoleRunDocument } from '../../generated/graphql.ts';
import { ErrorNote, NotFound } from '../components/errorNote.ts';
import { StatusBadge } from '../components/statusBadge.ts';
import { formatBytes, formatDuration, formatTime } from '../format.ts';
import { href, type Route } from '../route.ts';
import { useQuery } from '../useQuery.ts';
import { RunCharts } from './runCharts.ts';

export function RunView(props: { route: Route; runId: string }) {
  const { data, error, loading } = useQuery(ConsoleRunDocument, { id: props.runId });
  if (loading && !data) return html`<p class="loading">Loading…</p>`;
  if (error) return html`<${ErrorNote} error=${error} />`;
  const run = data?.run;
  if (!run) return html`<${NotFound} what="Run" />`;
  return html`<section>
    <nav class="crumbs"><a href=${href(['experiments'])}>Experiments</a> › <a href=${href(['experiments', run.experiment.id])}>${run.experiment.name}</a> › ${run.name || run.id}</nav>
    <h1>${run.name || run.id} <${StatusBadge} status=${run.status} /></h1>
    <dl class="facts">
      <dt>Id</dt><dd><code>${run.id}</code></dd>
      <dt>Started</dt><dd>${formatTime(run.startTime)}</dd>
      <dt>Duration</dt><dd>${formatDuration(run.startTime, run.endTime)}</dd>
      ${run.workflowRuns.map((w) => html`<dt>Pipeline</dt><dd><a href=${href(['workflows', 'runs', w.id])}>${w.workflowName}</a> <${StatusBadge} status=${w.status} /></dd>`)}
    </dl>
    <${RunCharts} route=${props.route} runs=${[run]} metrics=${[...new Set(run.metrics.map((m) => m.key))]} />
    <div class="columns-2">
      <section><h2>Params</h2>
        <table class="data compact"><tbody>${run.params.map((p) => html`<tr><th scope="row">${p.key}</th><td>${p.value}</td></tr>`)}</tbody></table>
      </section>
      <section><h2>Tags</h2>
        <table class="data compact"><tbody>${run.tags.map((t) => html`<tr><th scope="row">${t.key}</th><td>${t.value}</td></tr>`)}</tbody></table>
      </section>
    </div>
    <section><h2>Artifacts</h2>
      ${run.artifacts.edges.length === 0 ? html`<p class="empty">None.</p>` : ''}
      <ul>${run.artifacts.edges.map(({ node }) => html`<li><a href=${href(['artifacts', node.id])}>${node.name} v${node.version}</a> (${node.kind.toLowerCase()}, ${formatBytes(node.size)})</li>`)}</ul>
    </section>
  </section>`;
}
