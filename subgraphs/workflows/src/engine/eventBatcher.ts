import type { NewRunEvent } from '../records.ts';
import type { Transitions, Tx } from './transitions.ts';

interface Pending<M> {
  events: NewRunEvent[];
  meta: M | undefined;
  done: { resolve(): void; reject(error: unknown): void }[];
}

/**
 * Group commit for events that only report (progress, logs, the Temporal workflow's sink): what
 * arrives while a transaction runs is written together in the next one, a run's events in their
 * order. One transaction for many runs is what keeps a single-connection PGlite responsive
 * under load.
 */
export class EventBatcher<M = undefined> {
  private readonly t: Transitions;
  private readonly apply: (
    tx: Tx,
    runId: string,
    events: NewRunEvent[],
    meta: M | undefined,
  ) => Promise<void>;
  private queue = new Map<string, Pending<M>>();
  private flushing: Promise<void> | undefined;
  private readonly maxRuns: number;

  constructor(
    transitions: Transitions,
    apply: (tx: Tx, runId: string, events: NewRunEvent[], meta: M | undefined) => Promise<void>,
    maxRuns = 200,
  ) {
    this.t = transitions;
    this.apply = apply;
    this.maxRuns = maxRuns;
  }

  /** Resolves once the events are committed (and published). */
  add(runId: string, events: NewRunEvent[], meta?: M): Promise<void> {
    return new Promise((resolve, reject) => {
      const pending = this.queue.get(runId) ?? { events: [], meta: undefined, done: [] };
      pending.events.push(...events);
      pending.meta ??= meta;
      pending.done.push({ resolve, reject });
      this.queue.set(runId, pending);
      this.flushing ??= this.flush().finally(() => {
        this.flushing = undefined;
      });
    });
  }

  /** Waits for everything queued so far. */
  async drain() {
    while (this.flushing) await this.flushing;
  }

  private async flush() {
    while (this.queue.size > 0) {
      const batch = [...this.queue.entries()].slice(0, this.maxRuns);
      for (const [runId] of batch) this.queue.delete(runId);
      try {
        await this.t.run(async (tx) => {
          for (const [runId, p] of batch) await this.apply(tx, runId, p.events, p.meta);
        });
        for (const [, p] of batch) for (const d of p.done) d.resolve();
      } catch {
        // One bad run must not sink the others: each alone, so only its callers hear of it.
        for (const [runId, p] of batch) {
          try {
            await this.t.run((tx) => this.apply(tx, runId, p.events, p.meta));
            for (const d of p.done) d.resolve();
          } catch (error) {
            for (const d of p.done) d.reject(error);
          }
        }
      }
    }
  }
}
