import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '@jarvis/context';
import { badUserInput } from '@jarvis/errors';
import type { AbortReason } from '@jarvis/workflow-protocol';
import { readySteps, runResult } from '../definition/dag.ts';
import { evaluateMapping } from '../definition/mapping.ts';
import {
  backoffMs,
  type StepDefinition,
  shouldRetry,
  type WorkflowDefinition,
} from '../definition/workflowDefinition.ts';
import {
  FINISHED,
  type RunRecord,
  type ScheduleRecord,
  type StepRunRecord,
  type WorkflowError,
  type WorkflowRecord,
} from '../records.ts';
import { type NewRun, NO_LEASE, type StepChange } from '../store/runStore.ts';
import type { Sql } from '../store/tables.ts';
import { LocalSchedules } from './localSchedules.ts';
import { LocalTasks } from './localTasks.ts';
import { LocalTimers } from './localTimers.ts';
import { recoverLostLeases } from './lostLeases.ts';
import type { Stepping } from './stepping.ts';
import type { Transitions, Tx } from './transitions.ts';
import {
  BACKGROUND_INTERVAL_MS,
  type EngineConnection,
  type RemoteWorkerApi,
  type WorkflowEngine,
} from './workflowEngine.ts';

export interface LocalEngineOptions {
  transitions: Transitions;
  logger: Logger;
  /** Finds a run's definition (by project, name and version). */
  /** Pass the transaction when inside one (PGlite has a single connection). */
  definition(run: RunRecord, q?: Sql): Promise<WorkflowDefinition>;
  /** The latest version of a workflow (what a child step runs). */
  latest(projectId: string, name: string, q?: Sql): Promise<WorkflowRecord>;
  /** Starts a run of a schedule whose time has come (the service applies overlap and input). */
  fireSchedule(schedule: ScheduleRecord): Promise<void>;
}

/**
 * The embedded engine: every run, step and timer is a row in the metadata database, changed only
 * inside a transaction with its event. A process that dies loses nothing: on restart, timers and
 * schedules fire from their rows and steps held by this host's dead workers run again.
 */
export class LocalEngine implements WorkflowEngine {
  readonly kind = 'local' as const;
  private readonly options: LocalEngineOptions;
  private readonly t: Transitions;
  /** Workers' side: polling, leases on attempts, heartbeats and reports (localTasks.ts). */
  private readonly tasks: LocalTasks;
  private readonly instance = `inproc:${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  /** Timers, timeouts and deadlines, checked on every tick (localTimers.ts). */
  private readonly timers: LocalTimers;
  readonly connection: EngineConnection;
  readonly remote: RemoteWorkerApi;
  private readonly schedules: LocalSchedules;

  constructor(options: LocalEngineOptions) {
    this.options = options;
    this.t = options.transitions;
    this.schedules = new LocalSchedules({
      store: this.t.store,
      fire: (schedule) => options.fireSchedule(schedule),
      logger: options.logger,
    });
    const stepping: Stepping = {
      advance: (tx, run, definition) => this.advance(tx, run, definition),
      failAttempt: (tx, run, step, error, nonRetryable) =>
        this.failAttempt(tx, run, step, error, nonRetryable),
      timeOutRun: (tx, run) => this.timeOutRun(tx, run),
    };
    this.tasks = new LocalTasks({ transitions: this.t, definition: options.definition, stepping });
    this.timers = new LocalTimers({
      transitions: this.t,
      definition: options.definition,
      logger: options.logger,
      stepping,
      tasks: this.tasks,
      schedules: this.schedules,
    });
    this.connection = this.tasks.connectionFor(this.instance, true);
    this.remote = this.tasks.remote;
  }

  async start() {
    await recoverLostLeases(this.t, this.instance);
  }

  readonly background = {
    intervalMs: BACKGROUND_INTERVAL_MS.local,
    // A failed tick is the job runner's to report and retry.
    run: () => this.timers.tick(),
  };

  async stop() {
    await this.timers.stop();
    await this.tasks.close();
  }

  async ping() {}

  // Runs

  async startRun(
    request: NewRun,
    definition: WorkflowDefinition | null,
    completed: Record<string, unknown> = {},
  ) {
    if (!definition)
      throw badUserInput(
        'the local engine runs registered workflows only; start other Temporal workflow types with services.workflow.type: temporal',
      );
    return this.t.run(async (tx) => {
      const run = await this.t.store.insertRun(tx.trx, request, definition.steps, definition.taskQueue);
      await this.begin(tx, run, definition, completed);
      return (await this.t.store.run(run.id, tx.trx))!;
    });
  }

  private async begin(
    tx: Tx,
    run: RunRecord,
    definition: WorkflowDefinition,
    completed: Record<string, unknown>,
  ) {
    await tx.emit(run, [{ type: 'RUN_STARTED', data: { input: run.input } }]);
    // A retried run keeps what its failed predecessor completed.
    const reused = definition.steps.filter((s) => s.id in completed);
    if (reused.length > 0)
      await tx.emit(
        run,
        reused.map((s) => ({
          type: 'STEP_COMPLETED' as const,
          stepId: s.id,
          attempt: 0,
          message: `reused from run ${run.retryOf}`,
          data: { output: completed[s.id], reused: true },
        })),
      );
    await this.advance(tx, run, definition);
  }

  /** Schedules every step whose inputs are ready, and completes the run when all are done. */
  async advance(tx: Tx, run: RunRecord, definition: WorkflowDefinition): Promise<void> {
    for (;;) {
      const steps = await this.t.store.steps(run.id, tx.trx);
      const outputs: Record<string, unknown> = {};
      const completed = new Set<string>();
      for (const s of steps)
        if (s.status === 'COMPLETED') {
          completed.add(s.stepId);
          outputs[s.stepId] = s.output;
        }
      if (completed.size === steps.length) {
        await tx.emit(run, [
          { type: 'RUN_COMPLETED', data: { result: runResult(definition, run.input, outputs) } },
        ]);
        await this.finished(tx, run.id);
        return;
      }
      const started = new Set(steps.filter((s) => s.status !== 'PENDING').map((s) => s.stepId));
      const ready = readySteps(definition, completed, started);
      if (ready.length === 0) return;
      let again = false;
      for (const step of ready) {
        const input = evaluateMapping(step.input ?? null, run.input, outputs);
        if (await this.schedule(tx, run, step, input)) again = true;
      }
      if (!again) return;
    }
  }

  /** Starts one step; true when it completed at once (a buffered signal). */
  private async schedule(tx: Tx, run: RunRecord, step: StepDefinition, input: unknown): Promise<boolean> {
    const now = new Date();
    const set = (change: StepChange) => this.t.store.setStep(tx.trx, run.id, step.id, change);
    switch (step.kind) {
      case 'ACTIVITY': {
        // insertRun gave the step its queue (the step's, or the workflow's).
        const queue = step.taskQueue ?? run.taskQueue;
        await set({ status: 'SCHEDULED', input: input, due_at: now });
        tx.afterCommit(() => this.tasks.notify(queue));
        return false;
      }
      case 'TIMER': {
        const due = new Date(now.getTime() + (step.durationMs ?? 0));
        await set({ status: 'WAITING', input: input, due_at: due, attempt: 1 });
        await tx.emit(run, [
          { type: 'STEP_STARTED', stepId: step.id, attempt: 1, data: { until: due.toISOString() } },
        ]);
        tx.afterCommit(() => this.timers.wakeAt(due));
        return false;
      }
      case 'SIGNAL': {
        await tx.emit(run, [
          { type: 'STEP_STARTED', stepId: step.id, attempt: 1, message: `waiting for signal ${step.signal}` },
        ]);
        await set({ status: 'WAITING', input: input });
        const buffered = await this.t.store.takeBufferedSignal(tx.trx, run.id, step.signal ?? '', step.id);
        if (!buffered) return false;
        await tx.emit(run, [
          { type: 'STEP_COMPLETED', stepId: step.id, attempt: 1, data: { output: buffered.payload } },
        ]);
        return true;
      }
      case 'CHILD_WORKFLOW': {
        const latest = await this.options.latest(run.projectId, step.workflow ?? '', tx.trx);
        const childDefinition = latest.definition;
        const child = await this.t.store.insertRun(
          tx.trx,
          {
            id: `${run.id}.${step.id}`,
            projectId: run.projectId,
            workflowName: childDefinition.name,
            workflowVersion: latest.version,
            kind: 'PIPELINE',
            engine: 'local',
            input,
            component: run.component,
            idempotencyKey: null,
            parentRunId: run.id,
            parentStepId: step.id,
            experimentRunId: run.experimentRunId,
            taskQueue: childDefinition.taskQueue,
          },
          childDefinition.steps,
          childDefinition.taskQueue,
        );
        await set({ status: 'RUNNING', input: input, child_run_id: child.id });
        await tx.emit(run, [
          { type: 'STEP_STARTED', stepId: step.id, attempt: 1, data: { childRunId: child.id } },
        ]);
        await this.begin(tx, child, childDefinition, {});
        return false;
      }
    }
  }

  /** A run ended: its parent's step completes or fails with it. */
  private async finished(tx: Tx, runId: string) {
    const run = (await this.t.store.run(runId, tx.trx))!;
    if (!run.parentRunId || !run.parentStepId) return;
    const parent = await this.t.store.lockRun(tx.trx, run.parentRunId);
    if (!parent || FINISHED.includes(parent.status)) return;
    const step = await this.t.store.stepRow(parent.id, run.parentStepId, tx.trx);
    if (step?.status !== 'RUNNING' || step.child_run_id !== run.id) return;
    if (run.status === 'COMPLETED') {
      await tx.emit(parent, [
        { type: 'STEP_COMPLETED', stepId: step.step_id, attempt: 1, data: { output: run.result } },
      ]);
      await this.advance(tx, parent, await this.options.definition(parent, tx.trx));
    } else {
      const error = run.error ?? {
        type: 'ChildWorkflowFailure',
        message: `child run ${run.id} ended ${run.status}`,
      };
      await this.failRun(tx, parent, step.step_id, 1, { ...error, type: error.type });
    }
  }

  private async failRun(tx: Tx, run: RunRecord, stepId: string, attempt: number, error: WorkflowError) {
    await tx.emit(run, [{ type: 'STEP_FAILED', stepId, attempt, message: error.message, data: { error } }]);
    await this.t.cancelActiveSteps(tx, run, 'the run failed in another step');
    await tx.emit(run, [
      {
        type: 'RUN_FAILED',
        message: `step ${stepId} failed: ${error.message}`,
        data: { error: { ...error, details: { stepId, attempt } } },
      },
    ]);
    await this.endChildren(tx, run.id, 'RUN_CANCELLED', 'RUN_FAILED');
    await this.finished(tx, run.id);
  }

  /** Ends the running children of a run that ended, and aborts its in-process attempts with `reason`. */
  private async endChildren(
    tx: Tx,
    runId: string,
    type: 'RUN_CANCELLED' | 'RUN_TERMINATED',
    reason: AbortReason,
  ) {
    tx.afterCommit(() => this.tasks.abortRun(runId, reason));
    for (const row of await this.t.store.unfinishedChildren(tx.trx, runId)) {
      const child = (await this.t.store.lockRun(tx.trx, row.id))!;
      await tx.emit(child, [{ type, message: `parent run ${runId} ended` }]);
      await this.endChildren(tx, child.id, type, type);
    }
  }

  async cancel(run: RunRecord) {
    await this.end(run, 'RUN_CANCELLED', 'cancelled');
  }

  async terminate(run: RunRecord, reason: string) {
    await this.end(run, 'RUN_TERMINATED', reason);
  }

  private async end(run: RunRecord, type: 'RUN_CANCELLED' | 'RUN_TERMINATED', message: string) {
    await this.t.run(async (tx) => {
      const locked = await this.t.store.lockRun(tx.trx, run.id);
      if (!locked || FINISHED.includes(locked.status)) return;
      await this.t.cancelActiveSteps(
        tx,
        locked,
        type === 'RUN_CANCELLED' ? 'the run was cancelled' : message,
      );
      await tx.emit(locked, [{ type, message }]);
      await this.endChildren(tx, locked.id, type, type);
      await this.finished(tx, locked.id);
    });
  }

  async signal(run: RunRecord, name: string, payload: unknown) {
    await this.t.run(async (tx) => {
      const locked = await this.t.store.lockRun(tx.trx, run.id);
      if (!locked || FINISHED.includes(locked.status)) return;
      const definition = await this.options.definition(locked, tx.trx);
      const waiting = await this.t.store.stepsWaitingForSignals(tx.trx, run.id);
      const step = definition.steps.find((s) => s.signal === name && waiting.some((w) => w.step_id === s.id));
      if (!step) {
        // Like Temporal, a signal that arrives before its step waits is kept for it.
        await this.t.store.bufferSignal(tx.trx, run.id, name, payload);
        return;
      }
      await tx.emit(locked, [
        { type: 'STEP_COMPLETED', stepId: step.id, attempt: 1, data: { output: payload } },
      ]);
      await this.advance(tx, locked, definition);
    });
  }

  /** An attempt failed: another one after the backoff, or the step and its run fail. */
  async failAttempt(tx: Tx, run: RunRecord, step: StepRunRecord, error: WorkflowError, nonRetryable = false) {
    const definition = await this.options.definition(run, tx.trx);
    const spec = definition.steps.find((s) => s.id === step.stepId)!;
    if (!nonRetryable && shouldRetry(spec.retry, step.attempt, error.type)) {
      const next = new Date(Date.now() + backoffMs(spec.retry, step.attempt));
      await this.t.store.setStep(tx.trx, run.id, step.stepId, NO_LEASE);
      await tx.emit(run, [
        {
          type: 'STEP_RETRYING',
          stepId: step.stepId,
          attempt: step.attempt,
          message: error.message,
          data: { error, nextAttemptAt: next.toISOString() },
        },
      ]);
      const queue = step.taskQueue ?? run.taskQueue;
      tx.afterCommit(() => this.tasks.notifyAt(queue, next));
      return;
    }
    await this.failRun(tx, run, step.stepId, step.attempt, error);
  }

  /** The run went past its execution timeout: its steps and children end, and so does it. */
  async timeOutRun(tx: Tx, run: RunRecord) {
    await this.t.cancelActiveSteps(tx, run, 'the run exceeded its execution timeout');
    await tx.emit(run, [
      {
        type: 'RUN_TIMED_OUT',
        message: 'the run exceeded its execution timeout',
        data: {
          error: { type: 'WorkflowExecutionTimeout', message: 'the run exceeded its execution timeout' },
        },
      },
    ]);
    await this.endChildren(tx, run.id, 'RUN_CANCELLED', 'RUN_TIMED_OUT');
    await this.finished(tx, run.id);
  }

  // Schedules: rows the tick fires (localSchedules.ts).

  saveSchedule(schedule: ScheduleRecord) {
    return this.schedules.save(schedule);
  }

  async deleteSchedule() {}

  async triggerSchedule(schedule: ScheduleRecord) {
    await this.options.fireSchedule(schedule);
  }

  async nextFireTimes(schedule: ScheduleRecord, count: number) {
    return this.schedules.nextFireTimes(schedule, count);
  }
}
