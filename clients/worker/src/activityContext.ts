import type { LogLevel, WorkflowsConnection } from '@jarvis/workflow-protocol';
import { LOG_METRICS_DOCUMENT } from './workerDocuments.ts';

export interface ActivityLogger {
  debug(message: string, data?: unknown): void;
  info(message: string, data?: unknown): void;
  warn(message: string, data?: unknown): void;
  error(message: string, data?: unknown): void;
}

/** The experiment run a workflow run logs into (`startWorkflow(…, experimentRunId)`). */
export interface ActivityRun {
  logMetric(key: string, value: number, step?: number): Promise<void>;
  logMetrics(metrics: { key: string; value: number; step?: number }[]): Promise<void>;
}

/** What an activity receives besides its input. The same on the local engine and on Temporal. */
export interface ActivityContext {
  runId: string;
  stepId: string;
  workflow: string;
  /** 1 on the first attempt. */
  attempt: number;
  /** Aborted when the run is cancelled or terminated, or the attempt times out. */
  signal: AbortSignal;
  /** Reports progress (0..1) and what the step is doing; subscribers see it within a second. */
  progress(fraction: number, message?: string): Promise<void>;
  log: ActivityLogger;
  /** Logs metrics to the run's experiment run; fails when the workflow run is linked to none. */
  run: ActivityRun;
}

export type Activity<I = unknown, O = unknown> = (input: I, context: ActivityContext) => Promise<O> | O;

/** The logger and the experiment-run logger every context shares; `send` is engine-specific. */
export function contextParts(
  connection: WorkflowsConnection,
  runId: string,
  send: (level: LogLevel, message: string, data?: unknown) => Promise<void>,
  knownExperimentRun?: string | null,
): { log: ActivityLogger; run: ActivityRun; pending: Set<Promise<unknown>> } {
  // Logs are fire-and-forget for the activity, but the attempt's end waits for them, so a
  // run's log keeps its order.
  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    const tracked = p.catch(() => {}).finally(() => pending.delete(tracked));
    pending.add(tracked);
  };
  const at = (level: LogLevel) => (message: string, data?: unknown) => track(send(level, message, data));
  let experimentRun: Promise<string | null> | undefined =
    knownExperimentRun !== undefined ? Promise.resolve(knownExperimentRun) : undefined;
  const logMetrics: ActivityRun['logMetrics'] = async (metrics) => {
    experimentRun ??= connection.experimentRunOf(runId);
    const id = await experimentRun;
    if (!id)
      throw new Error(
        `workflow run ${runId} logs into no experiment run: start it with experimentRunId to log metrics`,
      );
    await connection.graphql(LOG_METRICS_DOCUMENT, {
      runId: id,
      metrics: metrics.map((m) => ({ key: m.key, value: m.value, step: m.step ?? 0 })),
    });
  };
  return {
    log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    run: { logMetrics, logMetric: (key, value, step) => logMetrics([{ key, value, step: step ?? 0 }]) },
    pending,
  };
}

/** An error as the engine records it: its name is its type (what nonRetryableErrorTypes match). */
export function errorReport(error: unknown) {
  const e = error instanceof Error ? error : new Error(String(error));
  return {
    type: (e as { type?: string }).type ?? e.name ?? 'Error',
    message: e.message,
    ...(e.stack ? { stack: e.stack } : {}),
    ...((e as { nonRetryable?: boolean }).nonRetryable ? { nonRetryable: true } : {}),
  };
}
