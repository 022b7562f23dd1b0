import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import {
  ConsoleArtifactDocument,
  ConsoleArtifactLineageDocument,
  ConsoleArtifactsDocument,
  ConsoleSetArtifactAliasDocument,
} from '../../generated/graphql.ts';
import { request } from '../api.ts';
import { ErrorNote, NotFound } from '../components/errorNote.ts';
import { type GraphNode, LayeredGraph } from '../components/layeredGraph.ts';
import { formatBytes, formatTime, shortId } from '../format.ts';
import { useAllowed } from '../permissions.ts';
import { href, type Route } from '../route.ts';
import { useAction } from '../useAction.ts';
import { useQuery } from '../useQuery.ts';

/** An artifact: its facts and download, every version of its name with their aliases, its lineage. */
export function ArtifactView(props: { route: Route; artifactId: string }) {
  const artifact = useQuery(ConsoleArtifactDocument, { id: props.artifactId });
  const current = artifact.data?.artifact;
  if (artifact.loading && !artifact.data) return html`<p class="loading">Loading…</p>`;
  if (artifact.error) return html`<${ErrorNote} error=${artifact.error} />`;
  if (!current) return html`<${NotFound} what="Artifact" />`;
  return html`<section>
    <nav class="crumbs"><a href=${href(['artifacts'])}>Artifacts</a> › ${current.name} › v${current.version}</nav>
    <h1>${current.name} <small>v${current.version}</small> ${current.aliases.map((a) => html`<span class="tag">${a}</span>`)}</h1>
    <p><a class="button primary" href=${current.downloadUrl} download>Download</a></p>
    <dl class="facts">
      <dt>Id</dt><dd><code>${current.id}</code></dd>
      <dt>Kind</dt><dd>${current.kind.toLowerCase()}</dd>
      <dt>Size</dt><dd>${formatBytes(current.size)}</dd>
      <dt>Type</dt><dd>${current.contentType}</dd>
      <dt>sha256</dt><dd><code>${current.sha256}</code></dd>
      <dt>Created</dt><dd>${formatTime(current.createdAt)}</dd>
      ${current.component ? html`<dt>Component</dt><dd>${current.component}</dd>` : ''}
      ${current.runId ? html`<dt>Run</dt><dd><a href=${href(['runs', current.runId])}><code>${current.runId}</code></a></dd>` : ''}
      ${current.workflowRunId ? html`<dt>Workflow run</dt><dd><a href=${href(['workflows', 'runs', current.workflowRunId])}><code>${current.workflowRunId}</code></a></dd>` : ''}
      ${current.tags.length ? html`<dt>Tags</dt><dd>${current.tags.map((t) => html`<span class="tag">${t}</span>`)}</dd>` : ''}
    </dl>
    <${Versions} name=${current.name} current=${current.id} onMoved=${artifact.reload} />
    <${Lineage} artifactId=${current.id} />
  </section>`;
}

/** Every version of a name; an alias moved to an older version is a rollback, so it asks first. */
function Versions(props: { name: string; current: string; onMoved(): void }) {
  const versions = useQuery(ConsoleArtifactsDocument, { first: 100, filter: { namePrefix: props.name } });
  const mayWrite = useAllowed('storage:write');
  const { failure, act } = useAction();
  const rows = (versions.data?.artifacts.edges ?? []).map((e) => e.node).filter((a) => a.name === props.name);
  const aliases = [...new Set(rows.flatMap((r) => r.aliases))].filter((a) => a !== 'latest').sort();
  const holder = (alias: string) => rows.find((r) => r.aliases.includes(alias))?.version;
  const move = async (alias: string, version: number) => {
    const from = holder(alias);
    if (from === version) return;
    const what = from !== undefined && version < from ? 'Roll back' : 'Move';
    if (
      !confirm(
        `${what} alias “${alias}” of ${props.name} from v${from ?? '—'} to v${version}? Whoever resolves “${alias}” gets v${version} from now on.`,
      )
    )
      return;
    await act(request(ConsoleSetArtifactAliasDocument, { name: props.name, alias, version }), () => {
      versions.reload();
      props.onMoved();
    });
  };
  return html`<section>
    <h2>Versions</h2>
    <${ErrorNote} error=${versions.error ?? failure} />
    <table class="data">
      <thead><tr><th>Version</th><th>Aliases</th><th>Size</th><th>Created</th>${mayWrite && aliases.length ? html`<th>Point an alias here</th>` : ''}</tr></thead>
      <tbody>${rows.map(
        (row) => html`<tr data-version=${row.version} class=${row.id === props.current ? 'current' : ''}>
          <td><a href=${href(['artifacts', row.id])}>v${row.version}</a></td>
          <td>${row.aliases.map((a) => html`<span class="tag">${a}</span>`)}</td>
          <td>${formatBytes(row.size)}</td>
          <td>${formatTime(row.createdAt)}</td>
          ${
            mayWrite && aliases.length
              ? html`<td class="actions">${aliases
                  .filter((a) => holder(a) !== row.version)
                  .map(
                    (a) =>
                      html`<button type="button" data-alias=${a} onClick=${() => move(a, row.version)}>${a} → v${row.version}</button>`,
                  )}</td>`
              : ''
          }
        </tr>`,
      )}</tbody>
    </table>
  </section>`;
}

/**
 * The artifacts this one came from and those made from it, with the runs and pipeline runs
 * that made each: artifact → run → artifact. Every node links to its own page, so the graph
 * can be walked.
 */
function Lineage(props: { artifactId: string }) {
  const [depth, setDepth] = useState(3);
  const lineage = useQuery(ConsoleArtifactLineageDocument, { id: props.artifactId, depth });
  const graph = lineage.data?.artifact?.lineage;
  if (!graph) return html`<${ErrorNote} error=${lineage.error} />`;
  const nodes = new Map<string, GraphNode>();
  const edges: [string, string][] = [];
  const producer = (artifact: (typeof graph.nodes)[number]) =>
    artifact.runId
      ? `run:${artifact.runId}`
      : artifact.workflowRunId
        ? `workflow:${artifact.workflowRunId}`
        : undefined;
  for (const a of graph.nodes) {
    nodes.set(a.id, {
      id: a.id,
      title: `${a.name} v${a.version}`,
      lines: [a.kind.toLowerCase()],
      tone: a.id === props.artifactId ? 'artifact current' : 'artifact',
      href: href(['artifacts', a.id]),
      data: { 'data-artifact': a.id },
    });
    if (a.runId)
      nodes.set(`run:${a.runId}`, {
        id: `run:${a.runId}`,
        title: 'run',
        lines: [shortId(a.runId)],
        tone: 'run',
        href: href(['runs', a.runId]),
        data: { 'data-run': a.runId },
      });
    else if (a.workflowRunId)
      nodes.set(`workflow:${a.workflowRunId}`, {
        id: `workflow:${a.workflowRunId}`,
        title: 'pipeline run',
        lines: [shortId(a.workflowRunId)],
        tone: 'workflow',
        href: href(['workflows', 'runs', a.workflowRunId]),
        data: { 'data-workflow-run': a.workflowRunId },
      });
    const made = producer(a);
    if (made) edges.push([made, a.id]);
  }
  const byId = new Map(graph.nodes.map((a) => [a.id, a]));
  for (const { parentId, childId } of graph.edges) {
    const child = byId.get(childId);
    const made = child && producer(child);
    // A parent feeds the run that made the child; with no run known, the edge is direct.
    edges.push([parentId, made ?? childId]);
  }
  return html`<section>
    <h2>Lineage
      <label class="inline">depth <select value=${depth} onChange=${(e: Event) => setDepth(Number((e.target as HTMLSelectElement).value))}>
        ${[1, 2, 3, 5, 8].map((d) => html`<option value=${d}>${d}</option>`)}
      </select></label>
    </h2>
    ${graph.nodes.length <= 1 && edges.length <= 1 ? html`<p class="empty">No lineage: nothing was derived from this artifact, nor it from another.</p>` : ''}
    <div class="graph-scroll"><${LayeredGraph} nodes=${[...nodes.values()]} edges=${edges} label="lineage" /></div>
  </section>`;
}
