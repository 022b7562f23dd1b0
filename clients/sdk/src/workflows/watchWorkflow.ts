import { WatchWorkflowDocument, type WatchWorkflowSubscription } from '../generated/graphql.ts';
import type { JarvisClient } from '../jarvisClient.ts';
import { JarvisNetworkError, JarvisRequestError } from '../jarvisErrors.ts';

export type WorkflowEvent = WatchWorkflowSubscription['workflowRunEvents'];

const TERMINAL = new Set(['RUN_COMPLETED', 'RUN_FAILED', 'RUN_CANCELLED', 'RUN_TERMINATED', 'RUN_TIMED_OUT']);

export interface WatchOptions {
  /** Give up after this long without getting through to Jarvis (default 2 minutes). */
  reconnectForMs?: number;
  signal?: AbortSignal;
}

/**
 * A workflow run's events, from its first, each once and in order, ending after the run's final
 * event (RUN_COMPLETED, RUN_FAILED, …). After a dropped connection it subscribes again from the
 * last sequence it yielded (and skips any it already has, should the socket's own retry replay
 * them): nothing is lost or repeated across a reconnect.
 */
export async function* watchWorkflow(
  client: JarvisClient,
  id: string,
  options: WatchOptions = {},
): AsyncGenerator<WorkflowEvent, void, undefined> {
  const reconnectForMs = options.reconnectForMs ?? 120_000;
  let seen = 0;
  let lastContact = Date.now();
  let wait = 250;
  for (;;) {
    // A resubscription asks only for what came after the last event yielded.
    const events = client.subscribe(WatchWorkflowDocument, { id, after: seen });
    const stop = () => void events.return?.();
    options.signal?.addEventListener('abort', stop, { once: true });
    try {
      for await (const { workflowRunEvents: event } of events) {
        lastContact = Date.now();
        wait = 250;
        if (event.sequence <= seen) continue;
        seen = event.sequence;
        yield event;
        if (TERMINAL.has(event.type)) return;
      }
      options.signal?.throwIfAborted();
      // The server completed the stream without a final event (a subgraph restarting): resubscribe.
      if (Date.now() - lastContact > reconnectForMs)
        throw new JarvisNetworkError(`the events of workflow run ${id} stopped before the run ended`, {
          code: 'NETWORK_ERROR',
        });
    } catch (error) {
      options.signal?.throwIfAborted();
      if (
        !(error instanceof JarvisRequestError) ||
        !error.transient ||
        Date.now() - lastContact > reconnectForMs
      )
        throw error;
    } finally {
      options.signal?.removeEventListener('abort', stop);
      await events.return?.();
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = Math.min(wait * 2, 4_000);
  }
}
