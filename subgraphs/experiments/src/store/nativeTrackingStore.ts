import { randomUUID } from 'node:crypto';
import type { Database } from '@jarvis/db';
import { badUserInput, conflict, notFound } from '@jarvis/errors';
import { type Kysely, type Selectable, type SqlBool, sql, type Transaction } from 'kysely';
import type { DB } from '../generated/tables.ts';
import { parseFilter, parseSearch } from '../search/parseSearch.ts';
import { checkBatch, checkIdempotencyKey, checkKey, LIMITS } from './limits.ts';
import { metricWriteCoalescer, writeMetrics } from './metricWrites.ts';
import { checkMaxResults, decodePageToken, encodePageToken } from './pageToken.ts';
import { clauseSql, compareSql, orderSql } from './runSearchSql.ts';
import {
  type ExperimentRecord,
  type RunRecord,
  type RunStatus,
  TERMINAL_RUN_STATUSES,
  type TrackingStore,
} from './trackingStore.ts';

type K = Kysely<DB> | Transaction<DB>;
const STATUSES: RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

const EXPERIMENT_ATTRIBUTES = {
  name: 'string',
  creation_time: 'number',
  last_update_time: 'number',
} as const;
const experimentId = (id: string) => (/^\d{1,15}$/.test(id) ? Number(id) : undefined);

/** Tracking on the metadata database: PGlite in `jarvis dev`, PostgreSQL at scale. */
export function nativeTrackingStore(db: Database, artifactRoot = 'mlflow-artifacts:'): TrackingStore {
  const k = db.tables<DB>('experiments');

  async function experimentRow(q: K, projectId: string, id: string) {
    const numeric = experimentId(id);
    if (numeric === undefined) return undefined;
    return q
      .selectFrom('experiments')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('id', '=', numeric)
      .executeTakeFirst();
  }

  async function toExperiment(
    row: NonNullable<Awaited<ReturnType<typeof experimentRow>>>,
  ): Promise<ExperimentRecord> {
    const tags = await k
      .selectFrom('experiment_tags')
      .select(['key', 'value'])
      .where('experiment_id', '=', row.id)
      .execute();
    return {
      id: String(row.id),
      name: row.name,
      artifactLocation: row.artifact_location,
      lifecycleStage: row.lifecycle_stage as ExperimentRecord['lifecycleStage'],
      creationTime: Number(row.creation_time),
      lastUpdateTime: Number(row.last_update_time),
      tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
    };
  }

  async function runRow(q: K, projectId: string, id: string) {
    if (!/^[0-9a-f]{32}$/.test(id)) return undefined;
    return q
      .selectFrom('runs')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  type RunRow = NonNullable<Awaited<ReturnType<typeof runRow>>>;

  /** Runs with their latest metrics, params and tags: four queries however many runs. */
  async function toRuns(rows: RunRow[]): Promise<RunRecord[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const [metrics, params, tags] = await Promise.all([
      k
        .selectFrom('latest_metrics')
        .select(['run_id', 'key', 'value', 'timestamp', 'step'])
        .where('run_id', 'in', ids)
        .orderBy('key')
        .execute(),
      k.selectFrom('params').select(['run_id', 'key', 'value']).where('run_id', 'in', ids).execute(),
      k.selectFrom('run_tags').select(['run_id', 'key', 'value']).where('run_id', 'in', ids).execute(),
    ]);
    const byRun = <T extends { run_id: string }>(items: T[]) => {
      const map = new Map<string, T[]>();
      for (const item of items) {
        const list = map.get(item.run_id);
        if (list) list.push(item);
        else map.set(item.run_id, [item]);
      }
      return map;
    };
    const [m, p, t] = [byRun(metrics), byRun(params), byRun(tags)];
    return rows.map((row) => recordOf(row, m.get(row.id) ?? [], p.get(row.id) ?? [], t.get(row.id) ?? []));
  }

  const toRun = async (row: RunRow) => (await toRuns([row]))[0]!;

  function recordOf(
    row: RunRow,
    metrics: { key: string; value: number; timestamp: number; step: number }[],
    params: { key: string; value: string }[],
    tags: { key: string; value: string }[],
  ): RunRecord {
    return {
      id: row.id,
      experimentId: String(row.experiment_id),
      name: row.name,
      status: row.status as RunStatus,
      startTime: Number(row.start_time),
      endTime: row.end_time === null ? null : Number(row.end_time),
      lifecycleStage: row.lifecycle_stage as RunRecord['lifecycleStage'],
      artifactUri: row.artifact_uri,
      metrics: metrics.map((m) => ({
        key: m.key,
        value: Number(m.value),
        timestamp: Number(m.timestamp),
        step: Number(m.step),
      })),
      params: Object.fromEntries(params.map((p) => [p.key, p.value])),
      tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
    };
  }

  async function requireRun(q: K, projectId: string, id: string) {
    const row = await runRow(q, projectId, id);
    if (!row) throw notFound(`no run ${JSON.stringify(id)} in this project`, { argument: 'runId' });
    return row;
  }

  /** The refusals logging gets, from a run's row. */
  function checkLoggable(run: { status: string; lifecycle_stage: string } | undefined, runId: string) {
    if (!run) throw notFound(`no run ${JSON.stringify(runId)} in this project`, { argument: 'runId' });
    if (run.lifecycle_stage !== 'active')
      throw conflict(`run ${runId} is deleted; restore it before logging to it`);
    if (TERMINAL_RUN_STATUSES.includes(run.status as RunStatus)) {
      throw conflict(
        `run ${runId} is ${run.status}; set its status to RUNNING or start a new run before logging`,
      );
    }
    return run.status as RunStatus;
  }

  // Metrics-only batches from many clients at once share statements (see metricWrites.ts).
  const coalesced = metricWriteCoalescer((projectId, writes) => writeMetrics(db.kysely, projectId, writes));

  function checkName(name: string, what: string) {
    if (!name.trim() || name.length > LIMITS.nameLength || [...name].some((ch) => ch.charCodeAt(0) < 0x20)) {
      throw badUserInput(
        `${what} name must be 1-${LIMITS.nameLength} characters without control characters`,
        { argument: 'name' },
      );
    }
  }

  return {
    kind: 'native',

    async createExperiment(projectId, name, tags = {}, artifactLocation) {
      checkName(name, 'experiment');
      for (const key of Object.keys(tags)) checkKey('tag', key);
      return k.transaction().execute(async (t) => {
        const existing = await t
          .selectFrom('experiments')
          .select('id')
          .where('project_id', '=', projectId)
          .where('name', '=', name)
          .executeTakeFirst();
        if (existing)
          throw conflict(`an experiment named ${JSON.stringify(name)} already exists (id ${existing.id})`, {
            reason: 'ALREADY_EXISTS',
            experimentId: String(existing.id),
          });
        const now = Date.now();
        const { id } = await t
          .insertInto('experiments')
          .values({
            project_id: projectId,
            name,
            artifact_location: '',
            lifecycle_stage: 'active',
            creation_time: now,
            last_update_time: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await t
          .updateTable('experiments')
          .set({ artifact_location: artifactLocation ?? `${artifactRoot}/${id}` })
          .where('id', '=', id)
          .execute();
        const entries = Object.entries(tags);
        if (entries.length)
          await t
            .insertInto('experiment_tags')
            .values(entries.map(([key, value]) => ({ experiment_id: id, key, value })))
            .execute();
        return String(id);
      });
    },

    async getExperiment(projectId, id) {
      const row = await experimentRow(k, projectId, id);
      return row ? toExperiment(row) : undefined;
    },

    async getExperimentByName(projectId, name) {
      const row = await k
        .selectFrom('experiments')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('name', '=', name)
        .executeTakeFirst();
      return row ? toExperiment(row) : undefined;
    },

    async renameExperiment(projectId, id, name) {
      checkName(name, 'experiment');
      const row = await experimentRow(k, projectId, id);
      if (!row)
        throw notFound(`no experiment ${JSON.stringify(id)} in this project`, { argument: 'experimentId' });
      const clash = await k
        .selectFrom('experiments')
        .select('id')
        .where('project_id', '=', projectId)
        .where('name', '=', name)
        .executeTakeFirst();
      if (clash && clash.id !== row.id)
        throw conflict(`an experiment named ${JSON.stringify(name)} already exists`, {
          reason: 'ALREADY_EXISTS',
        });
      await k
        .updateTable('experiments')
        .set({ name, last_update_time: Date.now() })
        .where('id', '=', row.id)
        .execute();
    },

    async setExperimentDeleted(projectId, id, deleted) {
      const row = await experimentRow(k, projectId, id);
      if (!row)
        throw notFound(`no experiment ${JSON.stringify(id)} in this project`, { argument: 'experimentId' });
      await k
        .updateTable('experiments')
        .set({ lifecycle_stage: deleted ? 'deleted' : 'active', last_update_time: Date.now() })
        .where('id', '=', row.id)
        .execute();
    },

    async setExperimentTag(projectId, id, key, value) {
      checkKey('tag', key);
      if (value.length > LIMITS.tagValueLength)
        throw badUserInput(`tag ${key}: value is longer than ${LIMITS.tagValueLength} characters`);
      const row = await experimentRow(k, projectId, id);
      if (!row)
        throw notFound(`no experiment ${JSON.stringify(id)} in this project`, { argument: 'experimentId' });
      await k
        .insertInto('experiment_tags')
        .values({ experiment_id: row.id, key, value })
        .onConflict((oc) => oc.columns(['experiment_id', 'key']).doUpdateSet({ value }))
        .execute();
    },

    async deleteExperimentTag(projectId, id, key) {
      const row = await experimentRow(k, projectId, id);
      if (!row)
        throw notFound(`no experiment ${JSON.stringify(id)} in this project`, { argument: 'experimentId' });
      const { numDeletedRows } = await k
        .deleteFrom('experiment_tags')
        .where('experiment_id', '=', row.id)
        .where('key', '=', key)
        .executeTakeFirst();
      if (!numDeletedRows)
        throw notFound(`experiment ${id} has no tag ${JSON.stringify(key)}`, { argument: 'key' });
    },

    async searchExperiments(projectId, search) {
      const clauses = parseFilter(search.filter, EXPERIMENT_ATTRIBUTES);
      const limit = checkMaxResults(search.maxResults);
      const offset = decodePageToken(search.pageToken);
      const view = search.view ?? 'ACTIVE_ONLY';
      const conditions = [
        sql<SqlBool>`e.project_id = ${projectId}`,
        ...(view === 'ALL'
          ? []
          : [sql<SqlBool>`e.lifecycle_stage = ${view === 'ACTIVE_ONLY' ? 'active' : 'deleted'}`]),
        ...clauses.map((c) => {
          if (c.type === 'tag')
            return sql<SqlBool>`exists (select 1 from experiments.experiment_tags t
              where t.experiment_id = e.id and t.key = ${c.key} and ${compareSql(sql`t.value`, c)})`;
          if (c.type === 'attribute') return compareSql(sql.raw(`e.${c.key}`), c);
          throw badUserInput(
            'experiments are searched by name, creation_time, last_update_time and tags.<key>',
            {
              argument: 'filter',
            },
          );
        }),
      ];
      const { rows } = await sql<Selectable<DB['experiments']>>`
        select e.* from experiments.experiments e where ${sql.join(conditions, sql` and `)}
        order by e.creation_time desc, e.id desc limit ${limit + 1} offset ${offset}`.execute(db.kysely);
      return {
        experiments: await Promise.all(rows.slice(0, limit).map(toExperiment)),
        nextPageToken: rows.length > limit ? encodePageToken(offset + limit) : undefined,
        count: async () =>
          Number(
            (
              await sql<{ n: string }>`select count(*) as n from experiments.experiments e
                where ${sql.join(conditions, sql` and `)}`.execute(db.kysely)
            ).rows[0]!.n,
          ),
      };
    },

    async createRun(projectId, { experimentId: expId, name, startTime, tags = {} }) {
      const missing = () =>
        notFound(`no experiment ${JSON.stringify(expId)} in this project`, { argument: 'experimentId' });
      const numeric = experimentId(expId);
      if (numeric === undefined) throw missing();
      if (name !== undefined) checkName(name, 'run');
      for (const key of Object.keys(tags)) checkKey('tag', key);
      const id = randomUUID().replaceAll('-', '');
      const runName = name ?? tags['mlflow.runName'] ?? `run-${id.slice(0, 8)}`;
      const start = startTime ?? Date.now();
      const allTags = { ...tags, 'mlflow.runName': runName };
      // One statement: the run and its tags are written only if the experiment is there and
      // active; the experiment's row, read in the same statement, says why not otherwise.
      const { rows } = await sql<{ lifecycle_stage: string; artifact_uri: string | null }>`
        with e as (
          select id, artifact_location, lifecycle_stage from experiments.experiments
          where project_id = ${projectId} and id = ${numeric}
        ), r as (
          insert into experiments.runs
            (id, project_id, experiment_id, name, status, start_time, end_time, lifecycle_stage, artifact_uri)
          select ${id}, ${projectId}, e.id, ${runName}, 'RUNNING', ${start}, null, 'active',
                 e.artifact_location || '/' || ${id} || '/artifacts'
          from e where e.lifecycle_stage = 'active'
          returning id, artifact_uri
        ), t as (
          insert into experiments.run_tags (run_id, key, value)
          select r.id, x.key, x.value from r, unnest(${Object.keys(allTags)}::text[], ${Object.values(allTags)}::text[]) as x(key, value)
        )
        select e.lifecycle_stage, r.artifact_uri from e left join r on true`.execute(db.kysely);
      const found = rows[0];
      if (!found) throw missing();
      if (found.lifecycle_stage !== 'active' || !found.artifact_uri)
        throw conflict(`experiment ${expId} is deleted; restore it or use another`);
      return {
        id,
        experimentId: String(numeric),
        name: runName,
        status: 'RUNNING',
        startTime: start,
        endTime: null,
        lifecycleStage: 'active',
        artifactUri: found.artifact_uri,
        metrics: [],
        params: {},
        tags: allTags,
      };
    },

    async getRun(projectId, id) {
      const row = await runRow(k, projectId, id);
      return row ? toRun(row) : undefined;
    },

    async getRuns(projectId, ids) {
      const valid = ids.filter((id) => /^[0-9a-f]{32}$/.test(id));
      if (!valid.length) return [];
      return toRuns(
        await k
          .selectFrom('runs')
          .selectAll()
          .where('project_id', '=', projectId)
          .where('id', 'in', valid)
          .execute(),
      );
    },

    async updateRun(projectId, id, update) {
      const row = await requireRun(k, projectId, id);
      if (update.status && !STATUSES.includes(update.status))
        throw badUserInput(`status must be one of ${STATUSES.join(', ')}`);
      if (update.name !== undefined) checkName(update.name, 'run');
      const changes = {
        ...(update.status ? { status: update.status } : {}),
        ...(update.endTime !== undefined ? { end_time: update.endTime } : {}),
        ...(update.name !== undefined ? { name: update.name } : {}),
      };
      await k.transaction().execute(async (t) => {
        // An update that changes nothing (MLflow's clients send those) is not an UPDATE.
        if (Object.keys(changes).length)
          await t.updateTable('runs').set(changes).where('id', '=', row.id).execute();
        if (update.name !== undefined) {
          await t
            .insertInto('run_tags')
            .values({ run_id: row.id, key: 'mlflow.runName', value: update.name })
            .onConflict((oc) => oc.columns(['run_id', 'key']).doUpdateSet({ value: update.name! }))
            .execute();
        }
      });
      return toRun((await runRow(k, projectId, id))!);
    },

    async setRunDeleted(projectId, id, deleted) {
      const row = await requireRun(k, projectId, id);
      await k
        .updateTable('runs')
        .set({ lifecycle_stage: deleted ? 'deleted' : 'active' })
        .where('id', '=', row.id)
        .execute();
    },

    async deleteRunTag(projectId, runId, key) {
      const row = await requireRun(k, projectId, runId);
      if (row.lifecycle_stage !== 'active')
        throw conflict(`run ${runId} is deleted; restore it before changing its tags`);
      const { numDeletedRows } = await k
        .deleteFrom('run_tags')
        .where('run_id', '=', runId)
        .where('key', '=', key)
        .executeTakeFirst();
      if (!numDeletedRows)
        throw notFound(`run ${runId} has no tag ${JSON.stringify(key)}`, { argument: 'key' });
    },

    async logBatch(projectId, runId, batch, idempotencyKey, metricsPerBatch) {
      checkBatch(batch, metricsPerBatch);
      checkIdempotencyKey(idempotencyKey);
      if (!idempotencyKey && !batch.params?.length && !batch.tags?.length) {
        if (!/^[0-9a-f]{32}$/.test(runId)) checkLoggable(undefined, runId);
        return checkLoggable(await coalesced(projectId, { runId, metrics: batch.metrics ?? [] }), runId);
      }
      return k.transaction().execute(async (t): Promise<RunStatus | undefined> => {
        const run = await requireRun(t, projectId, runId);
        if (idempotencyKey) {
          // Recorded with the batch itself: either both are written or neither.
          const claimed = await t
            .insertInto('idempotency_keys')
            .values({ project_id: projectId, key: idempotencyKey, run_id: runId })
            .onConflict((oc) => oc.columns(['project_id', 'key']).doNothing())
            .returning('key')
            .executeTakeFirst();
          if (!claimed) {
            const seen = await t
              .selectFrom('idempotency_keys')
              .select('run_id')
              .where('project_id', '=', projectId)
              .where('key', '=', idempotencyKey)
              .executeTakeFirstOrThrow();
            if (seen.run_id !== runId)
              throw conflict(
                `idempotencyKey ${JSON.stringify(idempotencyKey)} was used for run ${seen.run_id}; use a new key`,
              );
            return undefined;
          }
        }
        checkLoggable(run, runId);
        const params = batch.params ?? [];
        if (params.length) {
          const existing = await t
            .selectFrom('params')
            .select(['key', 'value'])
            .where('run_id', '=', runId)
            .where(
              'key',
              'in',
              params.map((p) => p.key),
            )
            .execute();
          for (const e of existing) {
            const incoming = params.find((p) => p.key === e.key)!;
            if (incoming.value !== e.value) {
              throw badUserInput(
                `param ${e.key} was already logged as ${JSON.stringify(e.value)}; params cannot change (got ${JSON.stringify(incoming.value)})`,
                {
                  argument: 'params',
                },
              );
            }
          }
          await t
            .insertInto('params')
            .values(params.map((p) => ({ run_id: runId, key: p.key, value: p.value })))
            .onConflict((oc) => oc.columns(['run_id', 'key']).doNothing())
            .execute();
        }
        const tags = batch.tags ?? [];
        if (tags.length) {
          const last = new Map(tags.map((tag) => [tag.key, tag.value]));
          await t
            .insertInto('run_tags')
            .values([...last].map(([key, value]) => ({ run_id: runId, key, value })))
            .onConflict((oc) => oc.columns(['run_id', 'key']).doUpdateSet({ value: sql`excluded.value` }))
            .execute();
        }
        const metrics = batch.metrics ?? [];
        if (metrics.length)
          checkLoggable((await writeMetrics(t, projectId, [{ runId, metrics }])).get(runId), runId);
        return run.status as RunStatus;
      });
    },

    async searchRuns(projectId, search) {
      const { clauses, order } = parseSearch(search.filter, search.orderBy);
      const limit = checkMaxResults(search.maxResults);
      const offset = decodePageToken(search.pageToken);
      const experiments = search.experimentIds
        .map(experimentId)
        .filter((id): id is number => id !== undefined);
      if (!experiments.length) return { runs: [], nextPageToken: undefined, count: async () => 0 };
      // Sorting by a metric the filter also requires (the usual "best runs" search): walk that
      // metric's (key, value) index in order and join the runs, so a page costs about `limit`
      // lookups instead of sorting every match.
      const [first] = order;
      const driving =
        first?.type === 'metric' && clauses.some((c) => c.type === 'metric' && c.key === first.key)
          ? first
          : undefined;
      const conditions = [
        sql<SqlBool>`r.project_id = ${projectId}`,
        sql<SqlBool>`r.experiment_id in (${sql.join(experiments)})`,
        ...(search.view === 'ALL'
          ? []
          : [sql<SqlBool>`r.lifecycle_stage = ${search.view === 'DELETED_ONLY' ? 'deleted' : 'active'}`]),
        ...(driving ? [sql<SqlBool>`o.key = ${driving.key}`] : []),
        ...clauses.map((c) =>
          driving && c.type === 'metric' && c.key === driving.key
            ? compareSql(sql`o.value`, c)
            : clauseSql(c),
        ),
      ];
      const orderings = [
        ...order.map((o) =>
          o === driving
            ? sql`o.value ${sql.raw(o.ascending ? 'asc' : 'desc')}`
            : sql`${orderSql(o)} ${sql.raw(o.ascending ? 'asc' : 'desc')} nulls last`,
        ),
        sql`r.start_time desc`,
        sql`r.id asc`,
      ];
      const from = driving
        ? sql`experiments.latest_metrics o join experiments.runs r on r.id = o.run_id`
        : sql`experiments.runs r`;
      const { rows } = await sql<RunRow>`
        select r.* from ${from}
        where ${sql.join(conditions, sql` and `)}
        order by ${sql.join(orderings)}
        limit ${limit + 1} offset ${offset}`.execute(db.kysely);
      const runs = await toRuns(rows.slice(0, limit));
      return {
        runs,
        nextPageToken: rows.length > limit ? encodePageToken(offset + limit) : undefined,
        count: async () =>
          Number(
            (
              await sql<{ n: string }>`select count(*) as n from ${from}
                where ${sql.join(conditions, sql` and `)}`.execute(db.kysely)
            ).rows[0]!.n,
          ),
      };
    },

    async metricHistory(projectId, runId, key, maxPoints) {
      await requireRun(k, projectId, runId);
      const rows =
        maxPoints === undefined
          ? await k
              .selectFrom('metrics')
              .select(['key', 'value', 'timestamp', 'step'])
              .where('run_id', '=', runId)
              .where('key', '=', key)
              .orderBy('step')
              .orderBy('timestamp')
              .execute()
          : await downsampledHistory(k, runId, key, maxPoints);
      return rows.map((m) => ({
        key: m.key,
        value: Number(m.value),
        timestamp: Number(m.timestamp),
        step: Number(m.step),
      }));
    },
  };
}

/**
 * `downsample` in SQL: only the points kept leave the database (1,000 rows of a 100,000-point
 * history instead of all of them, which on PGlite is most of the cost). Same buckets, same
 * choices: NaN is neither lowest nor highest, the first of equals wins.
 */
async function downsampledHistory(k: Kysely<DB>, runId: string, key: string, maxPoints: number) {
  const buckets = Math.max(1, Math.floor(maxPoints / 3));
  const { rows } = await sql<{ key: string; value: number; timestamp: string; step: string }>`
    with p as (
      select key, value, timestamp, step,
        row_number() over (order by step, timestamp) - 1 as i,
        count(*) over () as n
      from experiments.metrics where run_id = ${runId} and key = ${key}
    ), b as (
      select *, i / ceil(n::numeric / ${buckets})::bigint as bucket from p
    ), r as (
      select *,
        row_number() over (partition by bucket order by value = 'NaN'::float8, value, i) as low,
        row_number() over (partition by bucket order by value = 'NaN'::float8, value desc, i) as high,
        row_number() over (partition by bucket order by i desc) as last
      from b
    )
    select key, value, timestamp, step from r
    where n <= ${maxPoints} or low = 1 or high = 1 or last = 1
    order by i`.execute(k);
  return rows;
}
