// Pure data and functions only: the Temporal pipeline workflow imports this module into its
// deterministic sandbox, so nothing here may touch Node, clocks or randomness.

export type StepKind = 'ACTIVITY' | 'TIMER' | 'SIGNAL' | 'CHILD_WORKFLOW';

export interface RetryPolicy {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  /** 0 means unlimited, as in Temporal. */
  maximumAttempts: number;
  nonRetryableErrorTypes: string[];
}

export interface StepDefinition {
  id: string;
  kind: StepKind;
  /** ACTIVITY: the activity's name, as a worker registers it. */
  activity?: string;
  /** ACTIVITY: where its workers poll; defaults to the workflow's task queue. */
  taskQueue?: string;
  /** TIMER: how long it waits. */
  durationMs?: number;
  /** SIGNAL: the signal's name; the step's output is the signal's payload. */
  signal?: string;
  /** CHILD_WORKFLOW: the registered workflow it runs; its output is the child's result. */
  workflow?: string;
  /** Steps that must complete first, besides those its input refers to. */
  dependsOn: string[];
  /** JSON; strings starting with `$input` or `$steps.<id>.output` are references (see mapping). */
  input?: unknown;
  retry: RetryPolicy;
  startToCloseTimeoutMs: number;
  heartbeatTimeoutMs?: number;
}

export interface WorkflowDefinition {
  name: string;
  description?: string;
  /** JSON Schema (draft 2020-12) the run input must satisfy. */
  inputSchema?: Record<string, unknown>;
  /** Default task queue of its activities. */
  taskQueue: string;
  steps: StepDefinition[];
  /** What the run returns, a mapping like a step's input; defaults to every step's output by id. */
  output?: unknown;
  /** A run still going after this long is TIMED_OUT. */
  executionTimeoutMs?: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  initialIntervalMs: 1_000,
  backoffCoefficient: 2,
  maximumIntervalMs: 100_000,
  maximumAttempts: 3,
  nonRetryableErrorTypes: [],
};

export const DEFAULT_START_TO_CLOSE_MS = 10 * 60_000;

/** The wait before attempt `attempt + 1` after attempt `attempt` (1-based) failed. */
export function backoffMs(retry: RetryPolicy, attempt: number): number {
  const raw = retry.initialIntervalMs * retry.backoffCoefficient ** (attempt - 1);
  return Math.min(raw, retry.maximumIntervalMs);
}

/** Whether a failure of type `errorType` on attempt `attempt` gets another attempt. */
export function shouldRetry(retry: RetryPolicy, attempt: number, errorType: string): boolean {
  if (retry.nonRetryableErrorTypes.includes(errorType)) return false;
  return retry.maximumAttempts === 0 || attempt < retry.maximumAttempts;
}
