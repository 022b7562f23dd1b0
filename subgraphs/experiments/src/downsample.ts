import type { MetricPoint } from './store/trackingStore.ts';

/**
 * Reduces a metric history to at most `maxPoints` for charts without hiding spikes: the points
 * are cut into buckets by position, and each bucket keeps its lowest, highest and last point.
 * The last point logged is always kept.
 */
export function downsample(points: MetricPoint[], maxPoints: number): MetricPoint[] {
  if (points.length <= maxPoints) return points;
  const buckets = Math.max(1, Math.floor(maxPoints / 3));
  const size = Math.ceil(points.length / buckets);
  const kept = new Set<number>();
  for (let start = 0; start < points.length; start += size) {
    const end = Math.min(start + size, points.length);
    let low = start;
    let high = start;
    for (let i = start; i < end; i++) {
      if (points[i]!.value < points[low]!.value) low = i;
      if (points[i]!.value > points[high]!.value) high = i;
    }
    kept
      .add(low)
      .add(high)
      .add(end - 1);
  }
  return [...kept].sort((a, b) => a - b).map((i) => points[i]!);
}
