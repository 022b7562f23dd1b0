import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import {
  ConsolePauseScheduleDocument,
  ConsoleSchedulesDocument,
  ConsoleTriggerScheduleDocument,
  ConsoleUnpauseScheduleDocument,
  ConsoleWorkflowRunsChangedDocument,
  ConsoleWorkflowRunsDocument,
  ConsoleWorkflowsDocument,
  type WorkflowRunStatus,
} from '../../generated/graphql.ts';
import { request, subscribe } from '../api.ts';
import { ErrorNote } from '../components/errorNote.ts';
import { cursorsOf, Pager, pageOf } from '../components/pager.ts';
import { StatusBadge } from '../components/statusBadge.ts';
import { formatDuration, formatTime } from '../format.ts';
import { useAllowed } from '../permissions.ts';
import { href, navigate, type Route, withParams } from '../route.ts';
import { useAction } from '../useAction.ts';
import { useQuery } from '../useQuery.ts';

const STATUSES: WorkflowRunStatus[] = [
  'PENDING',
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TERMINATED',
  'TIMED_OUT',
];

export function Progress(props: { value: number }) {
  const percent = Math.round(Math.min(1, Math.max(0, props.value)) * 100);
  return html`<span class="progress" role="progressbar" aria-valuenow=${percent} aria-valuemin="0" aria-valuemax="100"><span style=${`width:${percent}%`}></span></span>`;
}

/** Pipelines' runs, newest first, their status and progress moving live; schedules beside them. */
export function WorkflowsView(props: { route: Route }) {
  const { params } = props.route;
  const workflow = params.get('workflow') ?? '';
  const status = params.get('status') ?? '';
  const cursors = cursorsOf(props.route);
  const workflows = useQuery(ConsoleWorkflowsDocument, {});
  const runs = useQuery(ConsoleWorkflowRunsDocument, {
    ...pageOf(props.route),
    filter: {
      ...(workflow ? { workflow } : {}),
      ...(status ? { status: [status as WorkflowRunStatus] } : {}),
    },
  });
  const { reload, update } = runs;
  useEffect(() => {
    const live = subscribe(
      ConsoleWorkflowRunsChangedDocument,
      {},
      {
        next: ({ workflowRunsChanged: change }) => {
          let known = false;
          update((data) => ({
            workflowRuns: {
              ...data.workflowRuns,
              edges: data.workflowRuns.edges.map((edge) => {
                if (edge.node.id !== change.runId) return edge;
                known = true;
                return {
                  ...edge,
                  node: {
                    ...edge.node,
                    status: change.status,
                    progress: change.progress ?? edge.node.progress,
                  },
                };
              }),
            },
          }));
          // A run this page has not seen yet (just started): the first page shows it.
          if (!known && change.type === 'RUN_STARTED' && cursors.length === 0) reload();
        },
      },
    );
    return () => live.close();
  }, [cursors.join(',')]);
  const list = runs.data?.workflowRuns;
  return html`<section>
    <h1>Workflows</h1>
    <form class="filter" onSubmit=${(e: Event) => e.preventDefault()}>
      <label>Pipeline
        <select value=${workflow} onChange=${(e: Event) => navigate(withParams(props.route, { workflow: (e.target as HTMLSelectElement).value || undefined, page: undefined }))}>
          <option value="">all</option>
          ${(workflows.data?.workflows ?? []).map((w) => html`<option value=${w.name}>${w.name}</option>`)}
        </select>
      </label>
      <label>Status
        <select value=${status} onChange=${(e: Event) => navigate(withParams(props.route, { status: (e.target as HTMLSelectElement).value || undefined, page: undefined }))}>
          <option value="">any</option>
          ${STATUSES.map((s) => html`<option value=${s}>${s.toLowerCase()}</option>`)}
        </select>
      </label>
    </form>
    <${ErrorNote} error=${runs.error} />
    ${list && list.edges.length === 0 ? html`<p class="empty">No runs${workflow || status ? ' match' : ' yet: start one with component.workflows.start(…)'}.</p>` : ''}
    ${
      list?.edges.length
        ? html`<table class="data">
          <thead><tr><th>Run</th><th>Pipeline</th><th>Status</th><th>Progress</th><th>Component</th><th>Created</th><th>Duration</th></tr></thead>
          <tbody>${list.edges.map(
            ({ node }) => html`<tr data-workflow-run=${node.id}>
              <td><a href=${href(['workflows', 'runs', node.id])}><code>${node.id.slice(0, 12)}</code></a></td>
              <td>${node.workflowName}${node.workflowVersion ? html` <small>v${node.workflowVersion}</small>` : ''}</td>
              <td><${StatusBadge} status=${node.status} /></td>
              <td><${Progress} value=${node.progress} /> ${node.message ?? ''}</td>
              <td>${node.component ?? '—'}</td>
              <td>${formatTime(node.createdAt)}</td>
              <td>${formatDuration(node.startedAt, node.endedAt)}</td>
            </tr>`,
          )}</tbody>
        </table>
        <${Pager} route=${props.route} connection=${list} />`
        : ''
    }
    <${Schedules} />
  </section>`;
}

function Schedules() {
  const schedules = useQuery(ConsoleSchedulesDocument, {});
  const mayWrite = useAllowed('workflows:write');
  const mayLaunch = useAllowed('workflows:launch');
  const { failure, act: start } = useAction();
  const act = (action: Promise<unknown>) => start(action, schedules.reload);
  const list = schedules.data?.schedules ?? [];
  return html`<section>
    <h2>Schedules</h2>
    <${ErrorNote} error=${schedules.error ?? failure} />
    ${schedules.data && list.length === 0 ? html`<p class="empty">No schedules.</p>` : ''}
    ${
      list.length
        ? html`<table class="data">
          <thead><tr><th>Pipeline</th><th>When</th><th>Next fire times</th><th>Last fired</th><th>State</th><th></th></tr></thead>
          <tbody>${list.map(
            (s) => html`<tr data-schedule=${s.id}>
              <td>${s.workflowName}</td>
              <td>${s.cron ? html`<code>${s.cron}</code> ${s.timezone}` : s.trigger ? `on ${s.trigger.kind.toLowerCase()} ${s.trigger.artifactName ?? s.trigger.workflow ?? ''}` : '—'}</td>
              <td>${s.paused ? '—' : s.nextFireTimes.map((t) => html`<div>${formatTime(t)}</div>`)}</td>
              <td>${formatTime(s.lastFiredAt)}</td>
              <td>${s.paused ? html`<span class="badge status-paused">paused</span>${s.note ? html` <small>${s.note}</small>` : ''}` : html`<span class="badge status-running">active</span>`}</td>
              <td class="actions">
                ${
                  mayWrite
                    ? s.paused
                      ? html`<button type="button" onClick=${() => act(request(ConsoleUnpauseScheduleDocument, { id: s.id }))}>Unpause</button>`
                      : html`<button type="button" onClick=${() => act(request(ConsolePauseScheduleDocument, { id: s.id }))}>Pause</button>`
                    : ''
                }
                ${mayLaunch ? html`<button type="button" onClick=${() => act(request(ConsoleTriggerScheduleDocument, { id: s.id }))}>Trigger now</button>` : ''}
              </td>
            </tr>`,
          )}</tbody>
        </table>`
        : ''
    }
  </section>`;
}
