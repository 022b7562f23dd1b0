import type { EntityQueries, SubscriptionField } from '@jarvis/subgraph';
import type { RunEvent, RunRecord, RunStatus } from './records.ts';

/** Where a run's events are published, for `workflowRunEvents`. */
export const runEventTopic = (runId: string) => `workflows.run.${runId}`;
/** Where every run change of a project is published, for `workflowRunsChanged`. */
export const runsTopic = (projectId: string) => `workflows.runs.${projectId}`;

/** A WorkflowRunChange as published: enough to filter on; the router fetches `run` itself. */
export function runChange(run: RunRecord, event: RunEvent, status: RunStatus) {
  return {
    type: event.type,
    runId: run.id,
    workflow: run.workflowName,
    component: run.component,
    status,
    stepId: event.stepId,
    progress: event.progress,
    message: event.message,
    at: event.at,
    run: { id: run.id },
  };
}

type RunChange = ReturnType<typeof runChange>;

const EVENT_FIELDS = 'sequence type runId stepId attempt progress message data at';

/** The workflows subgraph's subscriptions, as the router serves them. */
export const subscriptionFields: Record<string, SubscriptionField> = {
  workflowRunEvents: {
    topic: (args) => runEventTopic(String(args.runId)),
    requires: { type: 'WorkflowRun', idArg: 'runId' },
    filter: (args, payload) => (payload as RunEvent).sequence > Number(args.afterSequence ?? 0),
    // What already happened (after `afterSequence`) comes first, from the log; live events continue after it.
    replay: {
      query: `query($runId: ID!, $after: Int) { replay: workflowRun(id: $runId) { events(afterSequence: $after) { ${EVENT_FIELDS} } } }`,
      variables: (args) => ({ runId: args.runId, after: args.afterSequence ?? 0 }),
      events: (data) =>
        ((data as { replay?: { events?: RunEvent[] } | null }).replay?.events ?? []).map((e) => ({
          ...e,
          run: { id: e.runId },
        })),
      sequence: (event) => (event as RunEvent).sequence,
    },
  },
  workflowRunsChanged: {
    topic: (_args, context) => runsTopic(context.principal.projectId),
    filter: (args, payload) => {
      const filter = (args.filter ?? {}) as { workflow?: string; status?: RunStatus[]; component?: string };
      const change = payload as RunChange;
      return (
        (!filter.workflow || filter.workflow === change.workflow) &&
        (!filter.component || filter.component === change.component) &&
        (!filter.status?.length || filter.status.includes(change.status))
      );
    },
  },
};

/** How the router fetches the entities this subgraph owns when an event names them. */
export const entityQueries: EntityQueries = {
  WorkflowRun: 'query($entityId: ID!) { entity: workflowRun(id: $entityId) SELECTION }',
};
