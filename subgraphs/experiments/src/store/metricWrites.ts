import { type QueryExecutorProvider, sql } from 'kysely';
import type { MetricPoint } from './trackingStore.ts';

/** One batch's points for one run. */
export interface MetricWrite {
  runId: string;
  metrics: MetricPoint[];
}

/** A run's state as read by the statement that wrote (or refused) its points. */
export interface RunState {
  id: string;
  status: string;
  lifecycle_stage: string;
}

/** MLflow's order for "latest": step, then timestamp, then value. */
export const isLater = (a: MetricPoint, b: MetricPoint) =>
  a.step !== b.step
    ? a.step > b.step
    : a.timestamp !== b.timestamp
      ? a.timestamp > b.timestamp
      : a.value > b.value;

/** MLflow keeps NaN but stores ±Infinity as ±the largest double; so does Jarvis. */
export const asMlflowStores = (value: number) =>
  value === Number.POSITIVE_INFINITY
    ? Number.MAX_VALUE
    : value === Number.NEGATIVE_INFINITY
      ? -Number.MAX_VALUE
      : value;

/**
 * Writes the points of several batches in one statement, so atomic by itself: a run's points
 * are inserted only if that run exists in the project, is active and not finished, and the
 * runs' rows, read by the same statement, tell each caller what happened. Latest values are
 * upserted in (run, key) order, so concurrent statements lock rows in the same order and cannot
 * deadlock.
 */
export async function writeMetrics(
  q: QueryExecutorProvider,
  projectId: string,
  writes: MetricWrite[],
): Promise<Map<string, RunState>> {
  const all: { runId: string; m: MetricPoint }[] = [];
  const latest = new Map<string, { runId: string; m: MetricPoint }>();
  for (const { runId, metrics } of writes) {
    for (const m of metrics) {
      all.push({ runId, m });
      const id = `${runId}\u0000${m.key}`;
      const current = latest.get(id);
      if (!current || isLater(m, current.m)) latest.set(id, { runId, m });
    }
  }
  const columns = (points: { runId: string; m: MetricPoint }[], value: (m: MetricPoint) => number) => ({
    runs: points.map((p) => p.runId),
    keys: points.map((p) => p.m.key),
    values: points.map((p) => String(value(p.m))),
    timestamps: points.map((p) => String(p.m.timestamp)),
    steps: points.map((p) => String(p.m.step)),
  });
  const a = columns(all, (m) => m.value);
  const l = columns([...latest.values()], (m) => asMlflowStores(m.value));
  const runIds = [...new Set(writes.map((w) => w.runId))];
  const { rows } = await sql<RunState>`
    with runs as (
      select id, status, lifecycle_stage from experiments.runs
      where project_id = ${projectId} and id = any(${runIds}::text[])
    ), ok as (
      select id from runs where lifecycle_stage = 'active' and status not in ('FINISHED', 'FAILED', 'KILLED')
    ), points as (
      insert into experiments.metrics (run_id, key, value, timestamp, step)
      select x.run_id, x.key, x.value, x.ts, x.step
      from unnest(${a.runs}::text[], ${a.keys}::text[], ${a.values}::float8[], ${a.timestamps}::bigint[], ${a.steps}::bigint[])
        as x(run_id, key, value, ts, step)
      join ok on ok.id = x.run_id
    ), newest as (
      insert into experiments.latest_metrics as l (run_id, key, value, timestamp, step)
      select x.run_id, x.key, x.value, x.ts, x.step
      from unnest(${l.runs}::text[], ${l.keys}::text[], ${l.values}::float8[], ${l.timestamps}::bigint[], ${l.steps}::bigint[])
        as x(run_id, key, value, ts, step)
      join ok on ok.id = x.run_id
      order by x.run_id, x.key
      on conflict (run_id, key) do update
        set value = excluded.value, timestamp = excluded.timestamp, step = excluded.step
        where (excluded.step, excluded.timestamp, excluded.value) > (l.step, l.timestamp, l.value)
    )
    select id, status, lifecycle_stage from runs`.execute(q);
  return new Map(rows.map((r) => [r.id, r]));
}

/** At most this many points in one coalesced statement. */
const MAX_POINTS_PER_STATEMENT = 20_000;

/**
 * Coalesces concurrent metric writes. While `parallel` statements are in flight, new batches
 * wait, and the next statement carries every batch waiting (per project). One client alone
 * waits for nothing; twenty clients logging at once share statements instead of queueing one
 * round trip each. A failing statement fails exactly the batches it carried.
 */
export function metricWriteCoalescer(
  write: (projectId: string, writes: MetricWrite[]) => Promise<Map<string, RunState>>,
  parallel = 4,
) {
  interface Waiting {
    write: MetricWrite;
    resolve(state: RunState | undefined): void;
    reject(error: unknown): void;
  }
  const waiting = new Map<string, Waiting[]>();
  let running = 0;

  function next(): { projectId: string; group: Waiting[] } | undefined {
    const first = waiting.entries().next();
    if (first.done) return undefined;
    const [projectId, queue] = first.value;
    let points = 0;
    let take = 0;
    while (
      take < queue.length &&
      (take === 0 || points + queue[take]!.write.metrics.length <= MAX_POINTS_PER_STATEMENT)
    ) {
      points += queue[take]!.write.metrics.length;
      take++;
    }
    const group = queue.splice(0, take);
    if (!queue.length) waiting.delete(projectId);
    return { projectId, group };
  }

  function pump() {
    while (running < parallel) {
      const batch = next();
      if (!batch) return;
      running++;
      write(
        batch.projectId,
        batch.group.map((w) => w.write),
      )
        .then(
          (states) => {
            for (const w of batch.group) w.resolve(states.get(w.write.runId));
          },
          (error: unknown) => {
            for (const w of batch.group) w.reject(error);
          },
        )
        .finally(() => {
          running--;
          pump();
        });
    }
  }

  return (projectId: string, write: MetricWrite) =>
    new Promise<RunState | undefined>((resolve, reject) => {
      const queue = waiting.get(projectId);
      if (queue) queue.push({ write, resolve, reject });
      else waiting.set(projectId, [{ write, resolve, reject }]);
      pump();
    });
}
