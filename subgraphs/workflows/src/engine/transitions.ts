import type { Logger } from '@jarvis/context';
import type { PubSub } from '@jarvis/pubsub';
import { WORKFLOW_RUN_ENDED_TOPIC, type WorkflowRunEnded } from '@jarvis/subgraph';
import type { JarvisMetrics } from '@jarvis/telemetry';
import { FINISHED, type NewRunEvent, type RunEvent, type RunRecord, type RunStatus } from '../records.ts';
import type { RunStore } from '../store/runStore.ts';
import type { Trx } from '../store/tables.ts';
import { runChange, runEventTopic, runsTopic } from '../subscriptions.ts';

export interface Tx {
  trx: Trx;
  /** Appends events to the run's log (the caller holds the run's lock); published after commit. */
  emit(run: RunRecord, events: NewRunEvent[]): Promise<RunEvent[]>;
  /** Work for after the commit (waking pollers, aborting activities). */
  afterCommit(fn: () => void): void;
}

const STATUS_AFTER: Partial<Record<RunEvent['type'], RunStatus>> = {
  RUN_STARTED: 'RUNNING',
  RUN_COMPLETED: 'COMPLETED',
  RUN_FAILED: 'FAILED',
  RUN_CANCELLED: 'CANCELLED',
  RUN_TERMINATED: 'TERMINATED',
  RUN_TIMED_OUT: 'TIMED_OUT',
};

/**
 * Every state change of a run goes through here: persisted in one transaction with its events,
 * and only then published, so what a subscriber sees is always in the log already.
 */
export class Transitions {
  readonly store: RunStore;
  private readonly pubsub: PubSub;
  private readonly logger: Logger;
  /** Called once per run that ended, after the commit (buffered schedules, completion triggers). */
  private readonly onRunEnded: ((run: RunRecord) => Promise<void>) | undefined;

  private readonly metrics: JarvisMetrics | undefined;

  constructor(deps: {
    store: RunStore;
    pubsub: PubSub;
    logger: Logger;
    metrics?: JarvisMetrics | undefined;
    onRunEnded?: (run: RunRecord) => Promise<void>;
  }) {
    this.store = deps.store;
    this.pubsub = deps.pubsub;
    this.logger = deps.logger;
    this.metrics = deps.metrics;
    this.onRunEnded = deps.onRunEnded;
  }

  async run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const emitted: { run: RunRecord; events: RunEvent[] }[] = [];
    const after: (() => void)[] = [];
    const result = await this.store.transaction((trx) =>
      work({
        trx,
        emit: async (run, events) => {
          const stored = await this.store.appendEvents(trx, run.id, events);
          emitted.push({ run, events: stored });
          return stored;
        },
        afterCommit: (fn) => after.push(fn),
      }),
    );
    for (const fn of after) fn();
    await this.publish(emitted);
    if (this.onRunEnded)
      for (const { run, events } of emitted)
        if (events.some((e) => e.type in STATUS_AFTER && e.type !== 'RUN_STARTED')) {
          const ended = await this.store.run(run.id);
          if (ended)
            await this.onRunEnded(ended).catch((error: unknown) =>
              this.logger.error({ err: error, runId: run.id }, 'after a run ended, its follow-ups failed'),
            );
        }
    return result;
  }

  /** STEP_CANCELLED for every step still under way, so watchers see each step end, not only the run. */
  async cancelActiveSteps(tx: Tx, run: RunRecord, message: string) {
    const active = await this.store.activeSteps(tx.trx, run.id);
    if (active.length)
      await tx.emit(
        run,
        active.map((s) => ({
          type: 'STEP_CANCELLED' as const,
          stepId: s.step_id,
          attempt: s.attempt,
          message,
        })),
      );
  }

  private count(run: RunRecord, event: RunEvent, status: RunStatus) {
    if (!this.metrics) return;
    const workflow = this.metrics.boundedLabel('workflow', run.workflowName);
    if (event.type.startsWith('STEP_') && event.type !== 'STEP_STARTED' && event.type !== 'STEP_PROGRESS')
      this.metrics.workflowSteps.inc({ workflow, outcome: event.type.slice(5).toLowerCase() });
    else if (event.type.startsWith('RUN_') && event.type !== 'RUN_STARTED')
      this.metrics.workflowRuns.inc({
        workflow,
        component: this.metrics.boundedLabel('component', run.component),
        status,
      });
  }

  private async publish(batches: { run: RunRecord; events: RunEvent[] }[]) {
    for (const { run, events } of batches) {
      let status = run.status;
      for (const event of events) {
        status = STATUS_AFTER[event.type] ?? (FINISHED.includes(status) ? status : 'RUNNING');
        this.count(run, event, status);
        try {
          if (event.type.startsWith('RUN_') && event.type !== 'RUN_STARTED')
            await this.pubsub.publish(WORKFLOW_RUN_ENDED_TOPIC, {
              projectId: run.projectId,
              runId: run.id,
              workflow: run.workflowName,
              component: run.component,
              status: status as WorkflowRunEnded['status'],
              error: typeof event.message === 'string' && status !== 'COMPLETED' ? event.message : null,
              at: new Date().toISOString(),
            } satisfies WorkflowRunEnded);
          await this.pubsub.publish(runEventTopic(run.id), { ...event, run: { id: run.id } });
          if (event.type !== 'LOG')
            await this.pubsub.publish(runsTopic(run.projectId), runChange(run, event, status));
        } catch (error) {
          // The log has it; a subscriber that missed it sees it on its next replay.
          this.logger.warn({ err: error, runId: run.id }, 'could not publish a workflow run event');
        }
      }
    }
  }
}
