import { createHash, randomUUID } from 'node:crypto';
import { type Database, jsonb } from '@jarvis/db';
import { badUserInput, notFound } from '@jarvis/errors';
import { type SqlBool, sql } from 'kysely';
import type { DB } from '../generated/tables.ts';
import { parseFilter } from '../search/parseSearch.ts';
import { checkKey } from './limits.ts';
import type {
  DatasetRecord,
  LoggedModelRecord,
  LoggedModelStatus,
  LoggedModelStore,
  ModelMetric,
  RunIo,
} from './loggedModelStore.ts';
import { checkMaxResults, decodePageToken, encodePageToken } from './pageToken.ts';
import { compareSql } from './runSearchSql.ts';

const MODEL_ID = /^m-[0-9a-f]{32}$/;
const RUN_ID = /^[0-9a-f]{32}$/;

/** What a logged-model filter may name bare, and how it compares. */
const ATTRIBUTES = {
  name: 'string',
  model_id: 'string',
  model_type: 'string',
  status: 'string',
  source_run_id: 'string',
  creation_time: 'number',
  creation_timestamp: 'number',
  last_updated_timestamp: 'number',
} as const;
const COLUMN: Record<string, string> = {
  name: 'lm.name',
  model_id: 'lm.id',
  model_type: 'lm.model_type',
  status: 'lm.status',
  source_run_id: 'lm.source_run_id',
  creation_time: 'lm.creation_time',
  creation_timestamp: 'lm.creation_time',
  last_updated_timestamp: 'lm.last_updated_time',
};

const numericId = (id: string) => (/^\d{1,15}$/.test(id) ? Number(id) : undefined);
const missingModel = (id: string) =>
  notFound(`Logged model with ID '${id}' not found.`, { argument: 'model_id' });

/** The latest point of each (key, dataset): highest step, then newest. */
function latestMetrics(rows: ModelMetric[]): ModelMetric[] {
  const latest = new Map<string, ModelMetric>();
  for (const m of rows) {
    const id = `${m.key}\u0000${m.datasetName ?? ''}\u0000${m.datasetDigest ?? ''}`;
    const seen = latest.get(id);
    if (!seen || m.step > seen.step || (m.step === seen.step && m.timestamp >= seen.timestamp))
      latest.set(id, m);
  }
  return [...latest.values()];
}

const datasetOf = (row: {
  id: string;
  experiment_id: unknown;
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema: string | null;
  profile: string | null;
}): DatasetRecord => ({
  id: row.id,
  experimentId: String(row.experiment_id),
  name: row.name,
  digest: row.digest,
  sourceType: row.source_type,
  source: row.source,
  schema: row.schema,
  profile: row.profile,
});

/** Logged models, datasets and run inputs/outputs in the experiments schema of the metadata database. */
export function nativeLoggedModelStore(db: Database): LoggedModelStore {
  const k = db.tables<DB>('experiments');

  async function records(projectId: string, ids: readonly string[]): Promise<LoggedModelRecord[]> {
    const wanted = ids.filter((id) => MODEL_ID.test(id));
    if (!wanted.length) return [];
    const rows = await k
      .selectFrom('logged_models')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('lifecycle_stage', '=', 'active')
      .where('id', 'in', wanted)
      .execute();
    if (!rows.length) return [];
    const found = rows.map((r) => r.id);
    const [tags, params, metrics] = await Promise.all([
      k.selectFrom('logged_model_tags').selectAll().where('model_id', 'in', found).execute(),
      k.selectFrom('logged_model_params').selectAll().where('model_id', 'in', found).execute(),
      k.selectFrom('logged_model_metrics').selectAll().where('model_id', 'in', found).execute(),
    ]);
    const byId = new Map(
      rows.map((r) => [
        r.id,
        {
          id: r.id,
          experimentId: String(r.experiment_id),
          name: r.name,
          artifactLocation: r.artifact_location,
          status: r.status as LoggedModelStatus,
          statusMessage: r.status_message,
          modelType: r.model_type,
          sourceRunId: r.source_run_id,
          creationTime: Number(r.creation_time),
          lastUpdatedTime: Number(r.last_updated_time),
          tags: Object.fromEntries(tags.filter((t) => t.model_id === r.id).map((t) => [t.key, t.value])),
          params: Object.fromEntries(params.filter((p) => p.model_id === r.id).map((p) => [p.key, p.value])),
          metrics: latestMetrics(
            metrics
              .filter((m) => m.model_id === r.id)
              .map((m) => ({
                key: m.key,
                value: Number(m.value),
                timestamp: Number(m.timestamp),
                step: Number(m.step),
                runId: m.run_id,
                modelId: m.model_id,
                datasetName: m.dataset_name,
                datasetDigest: m.dataset_digest,
              })),
          ),
        } satisfies LoggedModelRecord,
      ]),
    );
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async function require(projectId: string, id: string) {
    const [found] = await records(projectId, [id]);
    if (!found) throw missingModel(id);
    return found;
  }

  const touch = (id: string) =>
    k.updateTable('logged_models').set({ last_updated_time: Date.now() }).where('id', '=', id).execute();

  async function upsertPairs(
    table: 'logged_model_tags' | 'logged_model_params',
    modelId: string,
    pairs: Record<string, string>,
  ) {
    const values = Object.entries(pairs).map(([key, value]) => ({ model_id: modelId, key, value }));
    if (!values.length) return;
    await k
      .insertInto(table)
      .values(values)
      .onConflict((oc) => oc.columns(['model_id', 'key']).doUpdateSet({ value: sql`excluded.value` }))
      .execute();
  }

  return {
    async create(projectId, model) {
      const experiment = numericId(model.experimentId);
      const row =
        experiment === undefined
          ? undefined
          : await k
              .selectFrom('experiments')
              .select(['id', 'artifact_location', 'lifecycle_stage'])
              .where('project_id', '=', projectId)
              .where('id', '=', experiment)
              .executeTakeFirst();
      if (!row)
        throw notFound(`No Experiment with id=${model.experimentId} exists`, { argument: 'experiment_id' });
      for (const key of [...Object.keys(model.tags), ...Object.keys(model.params)]) checkKey('tag', key);
      const id = `m-${randomUUID().replaceAll('-', '')}`;
      const now = Date.now();
      await k.transaction().execute(async (t) => {
        await t
          .insertInto('logged_models')
          .values({
            id,
            project_id: projectId,
            experiment_id: row.id,
            name: model.name,
            artifact_location: `${row.artifact_location.replace(/\/+$/, '')}/models/${id}/artifacts`,
            status: 'LOGGED_MODEL_PENDING',
            model_type: model.modelType ?? null,
            source_run_id: model.sourceRunId ?? null,
            creation_time: now,
            last_updated_time: now,
          })
          .execute();
        const pairs = (table: 'logged_model_tags' | 'logged_model_params', values: Record<string, string>) =>
          Object.keys(values).length
            ? t
                .insertInto(table)
                .values(Object.entries(values).map(([key, value]) => ({ model_id: id, key, value })))
                .execute()
            : undefined;
        await pairs('logged_model_tags', model.tags);
        await pairs('logged_model_params', model.params);
      });
      return require(projectId, id);
    },

    get: async (projectId, id) => (await records(projectId, [id]))[0],
    getMany: records,

    async setStatus(projectId, id, status, message) {
      await require(projectId, id);
      await k
        .updateTable('logged_models')
        .set({ status, status_message: message ?? null, last_updated_time: Date.now() })
        .where('id', '=', id)
        .execute();
      return require(projectId, id);
    },

    async delete(projectId, id) {
      await require(projectId, id);
      await k
        .updateTable('logged_models')
        .set({ lifecycle_stage: 'deleted', last_updated_time: Date.now() })
        .where('id', '=', id)
        .execute();
    },

    async setTags(projectId, id, tags) {
      await require(projectId, id);
      for (const key of Object.keys(tags)) checkKey('tag', key);
      await upsertPairs('logged_model_tags', id, tags);
      await touch(id);
    },

    async deleteTag(projectId, id, key) {
      await require(projectId, id);
      await k.deleteFrom('logged_model_tags').where('model_id', '=', id).where('key', '=', key).execute();
      await touch(id);
    },

    async logParams(projectId, id, params) {
      await require(projectId, id);
      for (const key of Object.keys(params)) checkKey('param', key);
      await upsertPairs('logged_model_params', id, params);
      await touch(id);
    },

    async logMetrics(projectId, metrics) {
      if (!metrics.length) return;
      const ids = [...new Set(metrics.map((m) => m.modelId))];
      const found = new Set((await records(projectId, ids)).map((m) => m.id));
      const unknown = ids.find((id) => !found.has(id));
      if (unknown) throw missingModel(unknown);
      await k
        .insertInto('logged_model_metrics')
        .values(
          metrics.map((m) => ({
            model_id: m.modelId,
            run_id: m.runId,
            key: m.key,
            value: m.value,
            timestamp: m.timestamp,
            step: m.step,
            dataset_name: m.datasetName,
            dataset_digest: m.datasetDigest,
          })),
        )
        .execute();
    },

    async search(projectId, search) {
      const limit = checkMaxResults(search.maxResults);
      const offset = decodePageToken(search.pageToken);
      const experiments = search.experimentIds.map(numericId).filter((id) => id !== undefined);
      if (!experiments.length) return { models: [] };
      const conditions = [
        sql<SqlBool>`lm.project_id = ${projectId}`,
        sql<SqlBool>`lm.lifecycle_stage = 'active'`,
        sql<SqlBool>`lm.experiment_id in (${sql.join(experiments)})`,
        ...parseFilter(search.filter, ATTRIBUTES).map((c) => {
          switch (c.type) {
            case 'metric':
              return sql<SqlBool>`${compareSql(
                sql`(select m.value from experiments.logged_model_metrics m where m.model_id = lm.id and m.key = ${c.key}
                  order by m.step desc, m.timestamp desc limit 1)`,
                c,
              )}`;
            case 'param':
              return sql<SqlBool>`exists (select 1 from experiments.logged_model_params p
                where p.model_id = lm.id and p.key = ${c.key} and ${compareSql(sql`p.value`, c)})`;
            case 'tag':
              return sql<SqlBool>`exists (select 1 from experiments.logged_model_tags t
                where t.model_id = lm.id and t.key = ${c.key} and ${compareSql(sql`t.value`, c)})`;
            default:
              return compareSql(sql.raw(COLUMN[c.key]!), c);
          }
        }),
      ];
      const order = (search.orderBy ?? []).map((o) => {
        const direction = sql.raw(o.ascending ? 'asc nulls last' : 'desc nulls last');
        const metric = /^metrics\.(.+)$/.exec(o.field)?.[1];
        if (metric !== undefined)
          return sql`(select m.value from experiments.logged_model_metrics m where m.model_id = lm.id and m.key = ${metric}
            ${o.datasetName ? sql`and m.dataset_name = ${o.datasetName}` : sql``}
            ${o.datasetDigest ? sql`and m.dataset_digest = ${o.datasetDigest}` : sql``}
            order by m.step desc, m.timestamp desc limit 1) ${direction}`;
        const column = COLUMN[o.field.replace(/^attributes\./, '')];
        if (!column) throw badUserInput(`Invalid order by field name: ${o.field}`, { argument: 'order_by' });
        return sql`${sql.raw(column)} ${direction}`;
      });
      const { rows } = await sql<{ id: string }>`
        select lm.id from experiments.logged_models lm where ${sql.join(conditions, sql` and `)}
        order by ${sql.join([...order, sql`lm.creation_time desc`, sql`lm.id desc`])}
        limit ${limit + 1} offset ${offset}`.execute(db.kysely);
      return {
        models: await records(
          projectId,
          rows.slice(0, limit).map((r) => r.id),
        ),
        ...(rows.length > limit ? { nextPageToken: encodePageToken(offset + limit) } : {}),
      };
    },

    async modelsOfRun(projectId, runId) {
      if (!RUN_ID.test(runId)) return [];
      const rows = await k
        .selectFrom('logged_models')
        .select('id')
        .where('project_id', '=', projectId)
        .where('source_run_id', '=', runId)
        .orderBy('creation_time')
        .execute();
      return records(
        projectId,
        rows.map((r) => r.id),
      );
    },

    async logInputs(projectId, runId, datasets, models) {
      const run = await k
        .selectFrom('runs')
        .select(['id', 'experiment_id'])
        .where('project_id', '=', projectId)
        .where('id', '=', runId)
        .executeTakeFirst();
      if (!run) throw notFound(`Run with id=${runId} not found`, { argument: 'run_id' });
      const known = new Set((await records(projectId, models)).map((m) => m.id));
      const unknown = models.find((id) => !known.has(id));
      if (unknown) throw missingModel(unknown);
      await k.transaction().execute(async (t) => {
        for (const { dataset, tags } of datasets) {
          // A dataset is one per (experiment, name, digest): logging it again links the same one.
          const id = createHash('sha256')
            .update(`${run.experiment_id}\u0000${dataset.name}\u0000${dataset.digest}`)
            .digest('hex')
            .slice(0, 32);
          await t
            .insertInto('datasets')
            .values({
              id,
              experiment_id: run.experiment_id,
              name: dataset.name,
              digest: dataset.digest,
              source_type: dataset.sourceType,
              source: dataset.source,
              schema: dataset.schema,
              profile: dataset.profile,
            })
            .onConflict((oc) => oc.column('id').doNothing())
            .execute();
          await t
            .insertInto('run_inputs')
            .values({ run_id: runId, dataset_id: id, tags: jsonb(tags) })
            .onConflict((oc) => oc.columns(['run_id', 'dataset_id']).doUpdateSet({ tags: jsonb(tags) }))
            .execute();
        }
        for (const modelId of models)
          await t
            .insertInto('run_model_io')
            .values({ run_id: runId, model_id: modelId, direction: 'input', step: 0 })
            .onConflict((oc) => oc.columns(['run_id', 'model_id', 'direction']).doNothing())
            .execute();
      });
    },

    async logOutputs(projectId, runId, models) {
      const run = await k
        .selectFrom('runs')
        .select('id')
        .where('project_id', '=', projectId)
        .where('id', '=', runId)
        .executeTakeFirst();
      if (!run) throw notFound(`Run with id=${runId} not found`, { argument: 'run_id' });
      const known = new Set(
        (
          await records(
            projectId,
            models.map((m) => m.modelId),
          )
        ).map((m) => m.id),
      );
      const unknown = models.find((m) => !known.has(m.modelId));
      if (unknown) throw missingModel(unknown.modelId);
      if (!models.length) return;
      await k
        .insertInto('run_model_io')
        .values(
          models.map((m) => ({ run_id: runId, model_id: m.modelId, direction: 'output', step: m.step })),
        )
        .onConflict((oc) =>
          oc.columns(['run_id', 'model_id', 'direction']).doUpdateSet({ step: sql`excluded.step` }),
        )
        .execute();
    },

    async runIo(projectId, runIds) {
      const result = new Map<string, RunIo>(
        runIds.map((id) => [id, { datasetInputs: [], modelInputs: [], modelOutputs: [] }]),
      );
      const ids = runIds.filter((id) => RUN_ID.test(id));
      if (!ids.length) return result;
      const [inputs, io] = await Promise.all([
        k
          .selectFrom('run_inputs as i')
          .innerJoin('datasets as d', 'd.id', 'i.dataset_id')
          .innerJoin('runs as r', 'r.id', 'i.run_id')
          .select([
            'i.run_id',
            'i.tags',
            'd.id',
            'd.experiment_id',
            'd.name',
            'd.digest',
            'd.source_type',
            'd.source',
            'd.schema',
            'd.profile',
          ])
          .where('r.project_id', '=', projectId)
          .where('i.run_id', 'in', ids)
          .orderBy('i.position')
          .execute(),
        k
          .selectFrom('run_model_io as io')
          .innerJoin('runs as r', 'r.id', 'io.run_id')
          .select(['io.run_id', 'io.model_id', 'io.direction', 'io.step'])
          .where('r.project_id', '=', projectId)
          .where('io.run_id', 'in', ids)
          .orderBy('io.position')
          .execute(),
      ]);
      for (const row of inputs)
        result.get(row.run_id)?.datasetInputs.push({
          dataset: datasetOf(row),
          tags: (typeof row.tags === 'string' ? JSON.parse(row.tags) : row.tags) as {
            key: string;
            value: string;
          }[],
        });
      for (const row of io) {
        const entry = result.get(row.run_id);
        if (row.direction === 'input') entry?.modelInputs.push({ modelId: row.model_id });
        else entry?.modelOutputs.push({ modelId: row.model_id, step: Number(row.step) });
      }
      return result;
    },

    async searchDatasets(projectId, experimentIds) {
      const experiments = experimentIds.map(numericId).filter((id) => id !== undefined);
      if (!experiments.length) return [];
      const { rows } = await sql<{
        id: string;
        experiment_id: string;
        name: string;
        digest: string;
        source_type: string;
        source: string;
        schema: string | null;
        profile: string | null;
        context: string | null;
      }>`
        select distinct d.*, (select t ->> 'value' from jsonb_array_elements(i.tags) t
                              where t ->> 'key' = 'mlflow.data.context' limit 1) as context
        from experiments.datasets d
        join experiments.experiments e on e.id = d.experiment_id
        join experiments.run_inputs i on i.dataset_id = d.id
        where e.project_id = ${projectId} and d.experiment_id in (${sql.join(experiments)})
        order by d.name, d.digest`.execute(db.kysely);
      return rows.map((row) => ({ ...datasetOf(row), context: row.context }));
    },
  };
}
