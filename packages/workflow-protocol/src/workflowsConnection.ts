import type { AbortReason } from './abortReason.ts';

/** One attempt of an activity step, leased to a worker by the local engine. */
export interface ActivityTask {
  /** Identifies this attempt's lease; every report about it carries it. */
  token: string;
  runId: string;
  stepId: string;
  workflow: string;
  activity: string;
  input: unknown;
  attempt: number;
  /** When set, a worker silent for this long loses the attempt (HeartbeatTimeout). */
  heartbeatTimeoutMs: number | null;
  /** ISO time the attempt times out (start-to-close). */
  deadline: string;
  experimentRunId: string | null;
}

/** Whether the attempt must stop, and why. */
export type HeartbeatAnswer = { cancelled: false } | { cancelled: true; reason: AbortReason };

export interface ErrorReport {
  type: string;
  message: string;
  stack?: string;
  /** The error's own wish: a failure that no retry can fix. */
  nonRetryable?: boolean;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The engine a workflows subgraph runs on, and how a worker reaches it. */
export type EngineInfo = { kind: 'local' } | { kind: 'temporal'; address: string; namespace: string };

/** An event a Temporal activity reports about its step (the local engine records its own). */
export interface StepReport {
  type: 'STEP_STARTED' | 'STEP_PROGRESS' | 'STEP_RETRYING' | 'LOG';
  stepId: string;
  attempt: number;
  progress?: number;
  message?: string;
  data?: unknown;
}

/**
 * What a worker needs from Jarvis: in-process, the workflows subgraph's service; in another
 * process, its HTTP routes on the router's origin (`httpConnection`).
 */
export interface WorkflowsConnection {
  engine(): Promise<EngineInfo>;
  /** Local engine: the next task on the queue for one of these activities, or null at the deadline. */
  poll(
    taskQueue: string,
    activities: string[],
    workerId: string,
    signal: AbortSignal,
  ): Promise<ActivityTask | null>;
  /** Extends the lease, records progress; tells whether the attempt must stop, and why. */
  heartbeat(token: string, progress?: { progress?: number; message?: string }): Promise<HeartbeatAnswer>;
  log(token: string, level: LogLevel, message: string, data?: unknown): Promise<void>;
  complete(token: string, output: unknown): Promise<void>;
  fail(token: string, error: ErrorReport): Promise<void>;
  /** In-process only: aborts (its reason an AbortReason) as soon as the run ends, without waiting for a heartbeat. */
  cancellation?(token: string): AbortSignal | undefined;
  /** Temporal engine: events about a step, recorded in the run's log and streamed to subscribers. */
  report(runId: string, events: StepReport[]): Promise<void>;
  /** The experiment run a workflow run logs into, if any. */
  experimentRunOf(runId: string): Promise<string | null>;
  /** Why a run stops its attempts (from how it ended), or null while it runs. */
  stopReason(runId: string): Promise<AbortReason | null>;
  /** A GraphQL operation on the router (for logging metrics to the experiment run). */
  graphql(query: string, variables: Record<string, unknown>): Promise<unknown>;
}
