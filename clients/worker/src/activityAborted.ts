import type { AbortReason } from '@jarvis/workflow-protocol';

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
