import type { Logger } from '@jarvis/context';
import type { LiveRunMetrics, RunSeriesLabels } from '@jarvis/telemetry';
import {
  type MetricPoint,
  type RunRecord,
  TERMINAL_RUN_STATUSES,
  type TrackingStore,
} from './store/trackingStore.ts';

export interface LiveRunExporter {
  /** A batch was logged: its latest values go to `jarvis_run_metric_latest`, off the request's path. */
  logged(projectId: string, runId: string, points: readonly MetricPoint[]): void;
  /** The run changed: a run that ended leaves the gauge soon; a renamed one carries its new name. */
  updated(run: Pick<RunRecord, 'id' | 'name' | 'status' | 'lifecycleStage'>): void;
}

/**
 * Feeds the live-run gauge. Series carry the experiment's name, which a batch does not, so the
 * first batch of a run in this process looks it up once; later batches of the same run wait on
 * that one lookup, which keeps their values in the order they were logged.
 */
export function liveRunExporter(store: TrackingStore, live: LiveRunMetrics, logger: Logger): LiveRunExporter {
  const lookups = new Map<string, Promise<RunSeriesLabels | undefined>>();

  const lookUp = (projectId: string, runId: string) => {
    let pending = lookups.get(runId);
    if (!pending) {
      pending = (async () => {
        const run = await store.getRun(projectId, runId);
        if (!run) return undefined;
        const experiment = await store.getExperiment(projectId, run.experimentId);
        return {
          project: projectId,
          experiment: experiment?.name ?? run.experimentId,
          run: runId,
          runName: run.name,
        };
      })().finally(() => lookups.delete(runId));
      lookups.set(runId, pending);
    }
    return pending;
  };

  return {
    logged(projectId, runId, points) {
      if (!points.length) return;
      const known = live.labels(runId);
      if (known && !lookups.has(runId)) {
        live.record(known, points);
        return;
      }
      lookUp(projectId, runId).then(
        (labels) => labels && live.record(labels, points),
        (error: unknown) =>
          logger.warn({ err: error, runId }, 'could not label a run for jarvis_run_metric_latest'),
      );
    },
    updated(run) {
      const known = live.labels(run.id);
      if (!known) return;
      if (TERMINAL_RUN_STATUSES.includes(run.status) || run.lifecycleStage === 'deleted') live.finish(run.id);
      if (known.runName !== run.name) live.relabel(run.id, { ...known, runName: run.name });
    },
  };
}
