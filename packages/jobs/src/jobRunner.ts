import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '@jarvis/context';
import type { Database } from '@jarvis/db';
import type { JarvisMetrics } from '@jarvis/telemetry';
import { sql } from 'kysely';
import { backoffDelay } from './backoff.ts';
import type { DB } from './generated/tables.ts';
import { jobsMigrations } from './jobsMigrations.ts';

export interface Job {
  /** Unique across the deployment: replicas running the same job share its lease and its record. */
  name: string;
  /** Time between the end of one run and the start of the next. */
  intervalMs: number;
  /** How long a run holds the job without renewing (default 15 s; renewed every third of it while it runs). */
  leaseMs?: number;
  run(signal: AbortSignal): Promise<unknown>;
}

export interface JobStatus {
  name: string;
  intervalMs: number;
  nextRunAt: Date;
  running: boolean;
  lastStartedAt: Date | null;
  lastFinishedAt: Date | null;
  lastError: string | null;
  runs: number;
  failures: number;
}

/** How often due jobs are looked for; a job with a shorter interval is looked for as often as it asks. */
const TICK_MS = 250;

export interface JobRunnerDeps {
  db: Database;
  logger: Logger;
  metrics?: JarvisMetrics | undefined;
}

/** How long a job's lease lasts without renewal; renewed every third of it while the job runs. */
const DEFAULT_LEASE_MS = 15_000;

/**
 * Background work on one runner: named jobs at intervals, each run under a lease in the metadata
 * database so one replica runs a job at a time, failures retried with one backoff (with jitter)
 * and reported (log, `jobs` query, metrics) rather than fatal.
 */
export class JobRunner {
  private readonly jobs = new Map<string, Job>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private tickMs = TICK_MS;
  private ready: Promise<void> | undefined;

  private readonly deps: JobRunnerDeps;

  constructor(deps: JobRunnerDeps) {
    this.deps = deps;
  }

  /** Adds a job; it first runs one interval after it is first known (or when its record says it is due). */
  register(job: Job) {
    if (this.jobs.has(job.name)) throw new Error(`a job named ${job.name} is registered already`);
    this.jobs.set(job.name, job);
    // Known to the table already: this job's row joins the preparation start() waits for.
    if (this.ready) this.ready = this.ready.then(() => this.ensureRow(job));
    if (this.timer) this.schedule();
  }

  /** Removes a job (its subgraph stopped); a run under way finishes first. Its record stays. */
  async unregister(name: string) {
    this.jobs.delete(name);
    await this.running.get(name);
  }

  /**
   * Makes a job due now (work was just queued for it) and, when this process runs it, looks at
   * once instead of at the next tick. A run under way takes the new work in its own loop or not;
   * either way the job comes round again.
   */
  async runSoon(name: string) {
    await this.prepared();
    await this.tables()
      .updateTable('jobs')
      .set({ next_run_at: sql`now()` })
      .where('name', '=', name)
      .execute();
    if (this.timer && this.jobs.has(name)) void this.tick();
  }

  async start() {
    await this.prepared();
    this.schedule();
  }

  private schedule() {
    const tickMs = Math.min(TICK_MS, ...[...this.jobs.values()].map((j) => j.intervalMs));
    if (this.timer && this.tickMs === tickMs) return;
    clearInterval(this.timer);
    this.tickMs = tickMs;
    this.timer = setInterval(() => void this.tick(), tickMs);
    this.timer.unref();
  }

  /** Stops taking runs, aborts the ones under way and waits for them. */
  async stop() {
    clearInterval(this.timer);
    this.timer = undefined;
    this.stopping.abort();
    await Promise.allSettled(this.running.values());
  }

  /** The jobs table exists and knows this process's jobs. */
  private prepared() {
    this.ready ??= (async () => {
      await this.deps.db.migrate('jobs', jobsMigrations);
      for (const job of this.jobs.values()) await this.ensureRow(job);
    })();
    return this.ready;
  }

  /** Every job's record in the metadata database (all replicas', all subgraphs'), for the `jobs` query. */
  async status(): Promise<JobStatus[]> {
    await this.prepared();
    const rows = await this.table().selectAll().orderBy('name').execute();
    const now = Date.now();
    return rows.map((r) => ({
      name: r.name,
      intervalMs: r.interval_ms,
      nextRunAt: r.next_run_at,
      running: r.lease_until !== null && r.lease_until.getTime() > now,
      lastStartedAt: r.last_started_at,
      lastFinishedAt: r.last_finished_at,
      lastError: r.last_error,
      runs: r.runs,
      failures: r.failures,
    }));
  }

  private tables() {
    return this.deps.db.tables<DB>('jobs');
  }

  private table() {
    return this.tables().selectFrom('jobs');
  }

  private async ensureRow(job: Job) {
    await this.tables()
      .insertInto('jobs')
      // A new job first runs one interval from now, as a timer would; a known one keeps its schedule.
      .values({
        name: job.name,
        interval_ms: job.intervalMs,
        next_run_at: sql`now() + ${`${job.intervalMs} milliseconds`}::interval`,
      })
      .onConflict((oc) => oc.column('name').doUpdateSet({ interval_ms: job.intervalMs }))
      .execute();
  }

  private async tick() {
    for (const job of this.jobs.values()) {
      if (this.running.has(job.name) || this.stopping.signal.aborted) continue;
      const run = this.claimAndRun(job)
        .catch((error: unknown) =>
          this.deps.logger.warn({ err: error, job: job.name }, 'job runner could not reach the database'),
        )
        .finally(() => this.running.delete(job.name));
      this.running.set(job.name, run);
    }
  }

  /** Takes the job's lease if it is due and free (one replica wins), runs it, records the outcome. */
  private async claimAndRun(job: Job) {
    // Short and renewed while the job runs: a process killed mid-run holds the job for at most
    // one lease, not minutes (its successor's outbox or reconciler waits that long at worst).
    const leaseMs = job.leaseMs ?? DEFAULT_LEASE_MS;
    const db = this.tables();
    const claimed = await db
      .updateTable('jobs')
      .set({
        lease_owner: this.owner,
        lease_until: sql`now() + ${`${leaseMs} milliseconds`}::interval`,
        last_started_at: sql`now()`,
      })
      .where('name', '=', job.name)
      .where('next_run_at', '<=', sql<Date>`now()`)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', sql<Date>`now()`)]))
      .returning(['failures'])
      .executeTakeFirst();
    if (!claimed) return;
    const started = performance.now();
    const renew = setInterval(() => {
      db.updateTable('jobs')
        .set({ lease_until: sql`now() + ${`${leaseMs} milliseconds`}::interval` })
        .where('name', '=', job.name)
        .where('lease_owner', '=', this.owner)
        .execute()
        .catch((e: unknown) => this.deps.logger.warn({ err: e, job: job.name }, 'job lease not renewed'));
    }, leaseMs / 3);
    let error: unknown;
    try {
      await job.run(this.stopping.signal);
    } catch (e) {
      error = e;
    } finally {
      clearInterval(renew);
    }
    this.deps.metrics?.jobDuration.observe({ job: job.name }, (performance.now() - started) / 1000);
    this.deps.metrics?.jobRuns.inc({ job: job.name, outcome: error === undefined ? 'ok' : 'failed' });
    const failures = error === undefined ? 0 : Number(claimed.failures) + 1;
    const delay =
      error === undefined ? job.intervalMs : backoffDelay(failures, 1_000, Math.max(1_000, job.intervalMs));
    if (error !== undefined)
      this.deps.logger.warn(
        {
          job: job.name,
          failures,
          retryInMs: delay,
          error: error instanceof Error ? error.message : String(error),
        },
        `background job ${job.name} failed; it runs again in ${Math.round(delay / 1000)} s`,
      );
    await db
      .updateTable('jobs')
      .set({
        lease_owner: null,
        lease_until: null,
        last_finished_at: sql`now()`,
        next_run_at: sql`now() + ${`${delay} milliseconds`}::interval`,
        last_error: error === undefined ? null : error instanceof Error ? error.message : String(error),
        runs: sql`runs + 1`,
        failures,
      })
      .where('name', '=', job.name)
      .where('lease_owner', '=', this.owner)
      .execute();
  }
}
