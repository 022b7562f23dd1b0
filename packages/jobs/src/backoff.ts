/**
 * The one retry delay of Jarvis's background work: exponential from `baseMs`, capped at `maxMs`,
 * with "equal jitter" (half the step fixed, half drawn at random), so replicas that failed
 * together do not retry together.
 */
export function backoffDelay(failures: number, baseMs: number, maxMs: number, random = Math.random): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(step / 2 + random() * (step / 2));
}
