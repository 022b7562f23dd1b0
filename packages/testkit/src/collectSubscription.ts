import { createClient } from 'graphql-ws';

export interface SubscriptionEvent<T> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/**
 * Subscribes over graphql-ws at `${url}/graphql` and keeps every event; `until(n)` resolves once
 * n arrived (or the stream ended or failed). Dispose to close the socket.
 */
export function collectSubscription<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  /** Sent in connection_init, as browsers must (e.g. `{ authorization: 'Bearer …' }`). */
  connectionParams: Record<string, string> = {},
) {
  const client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    lazy: false,
    retryAttempts: 0,
    connectionParams,
  });
  const events: SubscriptionEvent<T>[] = [];
  let ended = false;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of waiters) w();
  };
  client.subscribe(
    { query, variables },
    {
      next: (event) => {
        events.push(event as SubscriptionEvent<T>);
        wake();
      },
      error: (error) => {
        events.push({
          errors: Array.isArray(error) ? error : [{ message: String((error as Error)?.message ?? error) }],
        });
        ended = true;
        wake();
      },
      complete: () => {
        ended = true;
        wake();
      },
    },
  );
  return {
    events,
    /** Resolves with the events once `count` arrived or the stream ended; rejects after timeoutMs. */
    until(count: number | ((events: SubscriptionEvent<T>[]) => boolean), timeoutMs = 15_000) {
      const done = () => ended || (typeof count === 'number' ? events.length >= count : count(events));
      return new Promise<SubscriptionEvent<T>[]>((resolve, reject) => {
        if (done()) return resolve(events);
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `subscription: ${events.length} events after ${timeoutMs} ms: ${JSON.stringify(events)}`,
            ),
          );
        }, timeoutMs);
        const check = () => {
          if (!done()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(events);
        };
        waiters.add(check);
      });
    },
    dispose: () => client.dispose(),
    [Symbol.asyncDispose]: async () => client.dispose(),
  };
}
