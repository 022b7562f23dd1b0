import type { StepKind, WorkflowDefinition } from './definition/workflowDefinition.ts';

export type RunStatus =
  | 'PENDING'
  | 'RUNNING'
  | 'COMPLETED'
  | 'FAILED'
  | 'CANCELLED'
  | 'TERMINATED'
  | 'TIMED_OUT';
export const FINISHED: readonly RunStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT'];

export type StepStatus =
  | 'PENDING'
  | 'SCHEDULED'
  | 'RUNNING'
  | 'RETRYING'
  | 'WAITING'
  | 'COMPLETED'
  | 'FAILED'
  | 'CANCELLED';

export type RunEventType =
  | 'RUN_STARTED'
  | 'STEP_STARTED'
  | 'STEP_PROGRESS'
  | 'STEP_RETRYING'
  | 'STEP_COMPLETED'
  | 'STEP_FAILED'
  | 'STEP_CANCELLED'
  | 'RUN_COMPLETED'
  | 'RUN_FAILED'
  | 'RUN_CANCELLED'
  | 'RUN_TERMINATED'
  | 'RUN_TIMED_OUT'
  | 'LOG';

/** What went wrong, as a worker or the engine reports it. `type` is the error's name. */
export interface WorkflowError {
  type: string;
  message: string;
  stack?: string;
  details?: unknown;
}

export interface WorkflowRecord {
  projectId: string;
  name: string;
  version: number;
  definition: WorkflowDefinition;
  createdAt: Date;
}

export interface RunRecord {
  id: string;
  projectId: string;
  workflowName: string;
  workflowVersion: number | null;
  /** PIPELINE: a registered workflow; EXTERNAL: any other Temporal workflow type, by name. */
  kind: 'PIPELINE' | 'EXTERNAL';
  engine: 'local' | 'temporal';
  status: RunStatus;
  progress: number;
  message: string | null;
  input: unknown;
  result: unknown;
  error: WorkflowError | null;
  component: string | null;
  idempotencyKey: string | null;
  parentRunId: string | null;
  parentStepId: string | null;
  retryOf: string | null;
  scheduleId: string | null;
  experimentRunId: string | null;
  taskQueue: string;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  deadlineAt: Date | null;
}

export interface StepRunRecord {
  runId: string;
  stepId: string;
  position: number;
  kind: StepKind;
  status: StepStatus;
  attempt: number;
  activity: string | null;
  taskQueue: string | null;
  input: unknown;
  output: unknown;
  error: WorkflowError | null;
  progress: number;
  message: string | null;
  dueAt: Date | null;
  startedAt: Date | null;
  endedAt: Date | null;
  childRunId: string | null;
}

/** One entry of a run's event log, in the GraphQL shape of WorkflowRunEvent. */
export interface RunEvent {
  runId: string;
  sequence: number;
  type: RunEventType;
  stepId: string | null;
  attempt: number | null;
  progress: number | null;
  message: string | null;
  data: unknown;
  at: string;
}

/** An event before the store numbers it. */
export type NewRunEvent = Partial<Omit<RunEvent, 'runId' | 'sequence' | 'type' | 'at'>> & {
  type: RunEventType;
  at?: string;
};

export type OverlapPolicy = 'SKIP' | 'BUFFER_ONE' | 'ALLOW_ALL';

export type ScheduleTrigger =
  | { kind: 'ARTIFACT_CREATED'; artifactName?: string; artifactKind?: string }
  | { kind: 'WORKFLOW_COMPLETED'; workflow: string };

export interface ScheduleRecord {
  id: string;
  projectId: string;
  workflowName: string;
  input: unknown;
  component: string | null;
  cron: string | null;
  timezone: string;
  overlap: OverlapPolicy;
  trigger: ScheduleTrigger | null;
  paused: boolean;
  note: string | null;
  engine: 'local' | 'temporal';
  nextFireAt: Date | null;
  lastFiredAt: Date | null;
  buffered: number;
  createdAt: Date;
}
