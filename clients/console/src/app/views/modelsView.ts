import { html } from 'htm/preact';
import { ConsoleModelDocument, ConsoleModelsDocument } from '../../generated/graphql.ts';
import { ErrorNote, NotFound } from '../components/errorNote.ts';
import { Pager, pageOf } from '../components/pager.ts';
import { StatusBadge } from '../components/statusBadge.ts';
import { formatTime } from '../format.ts';
import { href, type Route } from '../route.ts';
import { useQuery } from '../useQuery.ts';

export function ModelsView(props: { route: Route }) {
  const { data, error } = useQuery(ConsoleModelsDocument, {
    ...pageOf(props.route),
  });
  const list = data?.registeredModels;
  return html`<section>
    <h1>Models</h1>
    <${ErrorNote} error=${error} />
    ${list && list.edges.length === 0 ? html`<p class="empty">No registered models yet: register one with <code>createModelVersion</code> or MLflow's <code>register_model</code>.</p>` : ''}
    ${
      list?.edges.length
        ? html`<table class="data">
          <thead><tr><th>Name</th><th>Latest version</th><th>Aliases</th><th>Updated</th><th>Description</th></tr></thead>
          <tbody>${list.edges.map(
            ({ node }) => html`<tr data-model=${node.name}>
              <td><a href=${href(['models', node.name])}>${node.name}</a></td>
              <td>${node.latestVersion ? `v${node.latestVersion.version}` : '—'}</td>
              <td>${node.aliases.map((a) => html`<span class="tag">${a.alias} → v${a.version}</span>`)}</td>
              <td>${formatTime(node.updatedAt)}</td>
              <td>${node.description}</td>
            </tr>`,
          )}</tbody>
        </table>
        <${Pager} route=${props.route} connection=${list} />`
        : ''
    }
  </section>`;
}

/** A registered model: its versions, their aliases, and the run each came from. */
export function ModelView(props: { name: string }) {
  const { data, error, loading } = useQuery(ConsoleModelDocument, { name: props.name });
  if (loading && !data) return html`<p class="loading">Loading…</p>`;
  if (error) return html`<${ErrorNote} error=${error} />`;
  const model = data?.registeredModel;
  if (!model) return html`<${NotFound} what="Model" />`;
  return html`<section>
    <nav class="crumbs"><a href=${href(['models'])}>Models</a> › ${model.name}</nav>
    <h1>${model.name}</h1>
    ${model.description ? html`<p>${model.description}</p>` : ''}
    <p>${model.tags.map((t) => html`<span class="tag">${t.key}=${t.value}</span>`)}</p>
    <table class="data">
      <thead><tr><th>Version</th><th>Status</th><th>Aliases</th><th>From run</th><th>Artifact</th><th>Source</th><th>Created</th></tr></thead>
      <tbody>${model.versions.edges.map(
        ({ node }) => html`<tr data-version=${node.version}>
          <td>v${node.version}</td>
          <td><${StatusBadge} status=${node.status} /></td>
          <td>${node.aliases.map((a) => html`<span class="tag">${a}</span>`)}</td>
          <td>${node.run ? html`<a href=${href(['runs', node.run.id])}>${node.run.name || node.run.id}</a>` : '—'}</td>
          <td>${node.artifactId ? html`<a href=${href(['artifacts', node.artifactId])}>artifact</a>` : '—'}</td>
          <td><code>${node.source}</code></td>
          <td>${formatTime(node.createdAt)}</td>
        </tr>`,
      )}</tbody>
    </table>
  </section>`;
}
