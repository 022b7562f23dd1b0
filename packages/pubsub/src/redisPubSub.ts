import { Redis } from 'ioredis';
import type { PubSub } from './pubSub.ts';
import { subscriberQueue } from './subscriberQueue.ts';

export interface RedisPubSubOptions {
  url: string;
  /** Channel prefix, so several deployments can share one Redis. */
  prefix?: string;
  onError?: (error: Error) => void;
}

/**
 * Redis pub/sub: one connection publishes, one subscribes, and a channel is subscribed on Redis
 * only while this process has a subscriber for it.
 */
export function redisPubSub(options: RedisPubSubOptions): PubSub {
  const prefix = options.prefix ?? 'jarvis:';
  const publisher = new Redis(options.url, { lazyConnect: false });
  const subscriber = new Redis(options.url, { lazyConnect: false });
  const onError = (error: Error) => options.onError?.(error);
  publisher.on('error', onError);
  subscriber.on('error', onError);
  const local = new Map<string, Set<(payload: unknown) => void>>();
  let count = 0;

  subscriber.on('message', (channel: string, message: string) => {
    const handlers = local.get(channel.slice(prefix.length));
    if (!handlers) return;
    // Parsed once per subscriber: no two subscribers share a mutable object.
    try {
      for (const deliver of handlers) deliver(JSON.parse(message));
    } catch (error) {
      onError(error as Error);
    }
  });

  return {
    async publish(topic, payload) {
      await publisher.publish(prefix + topic, JSON.stringify(payload));
    },
    async subscribe<T>(topic: string, opts: { signal?: AbortSignal } = {}) {
      const first = !local.has(topic);
      const set = local.get(topic) ?? new Set<(payload: unknown) => void>();
      local.set(topic, set);
      const queue = subscriberQueue<T>(() => {
        set.delete(deliver);
        count--;
        if (set.size === 0 && local.get(topic) === set) {
          local.delete(topic);
          subscriber.unsubscribe(prefix + topic).catch(onError);
        }
      }, opts.signal);
      const deliver = (payload: unknown) => queue.push(payload as T);
      set.add(deliver);
      count++;
      if (first) {
        try {
          await subscriber.subscribe(prefix + topic);
        } catch (error) {
          queue.close();
          throw error;
        }
      }
      return queue.iterator;
    },
    subscriberCount: () => count,
    async ping() {
      await publisher.ping();
    },
    async close() {
      local.clear();
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
