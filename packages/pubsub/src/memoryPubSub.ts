import type { PubSub } from './pubSub.ts';
import { subscriberQueue } from './subscriberQueue.ts';

/** In-process pub/sub for `jarvis dev` and single-replica deployments. */
export function memoryPubSub(): PubSub {
  const topics = new Map<string, Set<(payload: unknown) => void>>();
  let count = 0;
  return {
    async publish(topic, payload) {
      const subscribers = topics.get(topic);
      if (!subscribers) return; // the common case on a hot path: nobody is listening
      // Each subscriber gets its own copy, as it would over Redis: no shared mutable objects.
      const text = JSON.stringify(payload);
      for (const deliver of subscribers) deliver(JSON.parse(text));
    },
    async subscribe<T>(topic: string, options: { signal?: AbortSignal } = {}) {
      const subscribers = topics.get(topic) ?? new Set<(payload: unknown) => void>();
      topics.set(topic, subscribers);
      const queue = subscriberQueue<T>(() => {
        subscribers.delete(deliver);
        count--;
        if (subscribers.size === 0) topics.delete(topic);
      }, options.signal);
      const deliver = (payload: unknown) => queue.push(payload as T);
      subscribers.add(deliver);
      count++;
      return queue.iterator;
    },
    subscriberCount: () => count,
    async ping() {},
    async close() {
      topics.clear();
    },
  };
}
