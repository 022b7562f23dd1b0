import { Counter, Gauge, type Registry } from 'prom-client';

/** Who a run is, as its series are labelled: the experiment by name, so dashboards can ask for it. */
export interface RunSeriesLabels {
  project: string;
  experiment: string;
  run: string;
  runName: string;
}

export interface LiveRunMetrics {
  /** The labels of a run this process is exporting, so a caller can skip looking them up. */
  labels(runId: string): RunSeriesLabels | undefined;
  /** Keeps the latest value per key (the highest step, then the newest timestamp, as MLflow does). */
  record(
    labels: RunSeriesLabels,
    points: readonly { key: string; value: number; step: number; timestamp: number }[],
  ): void;
  /** The run ended: its series stay long enough for a last scrape, then leave the exposition. */
  finish(runId: string): void;
  /** New labels for a run (renamed) from the next scrape on. */
  relabel(runId: string, labels: RunSeriesLabels): void;
  /** Series exported right now. */
  size(): number;
}

export interface LiveRunMetricsOptions {
  registry: Registry;
  /** At most this many (run, key) series; past it the runs logged to least recently are dropped. */
  maxSeries?: number;
  /** How long an ended run's last values stay exported. */
  keepFinishedMs?: number;
  now?: () => number;
}

type LiveRun = {
  labels: RunSeriesLabels;
  latest: Map<string, { value: number; step: number; timestamp: number }>;
  endedAt?: number;
};

/**
 * Live training curves for Grafana without unbounded cardinality. Prometheus is not a tracking
 * store: only runs that are logging now (and, for a grace period, just ended) are exported, under
 * a hard cap on series, so the run id label cannot grow without limit. The experiments subgraph
 * remains the record of every point; this is a window onto what is happening.
 */
export function createLiveRunMetrics(options: LiveRunMetricsOptions): LiveRunMetrics {
  const maxSeries = options.maxSeries ?? 5_000;
  const keepFinishedMs = options.keepFinishedMs ?? 10 * 60_000;
  const now = options.now ?? Date.now;
  // Insertion order is recency: a run that logs is moved to the end, eviction takes from the front.
  const runs = new Map<string, LiveRun>();
  let series = 0;

  const dropped = new Counter({
    name: 'jarvis_run_metric_series_dropped_total',
    help: 'Run metric series left out of jarvis_run_metric_latest because the series cap was reached.',
    registers: [options.registry],
  });

  const forget = (runId: string) => {
    const run = runs.get(runId);
    if (!run) return;
    series -= run.latest.size;
    runs.delete(runId);
  };

  const expire = () => {
    const cutoff = now() - keepFinishedMs;
    for (const [id, run] of runs) if (run.endedAt !== undefined && run.endedAt <= cutoff) forget(id);
  };

  new Gauge({
    name: 'jarvis_run_metric_latest',
    help: 'Latest value of each metric an experiment run logs, for runs logging now or ended in the last minutes.',
    labelNames: ['project', 'experiment', 'run', 'run_name', 'key'],
    registers: [options.registry],
    collect() {
      expire();
      this.reset();
      for (const run of runs.values()) {
        const { project, experiment, run: id, runName } = run.labels;
        for (const [key, point] of run.latest)
          this.set({ project, experiment, run: id, run_name: runName, key }, point.value);
      }
    },
  });

  return {
    labels: (runId) => runs.get(runId)?.labels,
    record(labels, points) {
      if (!points.length) return;
      let run = runs.get(labels.run);
      if (run) runs.delete(labels.run);
      else run = { labels, latest: new Map() };
      run.labels = labels;
      run.endedAt = undefined;
      runs.set(labels.run, run);
      for (const p of points) {
        if (!Number.isFinite(p.value)) continue;
        const held = run.latest.get(p.key);
        if (held && (held.step > p.step || (held.step === p.step && held.timestamp > p.timestamp))) continue;
        if (!held) {
          // Make room from the least recently logging runs; this one is last, so it goes only if it
          // alone fills the cap, and then the new key is what is left out.
          while (series >= maxSeries) {
            const oldest = runs.keys().next().value as string;
            if (oldest === labels.run) break;
            dropped.inc(runs.get(oldest)!.latest.size);
            forget(oldest);
          }
          if (series >= maxSeries) {
            dropped.inc();
            continue;
          }
          series += 1;
        }
        run.latest.set(p.key, { value: p.value, step: p.step, timestamp: p.timestamp });
      }
    },
    finish(runId) {
      const run = runs.get(runId);
      if (run) run.endedAt = now();
    },
    relabel(runId, labels) {
      const run = runs.get(runId);
      if (run) run.labels = labels;
    },
    size: () => {
      expire();
      return series;
    },
  };
}
