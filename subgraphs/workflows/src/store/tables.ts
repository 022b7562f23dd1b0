import type { Kysely, Transaction } from 'kysely';
import type { WorkflowDefinition } from '../definition/workflowDefinition.ts';
import type {
  RunEvent,
  RunRecord,
  RunStatus,
  ScheduleRecord,
  StepRunRecord,
  WorkflowRecord,
} from '../records.ts';

// The workflows schema's rows, as migrations.ts makes them, and how each reads as a record.

interface Timestamps {
  created_at: Date;
}
export interface Tables {
  workflow_versions: {
    project_id: string;
    name: string;
    version: number;
    definition: WorkflowDefinition | string;
    digest: string;
  } & Partial<Timestamps>;
  runs: {
    id: string;
    project_id: string;
    workflow_name: string;
    workflow_version: number | null;
    kind: string;
    engine: string;
    status: string;
    progress: number;
    message: string | null;
    input: unknown;
    result: unknown;
    error: unknown;
    component: string | null;
    idempotency_key: string | null;
    parent_run_id: string | null;
    parent_step_id: string | null;
    retry_of: string | null;
    schedule_id: string | null;
    experiment_run_id: string | null;
    task_queue: string;
    created_at: Date;
    started_at: Date | null;
    ended_at: Date | null;
    deadline_at: Date | null;
  };
  step_runs: {
    run_id: string;
    step_id: string;
    position: number;
    kind: string;
    status: string;
    attempt: number;
    activity: string | null;
    task_queue: string | null;
    input: unknown;
    output: unknown;
    error: unknown;
    progress: number;
    message: string | null;
    due_at: Date | null;
    started_at: Date | null;
    ended_at: Date | null;
    lease_owner: string | null;
    lease_expires_at: Date | null;
    heartbeat_expires_at: Date | null;
    child_run_id: string | null;
  };
  events: {
    run_id: string;
    sequence: number;
    type: string;
    step_id: string | null;
    attempt: number | null;
    progress: number | null;
    message: string | null;
    data: unknown;
    at: Date;
  };
  signals: {
    id?: number;
    run_id: string;
    name: string;
    payload: unknown;
    consumed_by: string | null;
    at?: Date;
  };
  schedules: {
    id: string;
    project_id: string;
    workflow_name: string;
    input: unknown;
    component: string | null;
    cron: string | null;
    timezone: string;
    overlap: string;
    trigger: unknown;
    paused: boolean;
    note: string | null;
    engine: string;
    next_fire_at: Date | null;
    last_fired_at: Date | null;
    buffered: number;
    created_at?: Date;
  };
}

/** Where a store call runs: the store's own connection, or a transaction it opened. */
export type Sql = Kysely<Tables> | Transaction<Tables>;
/** A transaction the store opened (`RunStore.transaction`), passed back to keep work in it. */
export type Trx = Transaction<Tables>;

/** A step's row, as the engines schedule and lease it. */
export type StepRow = Tables['step_runs'];
/** A run's row. */
export type RunRow = Tables['runs'];
/** A schedule's row. */
export type ScheduleRow = Tables['schedules'];

/** JSON for a jsonb column: pg would turn a bare array into a Postgres array. */

export const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

export const toRun = (r: Tables['runs']): RunRecord => ({
  id: r.id,
  projectId: r.project_id,
  workflowName: r.workflow_name,
  workflowVersion: r.workflow_version,
  kind: r.kind as RunRecord['kind'],
  engine: r.engine as RunRecord['engine'],
  status: r.status as RunStatus,
  progress: r.progress,
  message: r.message,
  input: r.input,
  result: r.result,
  error: r.error as RunRecord['error'],
  component: r.component,
  idempotencyKey: r.idempotency_key,
  parentRunId: r.parent_run_id,
  parentStepId: r.parent_step_id,
  retryOf: r.retry_of,
  scheduleId: r.schedule_id,
  experimentRunId: r.experiment_run_id,
  taskQueue: r.task_queue,
  createdAt: r.created_at,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  deadlineAt: r.deadline_at,
});

export const toStep = (r: Tables['step_runs']): StepRunRecord => ({
  runId: r.run_id,
  stepId: r.step_id,
  position: r.position,
  kind: r.kind as StepRunRecord['kind'],
  status: r.status as StepRunRecord['status'],
  attempt: r.attempt,
  activity: r.activity,
  taskQueue: r.task_queue,
  input: r.input,
  output: r.output,
  error: r.error as StepRunRecord['error'],
  progress: r.progress,
  message: r.message,
  dueAt: r.due_at,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  childRunId: r.child_run_id,
});

export const toEvent = (r: Tables['events']): RunEvent => ({
  runId: r.run_id,
  sequence: r.sequence,
  type: r.type as RunEvent['type'],
  stepId: r.step_id,
  attempt: r.attempt,
  progress: r.progress,
  message: r.message,
  data: r.data,
  at: new Date(r.at).toISOString(),
});

export const toSchedule = (r: Tables['schedules']): ScheduleRecord => ({
  id: r.id,
  projectId: r.project_id,
  workflowName: r.workflow_name,
  input: r.input,
  component: r.component,
  cron: r.cron,
  timezone: r.timezone,
  overlap: r.overlap as ScheduleRecord['overlap'],
  trigger: r.trigger as ScheduleRecord['trigger'],
  paused: r.paused,
  note: r.note,
  engine: r.engine as ScheduleRecord['engine'],
  nextFireAt: r.next_fire_at,
  lastFiredAt: r.last_fired_at,
  buffered: r.buffered,
  createdAt: r.created_at ?? new Date(0),
});

export const toWorkflow = (r: Tables['workflow_versions']): WorkflowRecord => ({
  projectId: r.project_id,
  name: r.name,
  version: r.version,
  definition: (typeof r.definition === 'string'
    ? JSON.parse(r.definition)
    : r.definition) as WorkflowDefinition,
  createdAt: r.created_at ?? new Date(0),
});
