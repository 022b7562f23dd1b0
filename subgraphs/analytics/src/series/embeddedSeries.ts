import { type Labels, labelsKey, type Sample } from '../records.ts';
import { matches, type Selector } from './labelSelector.ts';

/** Prometheus's lookback: a point takes the latest sample at most this old. */
const LOOKBACK_MS = 5 * 60 * 1000;

export interface Series {
  labels: Labels;
  points: { at: Date; value: number }[];
}

/**
 * Evaluates a selector over stored samples as Prometheus evaluates a range query: at each step,
 * each series' latest sample within the lookback window (no point when there is none).
 */
export function embeddedSeries(
  samples: Sample[],
  selector: Selector,
  start: Date,
  end: Date,
  stepSeconds: number,
): Series[] {
  const bySeries = new Map<string, { labels: Labels; samples: Sample[] }>();
  for (const sample of samples) {
    if (!matches(sample.labels, selector.matchers)) continue;
    const key = labelsKey(sample.labels);
    let series = bySeries.get(key);
    if (!series) {
      series = { labels: sample.labels, samples: [] };
      bySeries.set(key, series);
    }
    series.samples.push(sample);
  }
  const result: Series[] = [];
  for (const { labels, samples: ordered } of bySeries.values()) {
    const points: Series['points'] = [];
    let next = 0;
    let latest: Sample | undefined;
    for (let t = start.getTime(); t <= end.getTime(); t += stepSeconds * 1000) {
      while (next < ordered.length && ordered[next]!.at.getTime() <= t) latest = ordered[next++];
      if (latest && t - latest.at.getTime() <= LOOKBACK_MS)
        points.push({ at: new Date(t), value: latest.value });
    }
    if (points.length) result.push({ labels: { __name__: selector.metric, ...labels }, points });
  }
  return result;
}
