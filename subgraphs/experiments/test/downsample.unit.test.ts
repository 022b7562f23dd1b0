import { describe, expect, it } from 'vitest';
import { downsample } from '../src/downsample.ts';

const series = (values: number[]) =>
  values.map((value, step) => ({ key: 'loss', value, step, timestamp: step }));

describe('downsample', () => {
  it('returns short histories as they are', () => {
    const points = series([3, 2, 1]);
    expect(downsample(points, 10)).toBe(points);
  });

  it('keeps each bucket’s lowest, highest and last point, the spikes and the final value included', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => 1 / (i + 1));
    values[4_321] = 50; // a spike
    values[7_000] = -3; // a dip
    const out = downsample(series(values), 300);
    expect(out.length).toBeLessThanOrEqual(300);
    expect(out.map((p) => p.step)).toEqual([...out.map((p) => p.step)].sort((a, b) => a - b));
    expect(out.some((p) => p.value === 50)).toBe(true);
    expect(out.some((p) => p.value === -3)).toBe(true);
    expect(out.at(-1)!.step).toBe(9_999);
  });
});
