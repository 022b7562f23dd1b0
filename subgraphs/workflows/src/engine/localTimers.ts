import type { Logger } from '@jarvis/context';
import type { WorkflowDefinition } from '../definition/workflowDefinition.ts';
import type { RunRecord, WorkflowError } from '../records.ts';
import { type Sql, toStep } from '../store/tables.ts';
import type { LocalSchedules } from './localSchedules.ts';
import type { LocalTasks } from './localTasks.ts';
import type { Stepping } from './stepping.ts';
import type { Transitions } from './transitions.ts';
import { BACKGROUND_INTERVAL_MS } from './workflowEngine.ts';

export interface LocalTimersOptions {
  transitions: Transitions;
  definition(run: RunRecord, q?: Sql): Promise<WorkflowDefinition>;
  logger: Logger;
  stepping: Stepping;
  tasks: LocalTasks;
  schedules: LocalSchedules;
}

const timeoutError = (type: string, message: string): WorkflowError => ({ type, message });

/**
 * Time on the local engine: TIMER steps that are due, attempts past their start-to-close or
 * heartbeat deadline, runs past their execution timeout, and cron schedules. All of it is rows
 * with a due time, so a tick (the `workflows.engine` job, or a timer about to fire) finds what
 * has come due, each in its own transaction under its run's lock, and a restart loses nothing.
 */
export class LocalTimers {
  private readonly options: LocalTimersOptions;
  private readonly t: Transitions;
  private ticking: Promise<void> | undefined;
  private stopped = false;

  constructor(options: LocalTimersOptions) {
    this.options = options;
    this.t = options.transitions;
  }

  /** One tick at a time, from the job runner or a timer about to fire. */
  tick(): Promise<void> {
    this.ticking ??= this.check().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  /** A timer due before the runner's next tick fires on time from here. */
  wakeAt(at: Date) {
    const ms = at.getTime() - Date.now();
    if (ms > BACKGROUND_INTERVAL_MS.local || this.stopped) return;
    setTimeout(
      () => {
        if (this.stopped) return;
        this.tick().catch((error: unknown) =>
          this.options.logger.warn({ err: error }, 'workflow engine tick failed; the next one retries'),
        );
      },
      Math.max(0, ms),
    ).unref();
  }

  async stop() {
    this.stopped = true;
    await this.ticking?.catch(() => {});
  }

  private async check() {
    const now = new Date();
    const store = this.t.store;
    for (const row of await store.stepsDue(now, 500)) {
      await this.t.run(async (tx) => {
        const run = await store.lockRun(tx.trx, row.run_id);
        if (run?.status !== 'RUNNING') return;
        const current = await store.stepRow(row.run_id, row.step_id, tx.trx);
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
          await this.options.stepping.advance(tx, run, await this.options.definition(run, tx.trx));
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
          this.options.tasks.abortAttempt(`${row.run_id}/${row.step_id}/${row.attempt}`, 'ATTEMPT_TIMED_OUT'),
        );
        await this.options.stepping.failAttempt(tx, run, toStep(row), error);
      });
    }
    for (const row of await store.runsPastDeadline(now, 100)) {
      await this.t.run(async (tx) => {
        const run = await store.lockRun(tx.trx, row.id);
        if (run?.status === 'RUNNING') await this.options.stepping.timeOutRun(tx, run);
      });
    }
    await this.options.schedules.fireDue(now);
  }
}
