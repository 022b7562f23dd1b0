import type { ActivityTask, WorkflowsConnection } from '@jarvis/workflow-protocol';
import type { WorkflowDefinition } from '../definition/workflowDefinition.ts';
import type { RunRecord, ScheduleRecord } from '../records.ts';
import type { NewRun } from '../store/runStore.ts';

/** The worker-facing half of an engine; the service adds the rest of WorkflowsConnection. */
export type EngineConnection = Omit<WorkflowsConnection, 'graphql' | 'experimentRunOf' | 'stopReason'>;

/**
 * How often an engine's periodic work runs: the local engine checks timers, timeouts and
 * schedules; the Temporal engine looks for endings nobody reported.
 */
export const BACKGROUND_INTERVAL_MS = { local: 200, temporal: 5_000 } as const;

/**
 * Runs pipelines. Both engines keep the run index, steps and event log in the metadata
 * database (the local engine's state; a projection of Temporal's), so queries, filters and
 * replays are the same on both.
 */
export interface WorkflowEngine {
  readonly kind: 'local' | 'temporal';
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Records and starts a run; nothing is left behind when it cannot start. */
  startRun(
    run: NewRun,
    definition: WorkflowDefinition | null,
    completedOutputs?: Record<string, unknown>,
  ): Promise<RunRecord>;
  cancel(run: RunRecord): Promise<void>;
  terminate(run: RunRecord, reason: string): Promise<void>;
  signal(run: RunRecord, name: string, payload: unknown): Promise<void>;
  /** Schedules with a cron expression run on the engine (Temporal Schedules on Temporal). */
  saveSchedule(schedule: ScheduleRecord, definition: WorkflowDefinition): Promise<void>;
  deleteSchedule(schedule: ScheduleRecord): Promise<void>;
  triggerSchedule(schedule: ScheduleRecord): Promise<void>;
  nextFireTimes(schedule: ScheduleRecord, count: number): Promise<Date[]>;
  /** What a worker in this process uses. */
  connection: EngineConnection;
  /** What the task-polling HTTP routes call for workers in other processes. */
  remote: RemoteWorkerApi;
  /**
   * The engine's periodic work (the local engine's timers, timeouts and schedules; the Temporal
   * engine's reconciling), which the subgraph puts on the job runner.
   */
  readonly background: { intervalMs: number; run(): Promise<void> };
  /** Throws when the engine cannot be reached (for `health`). */
  ping(): Promise<void>;
}

export type RemoteWorkerApi = Omit<EngineConnection, 'poll' | 'report' | 'cancellation'> & {
  poll(
    taskQueue: string,
    activities: string[],
    workerId: string,
    signal: AbortSignal,
    timeoutMs: number,
    /** Only tasks of runs in this project (a project's key); every project's when absent. */
    projectId?: string,
  ): Promise<ActivityTask | null>;
};
