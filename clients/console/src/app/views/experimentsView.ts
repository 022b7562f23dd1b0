import { html } from 'htm/preact';
import { ConsoleExperimentsDocument } from '../../generated/graphql.ts';
import { ErrorNote } from '../components/errorNote.ts';
import { Pager, pageOf } from '../components/pager.ts';
import { formatTime } from '../format.ts';
import { href, type Route } from '../route.ts';
import { useQuery } from '../useQuery.ts';

export function ExperimentsView(props: { route: Route }) {
  const { data, error, loading } = useQuery(ConsoleExperimentsDocument, {
    ...pageOf(props.route),
  });
  const experiments = data?.experiments;
  return html`<section>
    <h1>Experiments</h1>
    <${ErrorNote} error=${error} />
    ${loading && !experiments ? html`<p class="loading">Loading…</p>` : ''}
    ${
      experiments && experiments.totalCount === 0
        ? html`<p class="empty">No experiments yet. Log a run from the SDK (<code>component.experiments.startRun(…)</code>) or with <code>mlflow</code> pointed at this server.</p>`
        : ''
    }
    ${
      experiments?.edges.length
        ? html`<table class="data">
          <thead><tr><th>Name</th><th>Id</th><th>Created</th><th>Updated</th><th>Tags</th></tr></thead>
          <tbody>
            ${experiments.edges.map(
              ({ node }) => html`<tr>
                <td><a href=${href(['experiments', node.id])}>${node.name}</a></td>
                <td><code>${node.id}</code></td>
                <td>${formatTime(node.createdAt)}</td>
                <td>${formatTime(node.updatedAt)}</td>
                <td>${node.tags.filter((t) => !t.key.startsWith('mlflow.')).map((t) => html`<span class="tag">${t.key}=${t.value}</span>`)}</td>
              </tr>`,
            )}
          </tbody>
        </table>
        <${Pager} route=${props.route} connection=${experiments} />`
        : ''
    }
  </section>`;
}
