import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '@jarvis/context';
import { badUserInput } from '@jarvis/errors';
import {
  type AbortReason,
  type ActivityTask,
  abortReasonOfRun,
  type ErrorReport,
  type HeartbeatAnswer,
} from '@jarvis/workflow-protocol';
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
import { type Sql, toStep } from '../store/tables.ts';
import { EventBatcher } from './eventBatcher.ts';
import { LocalSchedules } from './localSchedules.ts';
import { recoverLostLeases } from './lostLeases.ts';
import { TaskWaiters } from './taskWaiters.ts';
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

const parseToken = (token: string) => {
  const [runId, stepId, attempt] = token.split('/');
  return { runId: runId ?? '', stepId: stepId ?? '', attempt: Number(attempt) };
};

/** A step no worker holds. */

const timeoutError = (type: string, message: string): WorkflowError => ({ type, message });

/**
 * The embedded engine: every run, step and timer is a row in the metadata database, changed only
 * inside a transaction with its event. A process that dies loses nothing: on restart, timers and
 * schedules fire from their rows and steps held by this host's dead workers run again.
 */
export class LocalEngine implements WorkflowEngine {
  readonly kind = 'local' as const;
  private readonly options: LocalEngineOptions;
  private readonly t: Transitions;
  private readonly waiters = new TaskWaiters();
  /** In-process attempts by token, aborted as soon as their run is cancelled. */
  private readonly inProcess = new Map<string, AbortController>();
  private readonly instance = `inproc:${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  readonly connection: EngineConnection;
  private readonly schedules: LocalSchedules;
  /** Progress and logs: reports, not transitions, so they are written in group commits. */
  private readonly reports: EventBatcher;

  constructor(options: LocalEngineOptions) {
    this.options = options;
    this.t = options.transitions;
    this.schedules = new LocalSchedules({
      store: this.t.store,
      fire: (schedule) => options.fireSchedule(schedule),
      logger: options.logger,
    });
    this.reports = new EventBatcher(this.t, async (tx, runId, events) => {
      const run = await this.t.store.lockRun(tx.trx, runId);
      if (run && !FINISHED.includes(run.status)) await tx.emit(run, events);
    });
    this.connection = this.connectionFor(`${this.instance}`, true);
  }

  async start() {
    await recoverLostLeases(this.t, this.instance);
  }

  readonly background = {
    intervalMs: BACKGROUND_INTERVAL_MS.local,
    // A failed tick is the job runner's to report and retry.
    run: () => this.runTick(),
  };

  /** One tick at a time, from the job runner or a timer about to fire. */
  private runTick(): Promise<void> {
    this.ticking ??= this.tick().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  async stop() {
    this.stopped = true;
    await this.ticking?.catch(() => {});
    await this.reports.drain();
    this.waiters.close();
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
  private async advance(tx: Tx, run: RunRecord, definition: WorkflowDefinition): Promise<void> {
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
        tx.afterCommit(() => this.waiters.notify(queue));
        return false;
      }
      case 'TIMER': {
        const due = new Date(now.getTime() + (step.durationMs ?? 0));
        await set({ status: 'WAITING', input: input, due_at: due, attempt: 1 });
        await tx.emit(run, [
          { type: 'STEP_STARTED', stepId: step.id, attempt: 1, data: { until: due.toISOString() } },
        ]);
        tx.afterCommit(() => this.wakeTickAt(due));
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
    tx.afterCommit(() => {
      for (const [token, controller] of this.inProcess)
        if (token.startsWith(`${runId}/`)) controller.abort(reason);
    });
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

  // Tasks

  private connectionFor(owner: string, inProcess: boolean): EngineConnection {
    return {
      engine: async () => ({ kind: 'local' }),
      poll: (queue, activities, workerId, signal) =>
        this.poll(queue, activities, `${owner}:${workerId}`, signal, inProcess ? 60_000 : 20_000),
      heartbeat: (token, progress) => this.heartbeat(token, progress),
      log: (token, level, message, data) => this.log(token, level, message, data),
      complete: (token, output) => this.complete(token, output),
      fail: (token, error) => this.fail(token, error),
      ...(inProcess ? { cancellation: (token: string) => this.inProcess.get(token)?.signal } : {}),
      report: async () => {
        throw badUserInput('the local engine records step events itself; report is for Temporal workers');
      },
    };
  }

  /** Workers in other processes, through the subgraph's HTTP routes. */
  readonly remote: RemoteWorkerApi = {
    ...this.connectionFor('remote', false),
    poll: (queue, activities, workerId, signal, timeoutMs) =>
      this.poll(queue, activities, `remote:${workerId}`, signal, timeoutMs),
  };

  async poll(
    queue: string,
    activities: string[],
    owner: string,
    signal: AbortSignal,
    timeoutMs: number,
  ): Promise<ActivityTask | null> {
    const until = Date.now() + timeoutMs;
    while (!signal.aborted && Date.now() < until) {
      const task = await this.claim(queue, activities, owner);
      if (task) {
        if (owner.startsWith('inproc:')) this.inProcess.set(task.token, new AbortController());
        return task;
      }
      await this.waiters.wait(queue, Math.min(1_000, until - Date.now()), signal);
    }
    return null;
  }

  private async claim(queue: string, activities: string[], owner: string): Promise<ActivityTask | null> {
    if (activities.length === 0) return null;
    for (let tries = 0; tries < 5; tries++) {
      const now = new Date();
      const candidate = await this.t.store.nextDueStep(queue, activities, now);
      if (!candidate) return null;
      const task = await this.t.run(async (tx) => {
        const run = await this.t.store.lockRun(tx.trx, candidate.run_id);
        if (run?.status !== 'RUNNING') return null;
        const row = await this.t.store.stepReadyToLease(tx.trx, candidate.run_id, candidate.step_id);
        if (!row) return null;
        const definition = await this.options.definition(run, tx.trx);
        const step = definition.steps.find((s) => s.id === row.step_id)!;
        const attempt = row.attempt + 1;
        const deadline = new Date(now.getTime() + step.startToCloseTimeoutMs);
        await this.t.store.setStep(tx.trx, run.id, step.id, {
          lease_owner: owner,
          lease_expires_at: deadline,
          heartbeat_expires_at: step.heartbeatTimeoutMs
            ? new Date(now.getTime() + step.heartbeatTimeoutMs)
            : null,
        });
        await tx.emit(run, [
          { type: 'STEP_STARTED', stepId: step.id, attempt, data: { worker: owner.split(':').pop() } },
        ]);
        return {
          token: `${run.id}/${step.id}/${attempt}`,
          runId: run.id,
          stepId: step.id,
          workflow: run.workflowName,
          activity: row.activity ?? '',
          input: row.input,
          attempt,
          heartbeatTimeoutMs: step.heartbeatTimeoutMs ?? null,
          deadline: deadline.toISOString(),
          experimentRunId: run.experimentRunId,
        } satisfies ActivityTask;
      });
      if (task) return task;
    }
    return null;
  }

  /** The step row an attempt's token names, while that attempt still holds it. */
  private async leased(tx: Tx, token: string) {
    const { runId, stepId, attempt } = parseToken(token);
    const run = await this.t.store.lockRun(tx.trx, runId);
    if (!run || FINISHED.includes(run.status)) return undefined;
    const row = await this.t.store.stepRow(runId, stepId, tx.trx);
    if (row?.status !== 'RUNNING' || row.attempt !== attempt) return undefined;
    return { run, step: toStep(row) };
  }

  private async heartbeat(
    token: string,
    progress?: { progress?: number; message?: string },
  ): Promise<HeartbeatAnswer> {
    const { runId, stepId, attempt } = parseToken(token);
    // A heartbeat takes no lock: it checks the attempt still holds the step and keeps its lease.
    const [row, run] = await Promise.all([this.t.store.stepRow(runId, stepId), this.t.store.run(runId)]);
    if (!run) return { cancelled: true, reason: 'RUN_TERMINATED' };
    const ended = abortReasonOfRun(run.status);
    if (ended) return { cancelled: true, reason: ended };
    // The run goes on without this attempt: the engine took the step back (its lease or
    // heartbeat timed out) and may have started another attempt.
    if (row?.status !== 'RUNNING' || row.attempt !== attempt)
      return { cancelled: true, reason: 'ATTEMPT_TIMED_OUT' };
    const hb = (await this.options.definition(run)).steps.find((s) => s.id === stepId)?.heartbeatTimeoutMs;
    if (hb)
      await this.t.store.setStep(
        undefined,
        runId,
        stepId,
        { heartbeat_expires_at: new Date(Date.now() + hb) },
        attempt,
      );
    if (progress?.progress !== undefined || progress?.message !== undefined)
      await this.reports.add(runId, [
        {
          type: 'STEP_PROGRESS',
          stepId,
          attempt,
          ...(progress.progress !== undefined ? { progress: progress.progress } : {}),
          ...(progress.message !== undefined ? { message: progress.message } : {}),
        },
      ]);
    return { cancelled: false };
  }

  private async log(token: string, level: string, message: string, data?: unknown) {
    const { runId, stepId, attempt } = parseToken(token);
    await this.reports.add(runId, [
      { type: 'LOG', stepId, attempt, message, data: { level, ...(data === undefined ? {} : { data }) } },
    ]);
  }

  private async complete(token: string, output: unknown) {
    this.inProcess.delete(token);
    await this.t.run(async (tx) => {
      const leased = await this.leased(tx, token);
      if (!leased) return;
      await this.t.store.setStep(tx.trx, leased.run.id, leased.step.stepId, NO_LEASE);
      await tx.emit(leased.run, [
        {
          type: 'STEP_COMPLETED',
          stepId: leased.step.stepId,
          attempt: leased.step.attempt,
          data: { output: output ?? null },
        },
      ]);
      await this.advance(tx, leased.run, await this.options.definition(leased.run, tx.trx));
    });
  }

  private async fail(token: string, error: ErrorReport) {
    this.inProcess.delete(token);
    await this.t.run(async (tx) => {
      const leased = await this.leased(tx, token);
      if (!leased) return;
      await this.failAttempt(
        tx,
        leased.run,
        leased.step,
        {
          type: error.type,
          message: error.message,
          ...(error.stack ? { stack: error.stack } : {}),
        },
        error.nonRetryable === true,
      );
    });
  }

  /** An attempt failed: another one after the backoff, or the step and its run fail. */
  private async failAttempt(
    tx: Tx,
    run: RunRecord,
    step: StepRunRecord,
    error: WorkflowError,
    nonRetryable = false,
  ) {
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
      tx.afterCommit(() => this.waiters.notifyAt(queue, next));
      return;
    }
    await this.failRun(tx, run, step.stepId, step.attempt, error);
  }

  // Time: timers, timeouts, deadlines, schedules

  /** A timer due before the runner's next tick fires on time from here. */
  private wakeTickAt(at: Date) {
    const ms = at.getTime() - Date.now();
    if (ms > BACKGROUND_INTERVAL_MS.local || this.stopped) return;
    setTimeout(
      () => {
        if (this.stopped) return;
        this.runTick().catch((error: unknown) =>
          this.options.logger.warn({ err: error }, 'workflow engine tick failed; the next one retries'),
        );
      },
      Math.max(0, ms),
    ).unref();
  }

  private async tick() {
    const now = new Date();
    const store = this.t.store;
    const due = await store.stepsDue(now, 500);
    for (const row of due) {
      await this.t.run(async (tx) => {
        const run = await this.t.store.lockRun(tx.trx, row.run_id);
        if (run?.status !== 'RUNNING') return;
        const current = await this.t.store.stepRow(row.run_id, row.step_id, tx.trx);
        if (!current || current.status !== row.status || current.attempt !== row.attempt) return;
        if (row.kind === 'TIMER') {
          await tx.emit(run, [
            {
              type: 'STEP_COMPLETED',
              stepId: row.step_id,
              attempt: 1,
              data: { output: { firedAt: now.toISOString() } },
            },
          ]);
          await this.advance(tx, run, await this.options.definition(run, tx.trx));
          return;
        }
        const heartbeat = row.heartbeat_expires_at && row.heartbeat_expires_at <= now;
        const error = heartbeat
          ? timeoutError(
              'HeartbeatTimeout',
              `no heartbeat from the worker within the step's heartbeat timeout (attempt ${row.attempt})`,
            )
          : timeoutError(
              'StartToCloseTimeout',
              `attempt ${row.attempt} did not finish within the step's start-to-close timeout`,
            );
        tx.afterCommit(() =>
          this.inProcess.get(`${row.run_id}/${row.step_id}/${row.attempt}`)?.abort('ATTEMPT_TIMED_OUT'),
        );
        await this.failAttempt(tx, run, toStep(row), error);
      });
    }
    const late = await store.runsPastDeadline(now, 100);
    for (const row of late) {
      await this.t.run(async (tx) => {
        const run = await this.t.store.lockRun(tx.trx, row.id);
        if (run?.status !== 'RUNNING') return;
        await this.t.cancelActiveSteps(tx, run, 'the run exceeded its execution timeout');
        await tx.emit(run, [
          {
            type: 'RUN_TIMED_OUT',
            message: 'the run exceeded its execution timeout',
            data: {
              error: timeoutError('WorkflowExecutionTimeout', 'the run exceeded its execution timeout'),
            },
          },
        ]);
        await this.endChildren(tx, run.id, 'RUN_CANCELLED', 'RUN_TIMED_OUT');
        await this.finished(tx, run.id);
      });
    }
    await this.schedules.fireDue(now);
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
