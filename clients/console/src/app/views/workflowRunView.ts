import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  ConsoleCancelWorkflowRunDocument,
  ConsoleRetryWorkflowRunDocument,
  ConsoleSignalWorkflowRunDocument,
  ConsoleWorkflowRunDocument,
  ConsoleWorkflowRunEventsDocument,
  type ConsoleWorkflowRunEventsSubscription,
} from '../../generated/graphql.ts';
import { request, subscribe } from '../api.ts';
import { ErrorNote, NotFound } from '../components/errorNote.ts';
import { type GraphNode, LayeredGraph } from '../components/layeredGraph.ts';
import { StatusBadge } from '../components/statusBadge.ts';
import { formatDuration, formatTime } from '../format.ts';
import { useAllowed } from '../permissions.ts';
import { href, navigate } from '../route.ts';
import { useAction } from '../useAction.ts';
import { useQuery } from '../useQuery.ts';
import { Progress } from './workflowsView.ts';

type RunEvent = ConsoleWorkflowRunEventsSubscription['workflowRunEvents'];
const ENDED = ['COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT'];

/**
 * One pipeline run: its DAG with each step's state, attempts, timings and errors, redrawn as
 * `workflowRunEvents` arrive (each event refetches the run, so the page shows the server's
 * state, not a guess); cancel, retry and signal for those allowed to.
 */
export function WorkflowRunView(props: { runId: string }) {
  const run = useQuery(ConsoleWorkflowRunDocument, { id: props.runId });
  const [events, setEvents] = useState<RunEvent[]>([]);
  const { failure, act: start } = useAction();
  const mayLaunch = useAllowed('workflows:launch');
  const lastSequence = useRef(0);
  const { reload } = run;
  useEffect(() => {
    setEvents([]);
    lastSequence.current = 0;
    let pending: ReturnType<typeof setTimeout> | undefined;
    const live = subscribe(
      ConsoleWorkflowRunEventsDocument,
      () => ({ runId: props.runId, afterSequence: lastSequence.current }),
      {
        next: ({ workflowRunEvents: event }) => {
          if (event.sequence <= lastSequence.current) return;
          lastSequence.current = event.sequence;
          setEvents((list) => [...list.slice(-199), event]);
          // Bursts of progress events fold into one refetch.
          pending ??= setTimeout(() => {
            pending = undefined;
            reload();
          }, 150);
        },
      },
    );
    return () => {
      live.close();
      if (pending) clearTimeout(pending);
    };
  }, [props.runId, reload]);

  if (run.loading && !run.data) return html`<p class="loading">Loading…</p>`;
  if (run.error && !run.data) return html`<${ErrorNote} error=${run.error} />`;
  const current = run.data?.workflowRun;
  if (!current) return html`<${NotFound} what="Workflow run" />`;
  const ended = ENDED.includes(current.status);
  const act = (action: Promise<{ id: string }>, follow = false) =>
    start(action, (result) => {
      if (follow && result.id !== current.id) navigate(href(['workflows', 'runs', result.id]));
      else run.reload();
    });
  const stepRuns = new Map(current.steps.map((s) => [s.stepId, s]));
  const definition =
    current.workflow?.steps ??
    current.steps.map((s) => ({
      id: s.stepId,
      kind: s.kind,
      activity: s.activity,
      signal: null,
      upstream: [],
    }));
  const nodes: GraphNode[] = definition.map((step) => {
    const state = stepRuns.get(step.id);
    const status = state?.status ?? 'PENDING';
    return {
      id: step.id,
      title: step.id,
      tone: `status-${status.toLowerCase()}`,
      lines: [
        `${status.toLowerCase()}${state && state.attempt > 1 ? ` · attempt ${state.attempt}` : ''}${state?.progress && status === 'RUNNING' ? ` · ${Math.round(state.progress * 100)}%` : ''}`,
        state?.error
          ? state.error.message
          : state?.startedAt
            ? formatDuration(state.startedAt, state.endedAt)
            : (step.activity ?? step.kind.toLowerCase()),
      ],
      data: { 'data-step': step.id, 'data-status': status },
    };
  });
  const edges = definition.flatMap((step) => step.upstream.map((up): [string, string] => [up, step.id]));
  const waitingSignals = definition.filter(
    (step) => step.signal && stepRuns.get(step.id)?.status === 'WAITING',
  );
  return html`<section>
    <nav class="crumbs"><a href=${href(['workflows'])}>Workflows</a> › ${current.workflowName} › <code>${current.id.slice(0, 12)}</code></nav>
    <h1>${current.workflowName} <${StatusBadge} status=${current.status} /></h1>
    <div class="toolbar">
      <${Progress} value=${current.progress} /> <span>${current.message ?? ''}</span>
      ${
        mayLaunch && !ended
          ? html`<button type="button" class="danger" onClick=${() => {
              if (confirm(`Cancel run ${current.id}? Running steps are told to stop.`))
                void act(
                  request(ConsoleCancelWorkflowRunDocument, { id: current.id }).then(
                    (r) => r.cancelWorkflowRun,
                  ),
                );
            }}>Cancel run</button>`
          : ''
      }
      ${
        mayLaunch && ['FAILED', 'CANCELLED', 'TIMED_OUT', 'TERMINATED'].includes(current.status)
          ? html`<button type="button" onClick=${() =>
              act(
                request(ConsoleRetryWorkflowRunDocument, { id: current.id }).then((r) => r.retryWorkflowRun),
                true,
              )}>Retry</button>`
          : ''
      }
      ${mayLaunch ? waitingSignals.map((step) => html`<button type="button" onClick=${() => act(request(ConsoleSignalWorkflowRunDocument, { id: current.id, signal: step.signal! }).then((r) => r.signalWorkflowRun))}>Send “${step.signal}”</button>`) : ''}
    </div>
    <${ErrorNote} error=${failure ?? run.error} />
    ${current.error ? html`<p class="error">${current.error.type}: ${current.error.message}</p>` : ''}
    <dl class="facts">
      <dt>Id</dt><dd><code>${current.id}</code></dd>
      <dt>Engine</dt><dd>${current.engine}</dd>
      <dt>Created</dt><dd>${formatTime(current.createdAt)}</dd>
      <dt>Duration</dt><dd>${formatDuration(current.startedAt, current.endedAt)}</dd>
      ${current.run ? html`<dt>Experiment run</dt><dd><a href=${href(['runs', current.run.id])}>${current.run.name || current.run.id}</a></dd>` : ''}
      ${current.retryOf ? html`<dt>Retry of</dt><dd><a href=${href(['workflows', 'runs', current.retryOf.id])}><code>${current.retryOf.id.slice(0, 12)}</code></a></dd>` : ''}
    </dl>
    <div class="graph-scroll"><${LayeredGraph} nodes=${nodes} edges=${edges} label=${`steps of ${current.workflowName}`} /></div>
    <table class="data compact">
      <thead><tr><th>Step</th><th>Status</th><th>Attempt</th><th>Started</th><th>Duration</th><th>Message / error</th></tr></thead>
      <tbody>${current.steps.map(
        (s) =>
          html`<tr data-step-row=${s.stepId}><td>${s.stepId}</td><td><${StatusBadge} status=${s.status} /></td><td>${s.attempt}</td><td>${formatTime(s.startedAt)}</td><td>${formatDuration(s.startedAt, s.endedAt)}</td><td>${s.error ? html`<span class="error">${s.error.type}: ${s.error.message}</span>` : (s.message ?? '')}</td></tr>`,
      )}</tbody>
    </table>
    <details class="events" open=${!ended}>
      <summary>Events (${events.length})</summary>
      <ol>${events.map((e) => html`<li><time>${formatTime(e.at)}</time> ${e.type.toLowerCase().replace(/_/g, ' ')}${e.stepId ? ` · ${e.stepId}` : ''}${e.message ? ` · ${e.message}` : ''}</li>`)}</ol>
    </details>
  </section>`;
}
