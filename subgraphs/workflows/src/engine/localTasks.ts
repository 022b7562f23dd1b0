import { badUserInput } from '@jarvis/errors';
import {
  type AbortReason,
  type ActivityTask,
  abortReasonOfRun,
  type ErrorReport,
  type HeartbeatAnswer,
} from '@jarvis/workflow-protocol';
import type { WorkflowDefinition } from '../definition/workflowDefinition.ts';
import { FINISHED, type RunRecord } from '../records.ts';
import { NO_LEASE } from '../store/runStore.ts';
import { type Sql, toStep } from '../store/tables.ts';
import { EventBatcher } from './eventBatcher.ts';
import type { Stepping } from './stepping.ts';
import { TaskWaiters } from './taskWaiters.ts';
import type { Transitions, Tx } from './transitions.ts';
import type { EngineConnection, RemoteWorkerApi } from './workflowEngine.ts';

export interface LocalTasksOptions {
  transitions: Transitions;
  definition(run: RunRecord, q?: Sql): Promise<WorkflowDefinition>;
  stepping: Stepping;
}

/** An attempt's token: `<run>/<step>/<attempt>`. */
const parseToken = (token: string) => {
  const [runId, stepId, attempt] = token.split('/');
  return { runId: runId ?? '', stepId: stepId ?? '', attempt: Number(attempt) };
};

/**
 * The workers' side of the local engine: a worker polls a queue and leases one attempt of a
 * step (under its run's lock, with a start-to-close deadline and a heartbeat deadline), keeps it
 * with heartbeats, reports progress and logs (group-committed), and completes or fails it. What
 * follows an attempt is the engine's (`Stepping`). Pollers wait on `TaskWaiters`, woken when a
 * step is scheduled on their queue.
 */
export class LocalTasks {
  private readonly options: LocalTasksOptions;
  private readonly t: Transitions;
  private readonly waiters = new TaskWaiters();
  /** In-process attempts by token, aborted as soon as their run ends. */
  private readonly inProcess = new Map<string, AbortController>();
  /** Progress and logs: reports, not transitions, so they are written in group commits. */
  private readonly reports: EventBatcher;

  constructor(options: LocalTasksOptions) {
    this.options = options;
    this.t = options.transitions;
    this.reports = new EventBatcher(this.t, async (tx, runId, events) => {
      const run = await this.t.store.lockRun(tx.trx, runId);
      if (run && !FINISHED.includes(run.status)) await tx.emit(run, events);
    });
  }

  /** A step was scheduled on the queue: wake its pollers. */
  notify(queue: string) {
    this.waiters.notify(queue);
  }

  /** A retry on the queue is due at `at`. */
  notifyAt(queue: string, at: Date) {
    this.waiters.notifyAt(queue, at);
  }

  /** Aborts the in-process attempts of a run that ended. */
  abortRun(runId: string, reason: AbortReason) {
    for (const [token, controller] of this.inProcess)
      if (token.startsWith(`${runId}/`)) controller.abort(reason);
  }

  /** Aborts one in-process attempt (it timed out). */
  abortAttempt(token: string, reason: AbortReason) {
    this.inProcess.get(token)?.abort(reason);
  }

  /** Writes what reports are pending and stops waking pollers. */
  async close() {
    await this.reports.drain();
    this.waiters.close();
  }

  connectionFor(owner: string, inProcess: boolean): EngineConnection {
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
    poll: (queue, activities, workerId, signal, timeoutMs, projectId) =>
      this.poll(queue, activities, `remote:${workerId}`, signal, timeoutMs, projectId),
  };

  async poll(
    queue: string,
    activities: string[],
    owner: string,
    signal: AbortSignal,
    timeoutMs: number,
    projectId?: string,
  ): Promise<ActivityTask | null> {
    const until = Date.now() + timeoutMs;
    while (!signal.aborted && Date.now() < until) {
      const task = await this.claim(queue, activities, owner, projectId);
      if (task) {
        if (owner.startsWith('inproc:')) this.inProcess.set(task.token, new AbortController());
        return task;
      }
      await this.waiters.wait(queue, Math.min(1_000, until - Date.now()), signal);
    }
    return null;
  }

  private async claim(
    queue: string,
    activities: string[],
    owner: string,
    projectId?: string,
  ): Promise<ActivityTask | null> {
    if (activities.length === 0) return null;
    for (let tries = 0; tries < 5; tries++) {
      const now = new Date();
      const candidate = await this.t.store.nextDueStep(queue, activities, now, projectId);
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
      await this.options.stepping.advance(tx, leased.run, await this.options.definition(leased.run, tx.trx));
    });
  }

  private async fail(token: string, error: ErrorReport) {
    this.inProcess.delete(token);
    await this.t.run(async (tx) => {
      const leased = await this.leased(tx, token);
      if (!leased) return;
      await this.options.stepping.failAttempt(
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
}
