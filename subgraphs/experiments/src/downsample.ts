import type { MetricPoint } from './store/trackingStore.ts';

/**
 * Reduces a metric history to at most `maxPoints` for charts without hiding spikes: the points
 * are cut into `floor(maxPoints / 3)` buckets by position, and each bucket keeps its lowest,
 * highest and last point (NaN is neither; the first of equals wins; a bucket of only NaN keeps
 * its first). The last point logged is always kept. The native store does the same in SQL.
 */
export function downsample(points: MetricPoint[], maxPoints: number): MetricPoint[] {
  if (points.length <= maxPoints) return points;
  const buckets = Math.max(1, Math.floor(maxPoints / 3));
  const size = Math.ceil(points.length / buckets);
  const kept = new Set<number>();
  for (let start = 0; start < points.length; start += size) {
    const end = Math.min(start + size, points.length);
    let low = -1;
    let high = -1;
    for (let i = start; i < end; i++) {
      const value = points[i]!.value;
      if (Number.isNaN(value)) continue;
      if (low < 0 || value < points[low]!.value) low = i;
      if (high < 0 || value > points[high]!.value) high = i;
    }
    if (low < 0) low = high = start;
    kept
      .add(low)
      .add(high)
      .add(end - 1);
  }
  return [...kept].sort((a, b) => a - b).map((i) => points[i]!);
}
