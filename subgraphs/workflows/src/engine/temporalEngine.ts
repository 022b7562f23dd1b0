import { createRequire } from 'node:module';
import type { Logger } from '@jarvis/context';
import { backendUnavailable, badUserInput } from '@jarvis/errors';
import { quietTemporalRuntime } from '@jarvis/workflow-protocol';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { WorkflowDefinition } from '../definition/workflowDefinition.ts';
import {
  FINISHED,
  type NewRunEvent,
  type RunRecord,
  type ScheduleRecord,
  type WorkflowRecord,
} from '../records.ts';
import type { NewRun } from '../store/runStore.ts';
import type { Sql } from '../store/tables.ts';
import type { PipelineArgs, PipelineMeta } from '../temporal/pipelineWorkflow.ts';
import { EventBatcher } from './eventBatcher.ts';
import type { Transitions, Tx } from './transitions.ts';
import {
  BACKGROUND_INTERVAL_MS,
  type EngineConnection,
  type RemoteWorkerApi,
  type WorkflowEngine,
} from './workflowEngine.ts';

export interface TemporalEngineOptions {
  address: string;
  namespace: string;
  /** Where Jarvis's pipeline workflow runs (and, by default, the steps' activities). */
  taskQueue: string;
  transitions: Transitions;
  logger: Logger;
  /** Pass the transaction when inside one (PGlite has a single connection). */
  definition(run: RunRecord, q?: Sql): Promise<WorkflowDefinition>;
  latest(projectId: string, name: string, q?: Sql): Promise<WorkflowRecord>;
}

let bundle: Promise<WorkflowBundle> | undefined;
/** The pipeline workflow, bundled once per process (webpack takes seconds). */
function pipelineBundle() {
  bundle ??= bundleWorkflowCode({
    workflowsPath: createRequire(import.meta.url).resolve('../temporal/pipelineWorkflow.ts'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never,
  });
  return bundle;
}

const STATUS_EVENT = {
  COMPLETED: 'RUN_COMPLETED',
  FAILED: 'RUN_FAILED',
  CANCELLED: 'RUN_CANCELLED',
  TERMINATED: 'RUN_TERMINATED',
  TIMED_OUT: 'RUN_TIMED_OUT',
} as const;

/**
 * Pipelines on a Temporal cluster: each run is a `jarvisPipeline` workflow execution (workflow
 * id = run id) that interprets the definition, its steps Temporal activities (activity id = step
 * id) on the workers' task queues, schedules Temporal Schedules. The workflow reports its events
 * through a sink; workers report progress; the run index in the metadata database follows.
 */
export class TemporalEngine implements WorkflowEngine {
  readonly kind = 'temporal' as const;
  private readonly options: TemporalEngineOptions;
  private readonly t: Transitions;
  private clientPromise: Promise<Client> | undefined;
  private worker: Worker | undefined;
  private workerDone: Promise<void> | undefined;
  private nativeConnection: NativeConnection | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private reconciling: Promise<void> | undefined;
  /** Sink events, written in group commits, each run's in order. */
  private readonly batcher: EventBatcher<PipelineMeta>;
  /** Runs with events on their way (the reconciler leaves them to those events). */
  private readonly inFlight = new Map<string, number>();

  constructor(options: TemporalEngineOptions) {
    this.options = options;
    this.t = options.transitions;
    this.batcher = new EventBatcher(this.t, (tx, runId, events, meta) =>
      this.append(tx, runId, events, meta),
    );
  }

  async start() {
    // Jarvis starts even when Temporal is down: health says so and calls answer BACKEND_UNAVAILABLE.
    await this.startWorker().catch((error: unknown) => {
      this.options.logger.warn(
        { err: error, address: this.options.address },
        'Temporal is unreachable; retrying',
      );
      this.retryStart();
    });
  }

  /** Reconciling with Temporal, on the job runner (one replica at a time). */
  readonly background = {
    intervalMs: BACKGROUND_INTERVAL_MS.temporal,
    run: () => {
      this.reconciling ??= this.reconcile().finally(() => {
        this.reconciling = undefined;
      });
      return this.reconciling;
    },
  };

  private retryStart() {
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.startWorker().catch(() => this.retryStart());
    }, 2_000);
  }

  private async startWorker() {
    await quietTemporalRuntime();
    const connection = await NativeConnection.connect({ address: this.options.address });
    try {
      const worker = await Worker.create({
        connection,
        namespace: this.options.namespace,
        taskQueue: this.options.taskQueue,
        workflowBundle: await pipelineBundle(),
        sinks: {
          jarvis: {
            emit: {
              fn: (info, events: NewRunEvent[], meta: PipelineMeta | null) =>
                this.record(info.workflowId, info.workflowType, events, meta),
              callDuringReplay: false,
            },
          },
        },
      });
      if (this.stopped) {
        await connection.close();
        return;
      }
      this.nativeConnection = connection;
      this.worker = worker;
      this.workerDone = worker.run().catch((error: unknown) => {
        this.options.logger.error({ err: error }, 'the Temporal pipeline worker stopped');
      });
    } catch (error) {
      await connection.close().catch(() => {});
      throw error;
    }
  }

  async stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.reconciling?.catch(() => {});
    if (this.worker && this.worker.getState() === 'RUNNING') this.worker.shutdown();
    await this.workerDone;
    await this.nativeConnection?.close().catch(() => {});
    await this.batcher.drain();
    const client = await this.clientPromise?.catch(() => undefined);
    await client?.connection.close().catch(() => {});
  }

  private client(): Promise<Client> {
    this.clientPromise ??= Connection.connect({ address: this.options.address, connectTimeout: 3_000 }).then(
      (connection) => new Client({ connection, namespace: this.options.namespace }),
    );
    return this.clientPromise.catch((error: unknown) => {
      this.clientPromise = undefined;
      throw this.unavailable(error);
    });
  }

  private unavailable(error: unknown) {
    return backendUnavailable(
      `Temporal at ${this.options.address} is unreachable (${(error as Error).message}); start it or fix services.workflow.endpoint, then try again`,
      { backend: 'temporal' },
    );
  }

  /** Runs a Temporal call, turning a lost connection into BACKEND_UNAVAILABLE. */
  private async call<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = await this.client();
    try {
      return await client.connection.withDeadline(Date.now() + 10_000, () => work(client));
    } catch (error) {
      const code = (error as { code?: number }).code;
      if (
        code === 14 ||
        code === 4 ||
        /UNAVAILABLE|DEADLINE|ECONNREFUSED/i.test(String((error as Error).message))
      )
        throw this.unavailable(error);
      throw error;
    }
  }

  async ping() {
    await this.call((client) => client.connection.workflowService.getSystemInfo({}));
    if (!this.worker) throw new Error('the pipeline worker is not running yet');
  }

  // Events from the pipeline workflow (its sink)

  private record(
    runId: string,
    _type: string,
    events: NewRunEvent[],
    meta: PipelineMeta | null,
  ): Promise<void> {
    this.inFlight.set(runId, (this.inFlight.get(runId) ?? 0) + 1);
    return this.batcher
      .add(runId, events, meta ?? undefined)
      .catch((error: unknown) =>
        this.options.logger.error({ err: error, runId }, 'could not record pipeline events'),
      )
      .finally(() => {
        const left = (this.inFlight.get(runId) ?? 1) - 1;
        if (left === 0) this.inFlight.delete(runId);
        else this.inFlight.set(runId, left);
      });
  }

  private async append(tx: Tx, runId: string, events: NewRunEvent[], meta: PipelineMeta | undefined) {
    let run = await this.t.store.lockRun(tx.trx, runId);
    if (!run && meta) {
      // Started by a Temporal Schedule or as a child: Jarvis learns of it here.
      const definition = await this.options.definition(
        {
          projectId: meta.projectId,
          workflowName: meta.workflowName,
          workflowVersion: meta.workflowVersion,
        } as RunRecord,
        tx.trx,
      );
      await this.t.store.insertRun(
        tx.trx,
        {
          id: runId,
          projectId: meta.projectId,
          workflowName: meta.workflowName,
          workflowVersion: meta.workflowVersion,
          kind: 'PIPELINE',
          engine: 'temporal',
          input: (events[0]?.data as { input?: unknown } | undefined)?.input ?? null,
          component: meta.component,
          idempotencyKey: null,
          parentRunId: meta.parentRunId,
          parentStepId: meta.parentStepId,
          scheduleId: meta.scheduleId,
          experimentRunId: meta.experimentRunId,
          taskQueue: definition.taskQueue,
        },
        definition.steps,
        definition.taskQueue,
      );
      run = await this.t.store.lockRun(tx.trx, runId);
    }
    if (!run) return;
    // An ending already recorded (by terminate or the reconciler) is not recorded twice.
    const kept = FINISHED.includes(run.status) ? events.filter((e) => !e.type.startsWith('RUN_')) : events;
    // An ending the pipeline did not report itself (terminate, the reconciler) ends its steps too.
    const ending = kept.findIndex((e) => e.type.startsWith('RUN_') && e.type !== 'RUN_STARTED');
    if (ending > 0) await tx.emit(run, kept.slice(0, ending));
    if (ending >= 0) {
      await this.t.cancelActiveSteps(tx, run, kept[ending]!.message ?? 'the run ended');
      await tx.emit(run, kept.slice(ending));
    } else if (kept.length > 0) await tx.emit(run, kept);
  }

  // Runs

  async startRun(
    request: NewRun,
    definition: WorkflowDefinition | null,
    completed: Record<string, unknown> = {},
  ) {
    const run = await this.t.run(async (tx) =>
      this.t.store.insertRun(
        tx.trx,
        request,
        definition?.steps ?? [],
        definition?.taskQueue ?? request.taskQueue,
      ),
    );
    try {
      if (definition) {
        const args: PipelineArgs = {
          definition,
          input: request.input,
          meta: this.metaOf(request),
          completed,
          children: await this.childrenOf(request.projectId, definition),
        };
        await this.call((client) =>
          client.workflow.start('jarvisPipeline', {
            workflowId: request.id,
            taskQueue: this.options.taskQueue,
            args: [args],
            // Jarvis times the run out itself (RUN_TIMED_OUT); this is Temporal's backstop.
            ...(definition.executionTimeoutMs
              ? { workflowExecutionTimeout: definition.executionTimeoutMs + 60_000 }
              : {}),
          }),
        );
      } else {
        const handle = await this.call((client) =>
          client.workflow.start(request.workflowName, {
            workflowId: request.id,
            taskQueue: request.taskQueue,
            args: Array.isArray(request.input) ? request.input : [request.input],
          }),
        );
        await this.t.run(async (tx) => {
          const locked = (await this.t.store.lockRun(tx.trx, run.id))!;
          await tx.emit(locked, [{ type: 'RUN_STARTED', data: { input: request.input } }]);
        });
        void this.watchExternal(run.id, handle.result());
      }
    } catch (error) {
      // Nothing half-started: the run's row goes with the failed start.
      await this.t.store.deleteRun(run.id);
      throw error;
    }
    return (await this.t.store.run(run.id))!;
  }

  private metaOf(request: NewRun): PipelineMeta {
    return {
      projectId: request.projectId,
      workflowName: request.workflowName,
      workflowVersion: request.workflowVersion ?? 0,
      component: request.component,
      experimentRunId: request.experimentRunId ?? null,
      scheduleId: request.scheduleId ?? null,
      retryOf: request.retryOf ?? null,
      parentRunId: null,
      parentStepId: null,
    };
  }

  /** Definitions of every workflow its CHILD_WORKFLOW steps run, transitively. */
  private async childrenOf(projectId: string, definition: WorkflowDefinition) {
    const children: NonNullable<PipelineArgs['children']> = {};
    const pending = [definition];
    while (pending.length > 0) {
      for (const step of pending.pop()!.steps) {
        if (step.kind !== 'CHILD_WORKFLOW' || children[step.workflow!]) continue;
        const child = await this.options.latest(projectId, step.workflow!);
        children[child.name] = { definition: child.definition, version: child.version };
        pending.push(child.definition);
      }
    }
    return children;
  }

  private async watchExternal(runId: string, result: Promise<unknown>) {
    let event: NewRunEvent;
    try {
      event = { type: 'RUN_COMPLETED', data: { result: (await result) ?? null } };
    } catch (error) {
      const name = (error as { cause?: { name?: string } }).cause?.name ?? '';
      const message = (error as Error).message;
      event = /Cancel/.test(name)
        ? { type: 'RUN_CANCELLED', message }
        : /Terminat/.test(name)
          ? { type: 'RUN_TERMINATED', message }
          : /Timeout/.test(name)
            ? { type: 'RUN_TIMED_OUT', message, data: { error: { type: name, message } } }
            : { type: 'RUN_FAILED', message, data: { error: { type: name || 'Error', message } } };
    }
    await this.record(runId, '', [event], null);
  }

  async cancel(run: RunRecord) {
    await this.call((client) => client.workflow.getHandle(run.id).cancel());
    await this.settled(run.id);
  }

  async terminate(run: RunRecord, reason: string) {
    await this.call((client) => client.workflow.getHandle(run.id).terminate(reason));
    await this.record(run.id, '', [{ type: 'RUN_TERMINATED', message: reason }], null);
    // Temporal terminates the children with their parent (parent close policy).
    const children = await this.t.store.runs(
      run.projectId,
      { parentRunId: run.id, status: ['PENDING', 'RUNNING'] },
      100,
    );
    for (const child of children)
      await this.record(
        child.id,
        '',
        [{ type: 'RUN_TERMINATED', message: `parent run ${run.id} ended` }],
        null,
      );
  }

  /** Waits until the run's ending is recorded (a cancelled pipeline says so itself). */
  private async settled(runId: string) {
    for (let i = 0; i < 200; i++) {
      const run = await this.t.store.run(runId);
      if (!run || FINISHED.includes(run.status)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async signal(run: RunRecord, name: string, payload: unknown) {
    await this.call((client) =>
      run.kind === 'PIPELINE'
        ? client.workflow.getHandle(run.id).signal('jarvis.signal', name, payload)
        : client.workflow.getHandle(run.id).signal(name, payload),
    );
  }

  /** Endings nobody reported (a terminate in Temporal's UI, a lost sink call) reach the index here. */
  private async reconcile() {
    const rows = await this.t.store.unfinishedRuns('temporal', new Date(Date.now() - 10_000), 100);
    if (rows.length === 0) return;
    const client = await this.client();
    for (const row of rows) {
      // Its own events are on their way: they say more than Temporal's status.
      if (this.inFlight.has(row.id)) continue;
      let status: string;
      try {
        status = (await client.workflow.getHandle(row.id).describe()).status.name;
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        status = 'NOT_FOUND';
      }
      const ending =
        status === 'NOT_FOUND'
          ? ({
              type: 'RUN_FAILED',
              message: 'Temporal has no such workflow execution',
              data: { error: { type: 'NotFound', message: 'the workflow execution never started' } },
            } as NewRunEvent)
          : status === 'CANCELLED' || status === 'CANCELED'
            ? ({ type: 'RUN_CANCELLED', message: 'cancelled in Temporal' } as NewRunEvent)
            : status in STATUS_EVENT
              ? ({
                  type: STATUS_EVENT[status as keyof typeof STATUS_EVENT],
                  message: `${status.toLowerCase()} in Temporal`,
                } as NewRunEvent)
              : undefined;
      if (ending?.type === 'RUN_COMPLETED')
        ending.data = {
          result:
            (await client.workflow
              .getHandle(row.id)
              .result()
              .catch(() => null)) ?? null,
        };
      if (ending) await this.record(row.id, '', [ending], null);
    }
  }

  // Schedules: Temporal Schedules whose action starts the pipeline workflow.

  async saveSchedule(schedule: ScheduleRecord, definition: WorkflowDefinition) {
    await this.call(async (client) => {
      const handle = client.schedule.getHandle(schedule.id);
      try {
        await handle.describe();
      } catch {
        const version = (await this.options.latest(schedule.projectId, schedule.workflowName)).version;
        const args: PipelineArgs = {
          definition,
          input: schedule.input,
          meta: {
            projectId: schedule.projectId,
            workflowName: schedule.workflowName,
            workflowVersion: version,
            component: schedule.component,
            experimentRunId: null,
            scheduleId: schedule.id,
            retryOf: null,
            parentRunId: null,
            parentStepId: null,
          },
          children: await this.childrenOf(schedule.projectId, definition),
        };
        await client.schedule.create({
          scheduleId: schedule.id,
          spec: { cronExpressions: [temporalCron(schedule.cron!)], timezone: schedule.timezone },
          action: {
            type: 'startWorkflow',
            workflowType: 'jarvisPipeline',
            workflowId: schedule.id,
            taskQueue: this.options.taskQueue,
            args: [args],
          },
          policies: { overlap: schedule.overlap },
          state: { paused: schedule.paused, ...(schedule.note ? { note: schedule.note } : {}) },
        });
        return;
      }
      if (schedule.paused) await handle.pause(schedule.note ?? undefined);
      else await handle.unpause(schedule.note ?? undefined);
    });
  }

  async deleteSchedule(schedule: ScheduleRecord) {
    if (!schedule.cron) return;
    await this.call((client) => client.schedule.getHandle(schedule.id).delete());
  }

  async triggerSchedule(schedule: ScheduleRecord) {
    if (!schedule.cron)
      throw badUserInput(
        'an event-triggered schedule starts runs on its event; trigger works on cron schedules',
      );
    await this.call((client) => client.schedule.getHandle(schedule.id).trigger());
  }

  async nextFireTimes(schedule: ScheduleRecord, count: number) {
    if (!schedule.cron || schedule.paused) return [];
    const description = await this.call((client) => client.schedule.getHandle(schedule.id).describe());
    return description.info.nextActionTimes.slice(0, count);
  }

  // Workers: they poll Temporal, not Jarvis.

  readonly connection: EngineConnection = {
    engine: async () => ({
      kind: 'temporal',
      address: this.options.address,
      namespace: this.options.namespace,
    }),
    poll: () => this.notHere(),
    heartbeat: () => this.notHere(),
    log: () => this.notHere(),
    complete: () => this.notHere(),
    fail: () => this.notHere(),
    report: () => this.notHere(),
  };

  readonly remote: RemoteWorkerApi = { ...this.connection, poll: () => this.notHere() };

  private notHere(): never {
    throw badUserInput(
      'this Jarvis runs workflows on Temporal: workers poll Temporal (createWorker does so by itself)',
    );
  }
}

/**
 * Temporal reads six cron fields as minute…weekday plus a year; ours (croner's) are second first.
 * With seven fields Temporal reads seconds first, so a year field of "*" keeps the meaning.
 */
function temporalCron(cron: string) {
  return cron.trim().split(/\s+/).length === 6 ? `${cron.trim()} *` : cron;
}
