import { batchedLoad, DateTimeScalar, JSONScalar } from '@jarvis/subgraph';
import { upstreamOf } from '../definition/dag.ts';
import type { Resolvers } from '../generated/resolvers.ts';
import type { RunFilter, WorkflowsService } from '../service.ts';

/** Thin: arguments in, service call, records out. */
export function createResolvers(
  service: WorkflowsService,
  engineInfo: () => {
    kind: string;
    temporalAddress: string | null;
    temporalNamespace: string | null;
    defaultTaskQueue: string;
  },
): Resolvers {
  const filterOf = (f: Record<string, unknown> | null | undefined): RunFilter => (f ?? {}) as RunFilter;
  return {
    DateTime: DateTimeScalar,
    JSON: JSONScalar,
    Query: {
      workflow: async (_p, { name, version }, ctx) =>
        (await service.workflow(ctx.principal, name, version)) ?? null,
      workflows: (_p, _a, ctx) => service.workflows(ctx.principal),
      workflowRun: async (_p, { id }, ctx) => (await service.run(ctx.principal, id)) ?? null,
      workflowRuns: (_p, { filter, first, after }, ctx) =>
        service.runPage(ctx.principal, filterOf(filter), first, after),
      schedule: async (_p, { id }, ctx) => (await service.schedule(ctx.principal, id)) ?? null,
      schedules: (_p, { workflow }, ctx) => service.schedules(ctx.principal, workflow),
      workflowEngine: () => engineInfo(),
    },
    Mutation: {
      registerWorkflow: (_p, { definition }, ctx) => service.register(ctx.principal, definition),
      startWorkflow: (_p, args, ctx) => service.startWorkflow(ctx.principal, args),
      startTemporalWorkflow: (_p, args, ctx) => service.startExternal(ctx.principal, args),
      cancelWorkflowRun: (_p, { id }, ctx) => service.cancel(ctx.principal, id),
      terminateWorkflowRun: (_p, { id, reason }, ctx) => service.terminate(ctx.principal, id, reason),
      signalWorkflowRun: (_p, { id, signal, payload }, ctx) =>
        service.signal(ctx.principal, id, signal, payload),
      retryWorkflowRun: (_p, { id }, ctx) => service.retry(ctx.principal, id),
      createSchedule: (_p, { input }, ctx) => service.createSchedule(ctx.principal, input as never),
      pauseSchedule: (_p, { id, note }, ctx) => service.setPaused(ctx.principal, id, true, note),
      unpauseSchedule: (_p, { id, note }, ctx) => service.setPaused(ctx.principal, id, false, note),
      triggerSchedule: (_p, { id }, ctx) => service.trigger(ctx.principal, id),
      deleteSchedule: (_p, { id }, ctx) => service.deleteSchedule(ctx.principal, id),
    },
    Workflow: {
      __resolveReference: async (ref, ctx) => (await service.workflow(ctx.principal, ref.name)) ?? null,
      description: (w) => w.definition.description ?? null,
      inputSchema: (w) => w.definition.inputSchema ?? null,
      taskQueue: (w) => w.definition.taskQueue,
      steps: (w) => w.definition.steps,
      output: (w) => w.definition.output ?? null,
      executionTimeoutMs: (w) => w.definition.executionTimeoutMs ?? null,
      versions: (w, _a, ctx) => service.workflowVersions(ctx.principal, w.name),
      runs: (w, { filter, first, after }, ctx) =>
        service.runPage(ctx.principal, { ...filterOf(filter), workflow: w.name }, first, after),
    },
    StepDefinition: {
      upstream: (s) => upstreamOf(s),
      input: (s) => s.input ?? null,
    },
    WorkflowRun: {
      __resolveReference: async (ref, ctx) =>
        (await batchedLoad(
          ctx,
          'workflows.WorkflowRun',
          (ids) => service.runsByIds(ctx.principal, ids),
          ref.id,
        )) ?? null,
      workflow: async (r, _a, ctx) =>
        r.kind === 'PIPELINE'
          ? ((await service.workflow(ctx.principal, r.workflowName, r.workflowVersion)) ?? null)
          : null,
      steps: (r) => service.steps(r.id),
      step: async (r, { id }) => (await service.step(r.id, id)) ?? null,
      events: (r, { afterSequence }) => service.events(r.id, afterSequence ?? 0),
      parent: async (r, _a, ctx) =>
        r.parentRunId ? ((await service.run(ctx.principal, r.parentRunId)) ?? null) : null,
      retryOf: async (r, _a, ctx) =>
        r.retryOf ? ((await service.run(ctx.principal, r.retryOf)) ?? null) : null,
      retries: (r, _a, ctx) => service.runs(ctx.principal, { retryOf: r.id }),
      schedule: async (r, _a, ctx) =>
        r.scheduleId ? ((await service.schedule(ctx.principal, r.scheduleId)) ?? null) : null,
      run: (r) => (r.experimentRunId ? { id: r.experimentRunId } : null),
    },
    StepRun: {
      childRun: async (s, _a, ctx) =>
        s.childRunId ? ((await service.run(ctx.principal, s.childRunId)) ?? null) : null,
    },
    WorkflowRunEvent: {
      step: async (e) => (e.stepId ? ((await service.step(e.runId, e.stepId)) ?? null) : null),
      run: async (e, _a, ctx) => service.requireRun(ctx.principal, e.runId),
    },
    Schedule: {
      __resolveReference: async (ref, ctx) => (await service.schedule(ctx.principal, ref.id)) ?? null,
      workflow: async (s, _a, ctx) => (await service.workflow(ctx.principal, s.workflowName)) ?? null,
      nextFireTimes: (s, { count }) => service.nextFireTimes(s, count ?? 5),
      runs: (s, { first, after }, ctx) => service.runPage(ctx.principal, { scheduleId: s.id }, first, after),
    },
    Run: {
      workflowRuns: async (r, _a, ctx) =>
        (await batchedLoad(
          ctx,
          'workflows.runsOfExperimentRun',
          (ids) => service.runsOfExperimentRuns(ctx.principal, ids),
          r.id,
        )) ?? [],
    },
  };
}
