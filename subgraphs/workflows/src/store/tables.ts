import type { Kysely, Selectable, Transaction } from 'kysely';
import type { WorkflowDefinition } from '../definition/workflowDefinition.ts';
import type { DB } from '../generated/tables.ts';
import type {
  RunEvent,
  RunRecord,
  RunStatus,
  ScheduleRecord,
  StepRunRecord,
  WorkflowRecord,
} from '../records.ts';

// The workflows schema's rows, as migrations.ts makes them, and how each reads as a record.

/** The workflows schema's tables, generated from migrations.ts by `npm run codegen`. */
export type Tables = DB;

/** Where a store call runs: the store's own connection, or a transaction it opened. */
export type Sql = Kysely<Tables> | Transaction<Tables>;
/** A transaction the store opened (`RunStore.transaction`), passed back to keep work in it. */
export type Trx = Transaction<Tables>;

/** A step's row, as the engines schedule and lease it. */
export type StepRow = Selectable<Tables['step_runs']>;
/** A run's row. */
export type RunRow = Selectable<Tables['runs']>;
/** A schedule's row. */
export type ScheduleRow = Selectable<Tables['schedules']>;

/** JSON for a jsonb column: pg would turn a bare array into a Postgres array. */

export const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

export const toRun = (r: Selectable<Tables['runs']>): RunRecord => ({
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

export const toStep = (r: Selectable<Tables['step_runs']>): StepRunRecord => ({
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

export const toEvent = (r: Selectable<Tables['events']>): RunEvent => ({
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

export const toSchedule = (r: Selectable<Tables['schedules']>): ScheduleRecord => ({
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

export const toWorkflow = (r: Selectable<Tables['workflow_versions']>): WorkflowRecord => ({
  projectId: r.project_id,
  name: r.name,
  version: r.version,
  definition: (typeof r.definition === 'string'
    ? JSON.parse(r.definition)
    : r.definition) as WorkflowDefinition,
  createdAt: r.created_at ?? new Date(0),
});
