import type { AbortReason, ActivityTask, HeartbeatAnswer } from '@jarvis/workflow-protocol';
import { type ActivityAbortedError, abortOnce } from './activityAborted.ts';
import { type ActivityContext, contextParts, errorReport } from './activityContext.ts';
import type { RunningWorker, WorkerSettings } from './createWorker.ts';

/** Polls the local engine for tasks, runs them, and reports every outcome until acknowledged. */
export function runLocalWorker(settings: WorkerSettings): RunningWorker {
  const { connection, activities } = settings;
  const stopping = new AbortController();
  const names = Object.keys(activities);

  async function execute(task: ActivityTask) {
    const abort = new AbortController();
    const stop = abortOnce(abort);
    const inProcess = connection.cancellation?.(task.token);
    inProcess?.addEventListener('abort', () => stop(inProcess.reason as AbortReason), { once: true });
    let expired = false;
    const deadline = setTimeout(
      () => {
        expired = !abort.signal.aborted;
        stop('ATTEMPT_TIMED_OUT');
      },
      Math.max(0, Date.parse(task.deadline) - Date.now()),
    );
    // Heartbeats keep the lease and bring news of a cancellation to workers in other processes.
    const every = Math.min(1_000, task.heartbeatTimeoutMs ? task.heartbeatTimeoutMs / 3 : 1_000);
    const beat = setInterval(() => {
      connection.heartbeat(task.token).then(
        (r) => r.cancelled && stop(r.reason),
        () => {},
      );
    }, every);
    const parts = contextParts(
      connection,
      task.runId,
      (level, message, data) => connection.log(task.token, level, message, data),
      task.experimentRunId,
    );
    const context: ActivityContext = {
      runId: task.runId,
      stepId: task.stepId,
      workflow: task.workflow,
      attempt: task.attempt,
      signal: abort.signal,
      async progress(fraction, message) {
        // Progress is news, not work: Jarvis being away for a moment does not fail the activity.
        const r = await connection
          .heartbeat(task.token, {
            progress: Math.min(1, Math.max(0, fraction)),
            ...(message !== undefined ? { message } : {}),
          })
          .catch((): HeartbeatAnswer => ({ cancelled: false }));
        if (r.cancelled) stop(r.reason);
      },
      log: parts.log,
      run: parts.run,
    };
    try {
      const activity = activities[task.activity]!;
      const output = await Promise.race([
        Promise.resolve().then(() => activity(task.input, context)),
        new Promise<never>((_, reject) =>
          abort.signal.addEventListener('abort', () => reject(abort.signal.reason), { once: true }),
        ),
      ]);
      await Promise.all(parts.pending);
      await connection.complete(task.token, output ?? null);
    } catch (error) {
      await Promise.all(parts.pending);
      // Stopped by Jarvis, the engine already knows why; the attempt's own deadline is reported
      // as the engine would name it; anything else is this attempt's failure.
      const stopped = abort.signal.reason as ActivityAbortedError | undefined;
      const report = !stopped
        ? errorReport(error)
        : expired
          ? {
              type: 'StartToCloseTimeout',
              message: `attempt ${task.attempt} ran past its start-to-close timeout`,
            }
          : undefined;
      if (report) await connection.fail(task.token, report).catch(() => {});
    } finally {
      clearTimeout(deadline);
      clearInterval(beat);
    }
  }

  async function poller() {
    while (!stopping.signal.aborted) {
      let task: ActivityTask | null;
      try {
        task = await connection.poll(settings.taskQueue, names, settings.identity, stopping.signal);
      } catch {
        // Jarvis away for a moment: poll again shortly (reports retry on their own).
        if (stopping.signal.aborted) return;
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      if (task) await execute(task);
    }
  }

  const done = Promise.all(Array.from({ length: settings.maxConcurrent }, poller)).then(() => {});
  return {
    done,
    async shutdown() {
      stopping.abort();
      await done;
    },
  };
}
