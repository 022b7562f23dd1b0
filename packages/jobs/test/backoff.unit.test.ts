import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../src/index.ts';

describe('backoffDelay', () => {
  it('doubles per failure up to the cap, with half of each step drawn at random', () => {
    for (const [failures, step] of [
      [1, 1_000],
      [2, 2_000],
      [3, 4_000],
      [6, 30_000],
      [40, 30_000],
    ] as const) {
      expect(backoffDelay(failures, 1_000, 30_000, () => 0)).toBe(step / 2);
      expect(backoffDelay(failures, 1_000, 30_000, () => 0.999_999)).toBe(step);
    }
  });

  it('spreads replicas that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(3, 1_000, 30_000)));
    expect(delays.size).toBeGreaterThan(10);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(2_000);
  });
});
