import { randomUUID } from 'node:crypto';
import {
  EndRunDocument,
  LogBatchDocument,
  LogMetricsDocument,
  type MetricSeriesInput,
  type RunStatus,
} from '../generated/graphql.ts';
import type { JarvisClient } from '../jarvisClient.ts';
import { retryTransient } from '../retryTransient.ts';

/** Points per logMetrics call (Jarvis's limit): columns, one series per key. */
const MAX_BATCH = 10_000;

interface Series {
  values: number[];
  steps: number[];
  timestamps: number[];
  /** JSON has no NaN: positions of NaN values (sent as 0), as logMetrics takes them. */
  nanAt: number[];
}

export interface RunHandleOptions {
  /** How long a logged metric may wait for others before its batch is sent (default 1 s). */
  flushIntervalMs?: number;
  /** Tries per batch while Jarvis is unreachable (default 10, about 40 s of waiting in all). */
  retryAttempts?: number;
}

export type ParamValue = string | number | boolean;

/**
 * An experiment run being logged to. `logMetrics` returns at once: points are stamped with the
 * time they were logged, batched, and sent in the background in order, each batch with an
 * idempotency key, so a batch retried after a network error (even one whose answer was lost
 * after Jarvis stored it) is logged once. `flush()`, `close()` and `end()` wait for every point;
 * an error that retrying cannot fix comes out of the next of them.
 */
export class RunHandle implements AsyncDisposable {
  readonly id: string;
  readonly name: string;
  readonly experimentId: string;
  readonly #client: JarvisClient;
  readonly #options: Required<RunHandleOptions>;
  readonly #writer = randomUUID();
  #pending = new Map<string, Series>();
  #count = 0;
  #batch = 0;
  #sending: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #failure: unknown;
  #ended = false;

  constructor(
    client: JarvisClient,
    run: { id: string; name: string; experimentId: string },
    options: RunHandleOptions = {},
  ) {
    this.#client = client;
    this.id = run.id;
    this.name = run.name;
    this.experimentId = run.experimentId;
    this.#options = {
      flushIntervalMs: options.flushIntervalMs ?? 1_000,
      retryAttempts: options.retryAttempts ?? 10,
    };
    // A script that forgets close() still gets its last points out before Node exits.
    open.add(this);
    if (open.size === 1) process.on('beforeExit', flushOpen);
  }

  /** Queues one point per key at `step` (default 0); sent within flushIntervalMs. */
  logMetrics(metrics: Record<string, number>, step = 0): void {
    if (this.#ended) throw new Error(`run ${this.id} has ended; start a new run to log more`);
    const timestamp = Date.now();
    for (const [key, value] of Object.entries(metrics)) {
      let series = this.#pending.get(key);
      if (!series) {
        series = { values: [], steps: [], timestamps: [], nanAt: [] };
        this.#pending.set(key, series);
      }
      if (Number.isNaN(value)) series.nanAt.push(series.values.length);
      // Nor infinities: sent as the largest double, which is how they are stored.
      series.values.push(
        Number.isNaN(value) ? 0 : Number.isFinite(value) ? value : Math.sign(value) * Number.MAX_VALUE,
      );
      series.steps.push(step);
      series.timestamps.push(timestamp);
      this.#count++;
    }
    if (this.#count >= MAX_BATCH) this.#sendPending();
    else this.#timer ??= setTimeout(() => this.#sendPending(), this.#options.flushIntervalMs);
  }

  logMetric(key: string, value: number, step = 0): void {
    this.logMetrics({ [key]: value }, step);
  }

  /** Logs params now (after queued metrics); a param already logged with another value is BadUserInputError. */
  async logParams(params: Record<string, ParamValue>): Promise<void> {
    await this.#logNow({ params: keyValues(params) });
  }

  async setTags(tags: Record<string, ParamValue>): Promise<void> {
    await this.#logNow({ tags: keyValues(tags) });
  }

  /** Waits until every metric logged so far is stored. */
  async flush(): Promise<void> {
    this.#sendPending();
    await this.#sending;
    if (this.#failure) {
      const failure = this.#failure;
      this.#failure = undefined;
      throw failure;
    }
  }

  /** Flushes and stops the background sender; the run stays as it is (see `end`). */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      open.delete(this);
      if (open.size === 0) process.off('beforeExit', flushOpen);
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Flushes, then ends the run: FINISHED (default), FAILED or KILLED. */
  async end(status: Extract<RunStatus, 'FINISHED' | 'FAILED' | 'KILLED'> = 'FINISHED'): Promise<void> {
    await this.close();
    this.#ended = true;
    await retryTransient(() => this.#client.request(EndRunDocument, { id: this.id, status }), {
      attempts: this.#options.retryAttempts,
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #sendPending(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const pending = this.#pending;
    this.#pending = new Map();
    this.#count = 0;
    let batch: MetricSeriesInput[] = [];
    let room = MAX_BATCH;
    const cut = () => {
      const series = batch;
      const idempotencyKey = `${this.#writer}:${++this.#batch}`;
      this.#sending = this.#sending.then(() =>
        retryTransient(
          () => this.#client.request(LogMetricsDocument, { runId: this.id, series, idempotencyKey }),
          { attempts: this.#options.retryAttempts },
        ).then(
          () => {},
          (error: unknown) => {
            this.#failure ??= error;
          },
        ),
      );
      batch = [];
      room = MAX_BATCH;
    };
    for (const [key, s] of pending) {
      for (let first = 0; first < s.values.length; ) {
        const end = first + Math.min(room, s.values.length - first);
        const nanAt = s.nanAt.filter((i) => i >= first && i < end).map((i) => i - first);
        batch.push({
          key,
          values: s.values.slice(first, end),
          steps: s.steps.slice(first, end),
          timestamps: s.timestamps.slice(first, end),
          ...(nanAt.length ? { nanAt } : {}),
        });
        room -= end - first;
        first = end;
        if (room === 0) cut();
      }
    }
    if (batch.length) cut();
  }

  async #logNow(batch: {
    params?: { key: string; value: string }[];
    tags?: { key: string; value: string }[];
  }) {
    await this.flush();
    await this.#send({ ...batch, idempotencyKey: `${this.#writer}:${++this.#batch}` });
  }

  async #send(batch: {
    params?: { key: string; value: string }[];
    tags?: { key: string; value: string }[];
    idempotencyKey: string;
  }): Promise<void> {
    await retryTransient(() => this.#client.request(LogBatchDocument, { runId: this.id, ...batch }), {
      attempts: this.#options.retryAttempts,
    });
  }
}

/** Handles not closed yet; one beforeExit listener flushes them all, however many runs are open. */
const open = new Set<RunHandle>();
const flushOpen = () => {
  for (const handle of open) void handle.flush().catch(() => {});
};

function keyValues(entries: Record<string, ParamValue>) {
  return Object.entries(entries).map(([key, value]) => ({ key, value: String(value) }));
}
