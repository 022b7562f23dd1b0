import { JarvisRequestError } from './jarvisErrors.ts';

export interface RetryOptions {
  /** Tries in all, the first included (default 8). */
  attempts?: number;
  /** Wait before the second try, doubling up to maxDelayMs (defaults 200 ms and 5 s). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  onRetry?(error: JarvisRequestError, attempt: number, delayMs: number): void;
}

/**
 * Runs `task` again while it fails with a transient error (Jarvis unreachable, a backend down).
 * Only for work that is safe to repeat: an idempotency key, or a write that names its target.
 */
export async function retryTransient<T>(
  task: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 8;
  let delay = options.initialDelayMs ?? 200;
  for (let attempt = 1; ; attempt++) {
    try {
      return await task(attempt);
    } catch (error) {
      if (!(error instanceof JarvisRequestError) || !error.transient || attempt >= attempts) throw error;
      options.signal?.throwIfAborted();
      options.onRetry?.(error, attempt, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, options.maxDelayMs ?? 5_000);
    }
  }
}
