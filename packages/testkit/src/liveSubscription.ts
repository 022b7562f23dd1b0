import type { Jarvis } from '@jarvis/app';
import { collectSubscription } from './collectSubscription.ts';
import { waitFor } from './waitFor.ts';

/**
 * collectSubscription, returned once the router listens on the subscription's topic: events
 * published after this resolves reach it (before, they could be published before it listens).
 */
export async function liveSubscription<T = Record<string, unknown>>(
  jarvis: Jarvis & { url: string },
  query: string,
  variables: Record<string, unknown> = {},
  /** Sent in connection_init (`{ authorization: 'Bearer jv_…' }`). */
  connectionParams: Record<string, string> = {},
) {
  const before = jarvis.runtime.pubsub.subscriberCount();
  const stream = collectSubscription<T>(jarvis.url, query, variables, connectionParams);
  await waitFor(
    `the router to listen for ${query.replace(/\s+/g, ' ').slice(0, 80)}`,
    async () => stream.events.some((e) => e.errors) || jarvis.runtime.pubsub.subscriberCount() > before,
    { timeoutMs: 10_000, intervalMs: 20 },
  );
  if (stream.events[0]?.errors)
    throw new Error(`subscription refused: ${JSON.stringify(stream.events[0].errors)}`);
  return stream;
}
