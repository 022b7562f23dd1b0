/**
 * Topic-based publish/subscribe for subscription events. Payloads are JSON values: what one
 * replica publishes, a subscriber on another replica receives (through Redis).
 */
export interface PubSub {
  publish(topic: string, payload: unknown): Promise<void>;
  /**
   * Resolves once the subscription is live (a publish after it is received). Iterate to receive;
   * `return()` on the iterator, or the signal, ends it.
   */
  subscribe<T = unknown>(
    topic: string,
    options?: { signal?: AbortSignal },
  ): Promise<AsyncIterableIterator<T>>;
  /** Live subscriptions in this process, for leak checks and /metrics. */
  subscriberCount(): number;
  /** Resolves when the transport answers (for health checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
