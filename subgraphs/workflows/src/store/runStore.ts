import type { StepDefinition, WorkflowDefinition } from '../definition/workflowDefinition.ts';
import type {
  NewRunEvent,
  RunEvent,
  RunRecord,
  RunStatus,
  ScheduleRecord,
  StepRunRecord,
  WorkflowRecord,
} from '../records.ts';
import type { RunRow, ScheduleRow, Sql, StepRow, Trx } from './tables.ts';

export interface RunFilter {
  workflow?: string | null;
  status?: RunStatus[] | null;
  component?: string | null;
  startedAfter?: Date | null;
  startedBefore?: Date | null;
  scheduleId?: string | null;
  experimentRunId?: string | null;
  parentRunId?: string | null;
  retryOf?: string | null;
}

export interface NewRun {
  id: string;
  projectId: string;
  workflowName: string;
  workflowVersion: number | null;
  kind: RunRecord['kind'];
  engine: RunRecord['engine'];
  input: unknown;
  component: string | null;
  idempotencyKey: string | null;
  parentRunId?: string | null;
  parentStepId?: string | null;
  retryOf?: string | null;
  scheduleId?: string | null;
  experimentRunId?: string | null;
  taskQueue: string;
  deadlineAt?: Date | null;
}

/** Columns of a step's row an engine changes (`input` is stored as JSON). */
export interface StepChange {
  status?: string;
  attempt?: number;
  input?: unknown;
  due_at?: Date | null;
  lease_owner?: string | null;
  lease_expires_at?: Date | null;
  heartbeat_expires_at?: Date | null;
  child_run_id?: string | null;
}

/** A step's lease columns cleared: no worker holds it. */
export const NO_LEASE = { lease_owner: null, lease_expires_at: null, heartbeat_expires_at: null } as const;

/**
 * Where the workflows subgraph keeps definitions, runs with their steps, the event log, signals
 * and schedules: the local engine's whole state, and the index of Temporal's. Calls that take
 * `q` run inside a transaction `transaction` opened. One implementation per SQL backend family
 * (sqlRunStore.ts).
 */
export interface RunStore {
  transaction<T>(work: (trx: Trx) => Promise<T>): Promise<T>;
  latestWorkflow(
    projectId: string,
    name: string,
    version?: number | null,
    q?: Sql,
  ): Promise<WorkflowRecord | undefined>;
  workflowVersions(projectId: string, name: string): Promise<WorkflowRecord[]>;
  workflows(projectId: string): Promise<WorkflowRecord[]>;
  /** Stores a new version unless the latest has the same digest; returns the current version. */
  saveWorkflow(projectId: string, definition: WorkflowDefinition, digest: string): Promise<WorkflowRecord>;
  insertRun(trx: Sql, run: NewRun, steps: StepDefinition[], defaultTaskQueue: string): Promise<RunRecord>;
  run(id: string, q?: Sql): Promise<RunRecord | undefined>;
  runsByIds(ids: readonly string[]): Promise<RunRecord[]>;
  /** Up to `limit` runs per experiment run, newest first, for many experiment runs in one query. */
  runsOfExperimentRuns(
    projectId: string,
    experimentRunIds: readonly string[],
    limit: number,
  ): Promise<RunRecord[]>;
  runByIdempotencyKey(projectId: string, key: string, q?: Sql): Promise<RunRecord | undefined>;
  /** Runs newest first; `after` is the (created_at, id) of the last row of the previous page. */
  runs(
    projectId: string,
    filter: RunFilter,
    limit: number,
    after?: { createdAt: Date; id: string },
  ): Promise<RunRecord[]>;
  countRuns(projectId: string, filter: RunFilter): Promise<number>;
  /** One step's row. */
  stepRow(runId: string, stepId: string, q?: Sql): Promise<StepRow | undefined>;
  /** Changes one step's row (outside a transaction when `q` is undefined); with `onlyAttempt`, only while it is that attempt. */
  setStep(
    q: Sql | undefined,
    runId: string,
    stepId: string,
    change: StepChange,
    onlyAttempt?: number,
  ): Promise<void>;
  steps(runId: string, q?: Sql): Promise<StepRunRecord[]>;
  events(runId: string, afterSequence?: number): Promise<RunEvent[]>;
  /** Locks the run's row for the rest of the transaction, so its events are numbered in order. */
  lockRun(trx: Trx, runId: string): Promise<RunRecord | undefined>;
  /**
   * Appends events to a run's log and applies them to the run and step rows (status, progress,
   * output, error). The caller holds the run's lock (`lockRun`). Returns the stored events.
   */
  appendEvents(trx: Trx, runId: string, events: NewRunEvent[]): Promise<RunEvent[]>;
  /** The oldest signal `name` kept for a run before its step waited, marked taken by `stepId`. */
  takeBufferedSignal(
    q: Sql,
    runId: string,
    name: string,
    stepId: string,
  ): Promise<{ id: number | undefined; payload: unknown } | undefined>;
  /** Like Temporal, a signal that arrives before its step waits is kept for it. */
  bufferSignal(q: Sql, runId: string, name: string, payload: unknown): Promise<void>;
  /** SIGNAL steps of a run waiting now. */
  stepsWaitingForSignals(q: Sql, runId: string): Promise<{ step_id: string }[]>;
  /** Child runs of a run still PENDING or RUNNING. */
  unfinishedChildren(q: Sql, parentRunId: string): Promise<RunRow[]>;
  /** The activity step due first on a queue, among these activities (unlocked: a hint to claim). */
  nextDueStep(
    queue: string,
    activities: string[],
    now: Date,
    projectId?: string,
  ): Promise<{ run_id: string; step_id: string } | undefined>;
  /** The step, if it is still waiting for a worker (read under its run's lock). */
  stepReadyToLease(q: Sql, runId: string, stepId: string): Promise<StepRow | undefined>;
  /** Timers that are due, and activity attempts whose lease or heartbeat ran out. */
  stepsDue(now: Date, limit: number): Promise<StepRow[]>;
  /** Running runs past their execution deadline. */
  runsPastDeadline(now: Date, limit: number): Promise<RunRow[]>;
  /** Unpaused schedules of an engine whose next fire time has come. */
  schedulesDue(engine: 'local' | 'temporal', now: Date): Promise<ScheduleRow[]>;
  /** Moves a schedule's next fire time on, if no replica did first: true for the one that fires. */
  claimScheduleFire(id: string, was: Date, next: Date | null, now: Date): Promise<boolean>;
  setNextFire(id: string, next: Date | null): Promise<void>;
  /** Activity steps running under leases whose owner matches `ownerPattern` (SQL LIKE). */
  stepsLeasedBy(ownerPattern: string): Promise<StepRow[]>;
  /** A run that could not start leaves nothing behind. */
  deleteRun(id: string): Promise<void>;
  /** Runs on an engine still PENDING or RUNNING that were created before `before`, oldest first. */
  unfinishedRuns(
    engine: 'local' | 'temporal',
    before: Date,
    limit: number,
  ): Promise<{ id: string; kind: string; status: string }[]>;
  /** Steps of a run still under way (scheduled, running, retrying or waiting). */
  activeSteps(q: Sql, runId: string): Promise<{ step_id: string; attempt: number }[]>;
  /** A new schedule (the engine learns of it separately). */
  insertSchedule(
    s: Omit<ScheduleRecord, 'nextFireAt' | 'lastFiredAt' | 'buffered' | 'createdAt'>,
  ): Promise<ScheduleRecord>;
  deleteSchedule(id: string): Promise<void>;
  setSchedulePaused(id: string, paused: boolean, note?: string | null): Promise<void>;
  /** BUFFER_ONE: a fire that came while the last run still went, kept for when it ends. */
  bufferScheduleFire(id: string): Promise<void>;
  /** Takes the buffered fire back, once: true for the caller that took it. */
  releaseBufferedFire(id: string): Promise<boolean>;
  schedule(projectId: string | null, id: string, q?: Sql): Promise<ScheduleRecord | undefined>;
  /** The project's unpaused schedules with an event trigger of this kind. */
  triggered(
    projectId: string,
    kind: NonNullable<ScheduleRecord['trigger']>['kind'],
  ): Promise<ScheduleRecord[]>;
  schedules(projectId: string, workflow?: string | null): Promise<ScheduleRecord[]>;
}
