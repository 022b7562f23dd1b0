import type { AbortReason } from '@jarvis/workflow-protocol';
import { quietTemporalRuntime } from '@jarvis/workflow-protocol';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { abortOnce } from './activityAborted.ts';
import { type Activity, type ActivityContext, contextParts, errorReport } from './activityContext.ts';
import type { RunningWorker, WorkerSettings } from './createWorker.ts';

/** Whether Temporal will try again after this attempt fails with this error type. */
function willRetry(info: Context['info'], type: string, nonRetryable: boolean) {
  const policy = info.retryPolicy;
  if (nonRetryable || policy?.nonRetryableErrorTypes?.includes(type)) return false;
  const max = policy?.maximumAttempts ?? 0;
  return max === 0 || info.attempt < max;
}

function nextAttemptAt(info: Context['info']) {
  const policy = info.retryPolicy;
  const initial = Number(policy?.initialInterval ?? 1_000);
  const coefficient = policy?.backoffCoefficient ?? 2;
  const maximum = Number(policy?.maximumInterval ?? initial * 100);
  return new Date(Date.now() + Math.min(initial * coefficient ** (info.attempt - 1), maximum)).toISOString();
}

/**
 * Temporal tells an activity only that it was cancelled, timed out or that its attempt is gone;
 * Jarvis knows why a run stopped (cancel, terminate, timeout, a failed sibling) because it
 * records the ending before the news reaches the activity's next heartbeat. So ask it, briefly.
 */
async function abortReason(
  ctx: Context,
  connection: WorkerSettings['connection'],
  runId: string,
  deadline: number,
): Promise<AbortReason> {
  const details = ctx.cancellationDetails;
  if (details?.workerShutdown) return 'WORKER_SHUTDOWN';
  if (details?.timedOut || Date.now() >= deadline) return 'ATTEMPT_TIMED_OUT';
  for (const until = Date.now() + 3_000; Date.now() < until; ) {
    const reason = await connection.stopReason(runId).catch(() => null);
    if (reason) return reason;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // The run goes on without this attempt: Temporal gave it up (its heartbeat timeout).
  return details?.cancelRequested ? 'RUN_CANCELLED' : 'ATTEMPT_TIMED_OUT';
}

/**
 * Wraps an activity for Temporal: the step's run is the workflow id and the step the activity
 * id (the pipeline workflow sets both), progress goes out as a heartbeat and as an event to
 * Jarvis, and a failure that Temporal will retry is announced as STEP_RETRYING.
 */
function wrap(settings: WorkerSettings, activity: Activity) {
  const { connection } = settings;
  return async (input: unknown) => {
    const ctx = Context.current();
    const { info } = ctx;
    const runId = info.workflowExecution?.workflowId ?? '';
    const stepId = info.activityId;
    const report = (events: Parameters<typeof connection.report>[1]) => connection.report(runId, events);
    const parts = contextParts(connection, runId, (level, message, data) =>
      report([
        { type: 'LOG', stepId, attempt: info.attempt, message, data: { level, ...(data ? { data } : {}) } },
      ]),
    );
    let details: unknown;
    // Cancellation reaches an activity only through a heartbeat's answer.
    const beat = setInterval(() => ctx.heartbeat(details), 500);
    const abort = new AbortController();
    const stop = abortOnce(abort);
    // Temporal may close the run on this timeout before telling the activity: keep our own clock.
    const deadline = Date.now() + (info.startToCloseTimeoutMs || 2 ** 31);
    const expiry = info.startToCloseTimeoutMs
      ? setTimeout(() => stop('ATTEMPT_TIMED_OUT'), info.startToCloseTimeoutMs)
      : undefined;
    ctx.cancellationSignal.addEventListener(
      'abort',
      () => void abortReason(ctx, connection, runId, deadline).then(stop),
      { once: true },
    );
    const context: ActivityContext = {
      runId,
      stepId,
      workflow: info.workflowType ?? '',
      attempt: info.attempt,
      signal: abort.signal,
      async progress(fraction, message) {
        const progress = Math.min(1, Math.max(0, fraction));
        details = { progress, message };
        ctx.heartbeat(details);
        await report([
          { type: 'STEP_PROGRESS', stepId, attempt: info.attempt, progress, ...(message ? { message } : {}) },
        ]);
      },
      log: parts.log,
      run: parts.run,
    };
    try {
      // The pipeline workflow announces the first attempt; later ones are only seen here.
      if (info.attempt > 1) await report([{ type: 'STEP_STARTED', stepId, attempt: info.attempt }]);
      const output = await activity(input, context);
      await Promise.all(parts.pending);
      return output ?? null;
    } catch (error) {
      await Promise.all(parts.pending);
      if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
      // Past its start-to-close timeout the attempt is Temporal's to retry or fail, already.
      if (abort.signal.aborted) throw abort.signal.reason;
      const e = errorReport(error);
      if (willRetry(info, e.type, e.nonRetryable === true))
        await report([
          {
            type: 'STEP_RETRYING',
            stepId,
            attempt: info.attempt,
            message: e.message,
            data: { error: { type: e.type, message: e.message }, nextAttemptAt: nextAttemptAt(info) },
          },
        ]).catch(() => {});
      throw ApplicationFailure.create({
        type: e.type,
        message: e.message,
        nonRetryable: e.nonRetryable === true,
        ...(error instanceof Error ? { cause: error } : {}),
      });
    } finally {
      clearInterval(beat);
      clearTimeout(expiry);
    }
  };
}

export async function runTemporalWorker(
  settings: WorkerSettings & { address: string; namespace: string },
): Promise<RunningWorker> {
  await quietTemporalRuntime();
  const connection = await NativeConnection.connect({ address: settings.address });
  const worker = await Worker.create({
    connection,
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    identity: settings.identity,
    activities: Object.fromEntries(
      Object.entries(settings.activities).map(([n, a]) => [n, wrap(settings, a)]),
    ),
    maxConcurrentActivityTaskExecutions: settings.maxConcurrent,
    defaultHeartbeatThrottleInterval: 200,
    maxHeartbeatThrottleInterval: 1_000,
  });
  const done = worker.run().finally(() => connection.close());
  return {
    done,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
