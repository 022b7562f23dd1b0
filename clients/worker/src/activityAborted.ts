/**
 * Why an attempt was stopped before it finished: one name per cause, the same on every engine,
 * so an activity can tell "the user cancelled" (clean up, say nothing) from "the run timed out"
 * (save a checkpoint) without knowing which engine Jarvis runs on.
 */
export type AbortReason =
  | 'RUN_CANCELLED'
  | 'RUN_TERMINATED'
  | 'RUN_TIMED_OUT'
  | 'RUN_FAILED'
  | 'ATTEMPT_TIMED_OUT'
  | 'WORKER_SHUTDOWN';

const MESSAGES: Record<AbortReason, string> = {
  RUN_CANCELLED: 'the run was cancelled',
  RUN_TERMINATED: 'the run was terminated',
  RUN_TIMED_OUT: 'the run exceeded its execution timeout',
  RUN_FAILED: 'the run failed in another step',
  ATTEMPT_TIMED_OUT: 'the attempt timed out (start-to-close or heartbeat timeout)',
  WORKER_SHUTDOWN: 'the worker is shutting down',
};

/** What `ctx.signal.reason` is when Jarvis stops an attempt. */
export class ActivityAbortedError extends Error {
  override readonly name = 'ActivityAborted';
  readonly reason: AbortReason;
  constructor(reason: AbortReason) {
    super(MESSAGES[reason]);
    this.reason = reason;
  }
}

/** Aborts `controller` with the reason, once: the first cause to arrive is the one the activity sees. */
export function abortOnce(controller: AbortController): (reason: AbortReason) => void {
  return (reason) => {
    if (!controller.signal.aborted) controller.abort(new ActivityAbortedError(reason));
  };
}

/** The reason a run's status gives its running attempts, or null while it still runs. */
export function abortReasonOfRun(status: string): AbortReason | null {
  switch (status) {
    case 'CANCELLED':
      return 'RUN_CANCELLED';
    case 'TERMINATED':
      return 'RUN_TERMINATED';
    case 'TIMED_OUT':
      return 'RUN_TIMED_OUT';
    case 'FAILED':
      return 'RUN_FAILED';
    default:
      return null;
  }
}
