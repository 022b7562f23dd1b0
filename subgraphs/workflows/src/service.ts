import { createHash, randomUUID } from 'node:crypto';
import type { Logger, Principal } from '@jarvis/context';
import { badUserInput, conflict, notFound } from '@jarvis/errors';
import type { PubSub } from '@jarvis/pubsub';
import {
  ARTIFACT_CREATED_TOPIC,
  type ArtifactCreated,
  decodeCursor,
  pageSize,
  toConnection,
} from '@jarvis/subgraph';
import { abortReasonOfRun, type StepReport, type WorkflowsConnection } from '@jarvis/workflow-protocol';
import { checkInput } from './definition/inputSchema.ts';
import { validateDefinition, type WorkflowDefinitionInput } from './definition/validateDefinition.ts';
import type { WorkflowDefinition } from './definition/workflowDefinition.ts';
import { checkCron } from './engine/cronTimes.ts';
import { EventBatcher } from './engine/eventBatcher.ts';
import type { Transitions } from './engine/transitions.ts';
import type { WorkflowEngine } from './engine/workflowEngine.ts';
import {
  FINISHED,
  type OverlapPolicy,
  type RunRecord,
  type ScheduleRecord,
  type ScheduleTrigger,
  type WorkflowRecord,
} from './records.ts';
import type { RunFilter, RunStore } from './store/runStore.ts';
import type { Sql } from './store/tables.ts';

export type { RunFilter };

export interface StartWorkflowInput {
  workflow: string;
  version?: number | null;
  input?: unknown;
  component?: string | null;
  idempotencyKey?: string | null;
  /** The experiment run the pipeline logs into (Run.id of the experiments subgraph). */
  experimentRunId?: string | null;
}

export interface StartExternalInput {
  workflowType: string;
  taskQueue: string;
  /** Arguments of the workflow function; a single value is passed as the only argument. */
  args?: unknown[] | null;
  component?: string | null;
  idempotencyKey?: string | null;
  experimentRunId?: string | null;
}

export interface ScheduleInput {
  workflow: string;
  input?: unknown;
  component?: string | null;
  cron?: string | null;
  timezone?: string | null;
  overlap?: OverlapPolicy | null;
  trigger?: ScheduleTrigger | null;
  paused?: boolean | null;
  note?: string | null;
}

const digestOf = (definition: WorkflowDefinition) =>
  createHash('sha256').update(JSON.stringify(definition)).digest('hex');

/** The seed's Workflow Service: definitions, runs, schedules and triggers over one engine. */
export class WorkflowsService {
  readonly store: RunStore;
  readonly transitions: Transitions;
  /** Set by the subgraph's start(). */
  engine!: WorkflowEngine;
  private readonly pubsub: PubSub;
  private readonly logger: Logger;
  private readonly defaultTaskQueue: string;
  private readonly definitions = new Map<string, Promise<WorkflowDefinition>>();
  private artifactTriggers: AsyncIterableIterator<ArtifactCreated> | undefined;
  /** Workers' reports, written in group commits. */
  private readonly reports: EventBatcher;

  constructor(options: {
    store: RunStore;
    transitions: Transitions;
    pubsub: PubSub;
    logger: Logger;
    defaultTaskQueue: string;
  }) {
    this.store = options.store;
    this.transitions = options.transitions;
    this.pubsub = options.pubsub;
    this.logger = options.logger;
    this.defaultTaskQueue = options.defaultTaskQueue;
    this.reports = new EventBatcher(this.transitions, async (tx, runId, events) => {
      const run = await this.store.lockRun(tx.trx, runId);
      if (!run) throw notFound(`no workflow run ${JSON.stringify(runId)}`);
      // A worker hears of the run's end at its next heartbeat: what it reports until then is
      // dropped, as on the local engine, so a finished run's history ends with its ending.
      if (!FINISHED.includes(run.status)) await tx.emit(run, events);
    });
  }

  async start() {
    await this.engine.start();
    this.artifactTriggers = await this.pubsub.subscribe<ArtifactCreated>(ARTIFACT_CREATED_TOPIC);
    void this.followArtifacts(this.artifactTriggers);
  }

  async stop() {
    await this.artifactTriggers?.return?.();
    await this.engine.stop();
    await this.reports.drain();
  }

  // Definitions

  async register(principal: Principal, input: WorkflowDefinitionInput): Promise<WorkflowRecord> {
    const definition = validateDefinition(input, this.defaultTaskQueue);
    for (const step of definition.steps)
      if (
        step.kind === 'CHILD_WORKFLOW' &&
        !(await this.store.latestWorkflow(principal.projectId, step.workflow!))
      )
        throw badUserInput(
          `workflow "${definition.name}" is not valid: steps[${definition.steps.indexOf(step)}] (${step.id}).workflow: no workflow "${step.workflow}" is registered; register it first`,
          {
            problems: [
              { at: `steps[${definition.steps.indexOf(step)}].workflow`, message: 'not registered' },
            ],
          },
        );
    return this.store.saveWorkflow(principal.projectId, definition, digestOf(definition));
  }

  async workflow(principal: Principal, name: string, version?: number | null) {
    return this.store.latestWorkflow(principal.projectId, name, version);
  }

  private async requireWorkflow(projectId: string, name: string, version?: number | null, q?: Sql) {
    const found = await this.store.latestWorkflow(projectId, name, version, q);
    if (!found)
      throw notFound(
        version
          ? `workflow "${name}" has no version ${version}`
          : `no workflow "${name}" in this project; register it with registerWorkflow`,
        { argument: 'workflow' },
      );
    return found;
  }

  /** A run's definition, by its pinned version (immutable, so cached). */
  /** Inside a transaction pass it: PGlite has one connection, so a query beside it would wait forever. */
  definition = (run: Pick<RunRecord, 'projectId' | 'workflowName' | 'workflowVersion'>, q?: Sql) => {
    const key = `${run.projectId}\u0000${run.workflowName}\u0000${run.workflowVersion}`;
    let found = this.definitions.get(key);
    if (!found) {
      found = this.requireWorkflow(run.projectId, run.workflowName, run.workflowVersion, q).then(
        (w) => w.definition,
      );
      found.catch(() => this.definitions.delete(key));
      this.definitions.set(key, found);
    }
    return found;
  };

  latest = (projectId: string, name: string, q?: Sql) => this.requireWorkflow(projectId, name, null, q);

  // Runs

  async startWorkflow(principal: Principal, input: StartWorkflowInput, extra: { scheduleId?: string } = {}) {
    if (input.idempotencyKey) {
      const existing = await this.store.runByIdempotencyKey(principal.projectId, input.idempotencyKey);
      if (existing) return this.sameRequest(existing, input.workflow, input.idempotencyKey);
    }
    const workflow = await this.requireWorkflow(principal.projectId, input.workflow, input.version);
    const runInput = input.input ?? {};
    checkInput(workflow.name, workflow.definition.inputSchema, runInput);
    const { definition } = workflow;
    try {
      return await this.engine.startRun(
        {
          id: randomUUID(),
          projectId: principal.projectId,
          workflowName: workflow.name,
          workflowVersion: workflow.version,
          kind: 'PIPELINE',
          engine: this.engine.kind,
          input: runInput,
          component: input.component ?? null,
          idempotencyKey: input.idempotencyKey ?? null,
          experimentRunId: input.experimentRunId ?? null,
          scheduleId: extra.scheduleId ?? null,
          taskQueue: definition.taskQueue,
          deadlineAt: definition.executionTimeoutMs
            ? new Date(Date.now() + definition.executionTimeoutMs)
            : null,
        },
        definition,
      );
    } catch (error) {
      // Two requests with one key: the loser answers with the winner's run.
      if (input.idempotencyKey && /unique|duplicate/i.test(String((error as Error).message))) {
        const existing = await this.store.runByIdempotencyKey(principal.projectId, input.idempotencyKey);
        if (existing) return this.sameRequest(existing, input.workflow, input.idempotencyKey);
      }
      throw error;
    }
  }

  private sameRequest(existing: RunRecord, workflow: string, key: string) {
    if (existing.workflowName !== workflow)
      throw conflict(
        `idempotencyKey ${JSON.stringify(key)} already started a run of "${existing.workflowName}"; use a new key`,
        { runId: existing.id },
      );
    return existing;
  }

  /** Any Temporal workflow type, by name on a task queue (the seed's start_workflow). */
  async startExternal(principal: Principal, input: StartExternalInput) {
    if (this.engine.kind !== 'temporal')
      throw badUserInput(
        `starting a Temporal workflow type by name needs the Temporal engine (services.workflow.type: temporal); on the local engine register a pipeline with registerWorkflow`,
      );
    if (input.idempotencyKey) {
      const existing = await this.store.runByIdempotencyKey(principal.projectId, input.idempotencyKey);
      if (existing) return this.sameRequest(existing, input.workflowType, input.idempotencyKey);
    }
    return this.engine.startRun(
      {
        id: randomUUID(),
        projectId: principal.projectId,
        workflowName: input.workflowType,
        workflowVersion: null,
        kind: 'EXTERNAL',
        engine: 'temporal',
        input: input.args ?? [],
        component: input.component ?? null,
        idempotencyKey: input.idempotencyKey ?? null,
        experimentRunId: input.experimentRunId ?? null,
        taskQueue: input.taskQueue,
      },
      null,
    );
  }

  async run(principal: Principal, id: string) {
    const run = await this.store.run(id);
    return run && run.projectId === principal.projectId ? run : undefined;
  }

  /** Runs by id, for entity references: a Map of those in the caller's project. */
  async runsByIds(principal: Principal, ids: readonly string[]) {
    const runs = await this.store.runsByIds(ids);
    return new Map(runs.filter((r) => r.projectId === principal.projectId).map((r) => [r.id, r]));
  }

  /** The runs (up to 100 each) logging into each of these experiment runs, in one query. */
  async runsOfExperimentRuns(principal: Principal, experimentRunIds: readonly string[]) {
    const byRun = new Map<string, RunRecord[]>();
    for (const run of await this.store.runsOfExperimentRuns(principal.projectId, experimentRunIds, 100)) {
      const list = byRun.get(run.experimentRunId!);
      if (list) list.push(run);
      else byRun.set(run.experimentRunId!, [run]);
    }
    return byRun;
  }

  async requireRun(principal: Principal, id: string) {
    const run = await this.run(principal, id);
    if (!run) throw notFound(`no workflow run ${JSON.stringify(id)} in this project`, { argument: 'id' });
    return run;
  }

  // Reads the resolvers need, in the project of the caller: the store stays behind the service.

  workflows(principal: Principal) {
    return this.store.workflows(principal.projectId);
  }

  workflowVersions(principal: Principal, name: string) {
    return this.store.workflowVersions(principal.projectId, name);
  }

  schedule(principal: Principal, id: string) {
    return this.store.schedule(principal.projectId, id);
  }

  schedules(principal: Principal, workflow?: string | null) {
    return this.store.schedules(principal.projectId, workflow);
  }

  steps(runId: string) {
    return this.store.steps(runId);
  }

  async step(runId: string, stepId: string) {
    return (await this.store.steps(runId)).find((s) => s.stepId === stepId);
  }

  events(runId: string, afterSequence: number) {
    return this.store.events(runId, afterSequence);
  }

  /** Up to 100 runs matching the filter (retries of a run, the runs logging into one experiment run). */
  runs(principal: Principal, filter: RunFilter) {
    return this.store.runs(principal.projectId, filter, 100);
  }

  async runPage(principal: Principal, filter: RunFilter, first?: number | null, after?: string | null) {
    const size = pageSize(first);
    const cursor = after ? (decodeCursor(after) as { c: string; i: string }) : undefined;
    const rows = await this.store.runs(
      principal.projectId,
      filter,
      size + 1,
      cursor ? { createdAt: new Date(cursor.c), id: cursor.i } : undefined,
    );
    return toConnection(
      rows,
      size,
      (run) => ({ c: run.createdAt.toISOString(), i: run.id }),
      await this.store.countRuns(principal.projectId, filter),
      Boolean(after),
    );
  }

  private async requireActive(principal: Principal, id: string, doing: string) {
    const run = await this.requireRun(principal, id);
    if (FINISHED.includes(run.status))
      throw conflict(`workflow run ${id} is already ${run.status}; there is nothing to ${doing}`, {
        status: run.status,
      });
    return run;
  }

  async cancel(principal: Principal, id: string) {
    await this.engine.cancel(await this.requireActive(principal, id, 'cancel'));
    return this.requireRun(principal, id);
  }

  async terminate(principal: Principal, id: string, reason?: string | null) {
    await this.engine.terminate(await this.requireActive(principal, id, 'terminate'), reason ?? 'terminated');
    return this.requireRun(principal, id);
  }

  async signal(principal: Principal, id: string, name: string, payload: unknown) {
    await this.engine.signal(await this.requireActive(principal, id, 'signal'), name, payload ?? null);
    return this.requireRun(principal, id);
  }

  /** A new run of a run that did not complete, keeping the outputs of the steps it completed. */
  async retry(principal: Principal, id: string) {
    const failed = await this.requireRun(principal, id);
    if (!FINISHED.includes(failed.status) || failed.status === 'COMPLETED')
      throw conflict(
        `workflow run ${id} is ${failed.status}; only a run that failed, timed out or was cancelled can be retried`,
        {
          status: failed.status,
        },
      );
    if (failed.kind !== 'PIPELINE')
      throw badUserInput('only pipeline runs can be retried from their failed step');
    const definition = await this.definition(failed);
    const completed: Record<string, unknown> = {};
    for (const step of await this.store.steps(failed.id))
      if (step.status === 'COMPLETED') completed[step.stepId] = step.output;
    return this.engine.startRun(
      {
        id: randomUUID(),
        projectId: failed.projectId,
        workflowName: failed.workflowName,
        workflowVersion: failed.workflowVersion,
        kind: 'PIPELINE',
        engine: this.engine.kind,
        input: failed.input,
        component: failed.component,
        idempotencyKey: null,
        retryOf: failed.id,
        experimentRunId: failed.experimentRunId,
        taskQueue: failed.taskQueue,
        deadlineAt: definition.executionTimeoutMs
          ? new Date(Date.now() + definition.executionTimeoutMs)
          : null,
      },
      definition,
      completed,
    );
  }

  /** Events a Temporal activity reports (progress, logs, retries), recorded and streamed. */
  async report(runId: string, events: StepReport[]) {
    await this.reports.add(runId, events);
  }

  /** Why a run stops its attempts, from how it ended (the same answer on both engines). */
  async stopReason(runId: string) {
    const run = await this.store.run(runId);
    return run ? abortReasonOfRun(run.status) : null;
  }

  /** What a worker in this process uses: the engine's half plus the router for metrics. */
  workerConnection(graphql: WorkflowsConnection['graphql']): WorkflowsConnection {
    return {
      ...this.engine.connection,
      report: (runId, events) => this.report(runId, events),
      experimentRunOf: async (runId) => (await this.store.run(runId))?.experimentRunId ?? null,
      stopReason: (runId) => this.stopReason(runId),
      graphql,
    };
  }

  // Schedules

  async createSchedule(principal: Principal, input: ScheduleInput) {
    const workflow = await this.requireWorkflow(principal.projectId, input.workflow);
    checkInput(workflow.name, workflow.definition.inputSchema, input.input ?? {});
    if (!input.cron && !input.trigger)
      throw badUserInput('a schedule needs a cron expression or an event trigger', { argument: 'cron' });
    if (input.cron && input.trigger)
      throw badUserInput('a schedule has a cron expression or an event trigger, not both', {
        argument: 'trigger',
      });
    const timezone = input.timezone ?? 'UTC';
    if (input.cron) checkCron(input.cron, timezone);
    if (input.trigger?.kind === 'WORKFLOW_COMPLETED' && !input.trigger.workflow)
      throw badUserInput('a WORKFLOW_COMPLETED trigger names the workflow to follow', {
        argument: 'trigger.workflow',
      });
    const id = `sch-${randomUUID().slice(0, 12)}`;
    const schedule = await this.store.insertSchedule({
      id,
      projectId: principal.projectId,
      workflowName: workflow.name,
      input: input.input ?? {},
      component: input.component ?? null,
      cron: input.cron ?? null,
      timezone,
      overlap: input.overlap ?? 'SKIP',
      trigger: input.trigger ?? null,
      paused: input.paused ?? false,
      note: input.note ?? null,
      engine: this.engine.kind,
    });
    try {
      if (schedule.cron) await this.engine.saveSchedule(schedule, workflow.definition);
    } catch (error) {
      await this.store.deleteSchedule(id);
      throw error;
    }
    return (await this.store.schedule(principal.projectId, id))!;
  }

  async requireSchedule(principal: Principal, id: string) {
    const schedule = await this.store.schedule(principal.projectId, id);
    if (!schedule) throw notFound(`no schedule ${JSON.stringify(id)} in this project`, { argument: 'id' });
    return schedule;
  }

  async setPaused(principal: Principal, id: string, paused: boolean, note?: string | null) {
    const schedule = await this.requireSchedule(principal, id);
    await this.store.setSchedulePaused(id, paused, note);
    const updated = (await this.store.schedule(principal.projectId, id))!;
    // Read fresh: the definition cache is for pinned versions, and "latest" moves.
    if (updated.cron)
      await this.engine.saveSchedule(
        updated,
        (await this.latest(schedule.projectId, schedule.workflowName)).definition,
      );
    return (await this.store.schedule(principal.projectId, id))!;
  }

  async trigger(principal: Principal, id: string) {
    const schedule = await this.requireSchedule(principal, id);
    await this.engine.triggerSchedule(schedule);
    return schedule;
  }

  async deleteSchedule(principal: Principal, id: string) {
    const schedule = await this.requireSchedule(principal, id);
    await this.engine.deleteSchedule(schedule);
    await this.store.deleteSchedule(id);
    return true;
  }

  nextFireTimes(schedule: ScheduleRecord, count: number) {
    return this.engine.nextFireTimes(schedule, Math.min(Math.max(count, 1), 100));
  }

  /** A schedule's time came (local engine) or its event happened: start a run, minding overlap. */
  fireSchedule = async (schedule: ScheduleRecord, idempotencyKey?: string) => {
    const principal = {
      kind: 'service',
      userId: `schedule:${schedule.id}`,
      projectId: schedule.projectId,
      roles: [],
    } as Principal;
    if (schedule.overlap !== 'ALLOW_ALL') {
      const running = await this.store.runs(
        schedule.projectId,
        { scheduleId: schedule.id, status: ['PENDING', 'RUNNING'] },
        1,
      );
      if (running.length > 0) {
        if (schedule.overlap === 'BUFFER_ONE') await this.store.bufferScheduleFire(schedule.id);
        this.logger.info(
          { scheduleId: schedule.id, overlap: schedule.overlap },
          'schedule fired while its last run is still going',
        );
        return;
      }
    }
    await this.startWorkflow(
      principal,
      {
        workflow: schedule.workflowName,
        input: schedule.input,
        component: schedule.component,
        idempotencyKey: idempotencyKey ?? null,
      },
      { scheduleId: schedule.id },
    );
  };

  /** After a run ends: a buffered schedule fire, and WORKFLOW_COMPLETED triggers. */
  runEnded = async (run: RunRecord) => {
    if (run.scheduleId) {
      const released = await this.store.releaseBufferedFire(run.scheduleId);
      if (released) await this.fireSchedule((await this.store.schedule(null, run.scheduleId))!);
    }
    if (run.status !== 'COMPLETED') return;
    for (const s of await this.store.triggered(run.projectId, 'WORKFLOW_COMPLETED'))
      if (s.trigger?.kind === 'WORKFLOW_COMPLETED' && s.trigger.workflow === run.workflowName)
        await this.fireSchedule(s, `trigger:${s.id}:run:${run.id}`);
  };

  private async followArtifacts(events: AsyncIterableIterator<ArtifactCreated>) {
    for await (const artifact of events) {
      try {
        for (const s of await this.store.triggered(artifact.projectId, 'ARTIFACT_CREATED')) {
          const t = s.trigger;
          if (t?.kind !== 'ARTIFACT_CREATED') continue;
          if (t.artifactName && t.artifactName !== artifact.name) continue;
          if (t.artifactKind && t.artifactKind !== artifact.kind) continue;
          // Every replica hears the event; the key lets only one start the run.
          await this.fireSchedule(
            { ...s, input: { ...(s.input as object), artifact } },
            `trigger:${s.id}:artifact:${artifact.artifactId}`,
          );
        }
      } catch (error) {
        this.logger.error({ err: error, artifact }, 'an artifact trigger could not start its workflow');
      }
    }
  }
}
