import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { type ArtifactKind, ConsoleArtifactsDocument } from '../../generated/graphql.ts';
import { ErrorNote } from '../components/errorNote.ts';
import { Pager, pageOf } from '../components/pager.ts';
import { formatBytes, formatTime } from '../format.ts';
import { href, navigate, type Route, withParams } from '../route.ts';
import { useQuery } from '../useQuery.ts';

const KINDS: ArtifactKind[] = ['MODEL', 'DATASET', 'LOG', 'REPORT', 'MEDIA', 'OTHER'];

/** Artifacts by name (prefix), kind, component and tag, newest first. */
export function ArtifactsView(props: { route: Route }) {
  const { params } = props.route;
  const name = params.get('name') ?? '';
  const kind = params.get('kind') ?? '';
  const component = params.get('component') ?? '';
  const tag = params.get('tag') ?? '';
  const [draft, setDraft] = useState({ name, component, tag });
  const { data, error, loading } = useQuery(ConsoleArtifactsDocument, {
    ...pageOf(props.route),
    filter: {
      ...(name ? { namePrefix: name } : {}),
      ...(kind ? { kind: kind as ArtifactKind } : {}),
      ...(component ? { component } : {}),
      ...(tag ? { tag } : {}),
    },
  });
  const list = data?.artifacts;
  const field = (key: 'name' | 'component' | 'tag', label: string) =>
    html`<label>${label} <input name=${key} value=${draft[key]} onInput=${(e: Event) => setDraft({ ...draft, [key]: (e.target as HTMLInputElement).value })} /></label>`;
  return html`<section>
    <h1>Artifacts</h1>
    <form class="filter" onSubmit=${(e: Event) => {
      e.preventDefault();
      navigate(
        withParams(props.route, {
          name: draft.name.trim() || undefined,
          component: draft.component.trim() || undefined,
          tag: draft.tag.trim() || undefined,
          page: undefined,
        }),
      );
    }}>
      ${field('name', 'Name starts with')}
      <label>Kind <select value=${kind} onChange=${(e: Event) => navigate(withParams(props.route, { kind: (e.target as HTMLSelectElement).value || undefined, page: undefined }))}>
        <option value="">any</option>${KINDS.map((k) => html`<option value=${k}>${k.toLowerCase()}</option>`)}
      </select></label>
      ${field('component', 'Component')}
      ${field('tag', 'Tag')}
      <button type="submit">Search</button>
    </form>
    <${ErrorNote} error=${error} />
    ${loading && !list ? html`<p class="loading">Loading…</p>` : ''}
    ${list && list.edges.length === 0 ? html`<p class="empty">No artifacts${name || kind || component || tag ? ' match' : ' yet'}.</p>` : ''}
    ${
      list?.edges.length
        ? html`<table class="data">
          <thead><tr><th>Name</th><th>Version</th><th>Kind</th><th>Size</th><th>Aliases</th><th>Component</th><th>Tags</th><th>Created</th></tr></thead>
          <tbody>${list.edges.map(
            ({ node }) => html`<tr data-artifact=${node.id}>
              <td><a href=${href(['artifacts', node.id])}>${node.name}</a></td>
              <td>v${node.version}</td>
              <td>${node.kind.toLowerCase()}</td>
              <td>${formatBytes(node.size)}</td>
              <td>${node.aliases.map((a) => html`<span class="tag">${a}</span>`)}</td>
              <td>${node.component ?? '—'}</td>
              <td>${node.tags.map((t) => html`<span class="tag">${t}</span>`)}</td>
              <td>${formatTime(node.createdAt)}</td>
            </tr>`,
          )}</tbody>
        </table>
        <${Pager} route=${props.route} connection=${list} />`
        : ''
    }
  </section>`;
}
