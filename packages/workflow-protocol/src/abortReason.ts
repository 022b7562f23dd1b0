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
