import { randomUUID } from 'node:crypto';
import { type Database, jsonb } from '@jarvis/db';
import { badUserInput, conflict, notFound } from '@jarvis/errors';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { DB } from '../generated/tables.ts';
import { parseFilter, parseOrder } from '../search/parseSearch.ts';
import { type OtlpSpan, plainValue } from '../tracing/otlpSpans.ts';
import { checkMaxResults, decodePageToken, encodePageToken } from './pageToken.ts';
import { compareSql } from './runSearchSql.ts';
import {
  type AssessmentRecord,
  SPANS_LOCATION_TAG,
  type TraceRecord,
  type TraceState,
  type TraceStore,
} from './traceStore.ts';

const TRACE_ID = /^tr-[0-9a-f]{32}$/;
const PREVIEW_LENGTH = 1000;

/** What a trace filter names bare, and how it compares (MLflow's names). */
const ATTRIBUTES = {
  status: 'string',
  state: 'string',
  name: 'string',
  trace_id: 'string',
  request_id: 'string',
  client_request_id: 'string',
  run_id: 'string',
  timestamp: 'number',
  timestamp_ms: 'number',
  execution_time: 'number',
  execution_time_ms: 'number',
} as const;
const COLUMN: Record<string, RawBuilder<unknown>> = {
  status: sql`t.state`,
  state: sql`t.state`,
  name: sql`(t.tags ->> 'mlflow.traceName')`,
  trace_id: sql`t.id`,
  request_id: sql`t.id`,
  client_request_id: sql`t.client_request_id`,
  run_id: sql`(t.metadata ->> 'mlflow.sourceRun')`,
  timestamp: sql`t.request_time`,
  timestamp_ms: sql`t.request_time`,
  execution_time: sql`t.execution_duration`,
  execution_time_ms: sql`t.execution_duration`,
};

const numericId = (id: string) => (/^\d{1,15}$/.test(id) ? Number(id) : undefined);
const traceIdOf = (base64: string) => `tr-${Buffer.from(base64, 'base64').toString('hex')}`;
const ms = (nanos: string) => Number(BigInt(nanos) / 1_000_000n);
const json = (value: unknown): Record<string, string> =>
  (typeof value === 'string' ? JSON.parse(value) : (value ?? {})) as Record<string, string>;
const preview = (value: unknown) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > PREVIEW_LENGTH ? text.slice(0, PREVIEW_LENGTH) : text;
};
const attribute = (span: OtlpSpan, key: string) => span.attributes.find((a) => a.key === key)?.value;

type Row = DB['traces'] extends infer T ? { [K in keyof T]: unknown } : never;

function recordOf(row: Record<string, unknown>, assessments: AssessmentRecord[] = []): TraceRecord {
  return {
    id: row.id as string,
    experimentId: String(row.experiment_id),
    clientRequestId: (row.client_request_id as string | null) ?? null,
    requestTime: Number(row.request_time),
    executionDuration: row.execution_duration === null ? null : Number(row.execution_duration),
    state: row.state as TraceState,
    requestPreview: (row.request_preview as string | null) ?? null,
    responsePreview: (row.response_preview as string | null) ?? null,
    metadata: json(row.metadata),
    tags: json(row.tags),
    assessments,
  };
}

function assessmentOf(row: {
  id: string;
  trace_id: string;
  content: unknown;
  creation_time: unknown;
  last_update_time: unknown;
}): AssessmentRecord {
  return {
    id: row.id,
    traceId: row.trace_id,
    content: (typeof row.content === 'string' ? JSON.parse(row.content) : row.content) as Record<
      string,
      unknown
    >,
    creationTime: Number(row.creation_time),
    lastUpdateTime: Number(row.last_update_time),
  };
}

/** Traces and spans in the experiments schema of the metadata database. */
export function nativeTraceStore(db: Database): TraceStore {
  const k = db.tables<DB>('experiments');

  async function experiment(projectId: string, id: string) {
    const numeric = numericId(id);
    const row =
      numeric === undefined
        ? undefined
        : await k
            .selectFrom('experiments')
            .select(['id', 'artifact_location'])
            .where('project_id', '=', projectId)
            .where('id', '=', numeric)
            .executeTakeFirst();
    if (!row) throw notFound(`No Experiment with id=${id} exists`, { argument: 'experiment_id' });
    return row;
  }

  async function records(projectId: string, ids: readonly string[]) {
    const wanted = ids.filter((id) => TRACE_ID.test(id));
    if (!wanted.length) return [];
    const rows = await k
      .selectFrom('traces')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('id', 'in', wanted)
      .execute();
    const assessments = rows.length
      ? await k
          .selectFrom('assessments')
          .selectAll()
          .where(
            'trace_id',
            'in',
            rows.map((r) => r.id),
          )
          .orderBy('creation_time')
          .orderBy('id')
          .execute()
      : [];
    const byId = new Map(
      rows.map((r) => [r.id, recordOf(r, assessments.filter((a) => a.trace_id === r.id).map(assessmentOf))]),
    );
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** A trace id another project already uses is not this project's to write. */
  async function claim(q: typeof k, projectId: string, id: string) {
    const owner = await q.selectFrom('traces').select('project_id').where('id', '=', id).executeTakeFirst();
    if (owner && owner.project_id !== projectId)
      throw conflict(`trace ${id} already exists; trace ids are unique across Jarvis`, {
        argument: 'trace_id',
      });
    return owner !== undefined;
  }

  return {
    async logSpans(projectId, experimentId, spans, runId) {
      const exp = await experiment(projectId, experimentId);
      const byTrace = new Map<string, OtlpSpan[]>();
      for (const span of spans) {
        if (!span.trace_id || !span.span_id)
          throw badUserInput('Cannot convert OpenTelemetry span to MLflow span');
        const id = traceIdOf(span.trace_id);
        // The request id MLflow puts on every span is derived from the trace id, never trusted.
        span.attributes = [
          { key: 'mlflow.traceRequestId', value: { string_value: id } },
          ...span.attributes.filter((a) => a.key !== 'mlflow.traceRequestId'),
        ];
        byTrace.set(id, [...(byTrace.get(id) ?? []), span]);
      }
      await k.transaction().execute(async (t) => {
        for (const [id, group] of byTrace) {
          await claim(t, projectId, id);
          const root = group.find((s) => !s.parent_span_id);
          const start = Math.min(...group.map((s) => ms(s.start_time_unix_nano)));
          const inputs = root && attribute(root, 'mlflow.spanInputs');
          const outputs = root && attribute(root, 'mlflow.spanOutputs');
          const tags: Record<string, string> = {
            [SPANS_LOCATION_TAG]: 'TRACKING_STORE',
            'mlflow.artifactLocation': `${exp.artifact_location.replace(/\/+$/, '')}/traces/${id}/artifacts`,
            ...(root ? { 'mlflow.traceName': root.name } : {}),
            ...(group[0]!.service_name ? { 'service.name': group[0]!.service_name } : {}),
          };
          const rootValues = root
            ? {
                execution_duration: ms(root.end_time_unix_nano) - ms(root.start_time_unix_nano),
                state: root.status.code === 'STATUS_CODE_ERROR' ? 'ERROR' : 'OK',
                request_preview: inputs ? preview(plainValue(inputs)) : null,
                response_preview: outputs ? preview(plainValue(outputs)) : null,
              }
            : {};
          await t
            .insertInto('traces')
            .values({
              id,
              project_id: projectId,
              experiment_id: exp.id,
              request_time: start,
              state: 'IN_PROGRESS',
              metadata: jsonb({
                'mlflow.trace_schema.version': '3',
                ...(runId ? { 'mlflow.sourceRun': runId } : {}),
              }),
              tags: jsonb(tags),
              spans_in_store: true,
              ...rootValues,
            })
            .onConflict((oc) =>
              oc.column('id').doUpdateSet({
                spans_in_store: true,
                metadata: sql`traces.metadata || excluded.metadata`,
                request_time: sql`least(traces.request_time, excluded.request_time)`,
                tags: sql`traces.tags || ${jsonb(tags)}`,
                ...(root
                  ? {
                      execution_duration: sql`excluded.execution_duration`,
                      // The info the client sends when the trace ends wins over what spans say.
                      state: sql`case when traces.state = 'IN_PROGRESS' then excluded.state else traces.state end`,
                      request_preview: sql`coalesce(traces.request_preview, excluded.request_preview)`,
                      response_preview: sql`coalesce(traces.response_preview, excluded.response_preview)`,
                    }
                  : {}),
              }),
            )
            .execute();
          await t
            .insertInto('spans')
            .values(
              group.map((s) => ({
                trace_id: id,
                span_id: s.span_id,
                parent_span_id: s.parent_span_id ?? null,
                name: s.name,
                // Nanoseconds past 2^53: handed to PostgreSQL as text, never as a JS number.
                start_time_ns: sql<number>`${s.start_time_unix_nano}::bigint`,
                end_time_ns: sql<number>`${s.end_time_unix_nano}::bigint`,
                status_code: s.status.code,
                content: jsonb(s),
              })),
            )
            .onConflict((oc) =>
              oc.columns(['trace_id', 'span_id']).doUpdateSet({
                name: sql`excluded.name`,
                end_time_ns: sql`excluded.end_time_ns`,
                status_code: sql`excluded.status_code`,
                content: sql`excluded.content`,
              }),
            )
            .execute();
        }
      });
      return [...byTrace.keys()];
    },

    async startTrace(projectId, info) {
      if (!TRACE_ID.test(info.id))
        throw badUserInput(
          `trace_id ${JSON.stringify(info.id)} is not an MLflow trace id (tr-<32 hex digits>)`,
          {
            argument: 'trace_id',
          },
        );
      const exp = await experiment(projectId, info.experimentId);
      await claim(k, projectId, info.id);
      const tags = {
        'mlflow.artifactLocation': `${exp.artifact_location.replace(/\/+$/, '')}/traces/${info.id}/artifacts`,
        ...info.tags,
      };
      await k
        .insertInto('traces')
        .values({
          id: info.id,
          project_id: projectId,
          experiment_id: exp.id,
          client_request_id: info.clientRequestId ?? null,
          request_time: info.requestTime,
          execution_duration: info.executionDuration ?? null,
          state: info.state,
          request_preview: info.requestPreview ?? null,
          response_preview: info.responsePreview ?? null,
          // As MLflow's server: the client sent the trace's final info.
          metadata: jsonb({ ...info.metadata, 'mlflow.trace.infoFinalized': 'true' }),
          tags: jsonb(tags),
        })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({
            client_request_id: sql`excluded.client_request_id`,
            request_time: sql`excluded.request_time`,
            execution_duration: sql`excluded.execution_duration`,
            state: sql`excluded.state`,
            request_preview: sql`excluded.request_preview`,
            response_preview: sql`excluded.response_preview`,
            metadata: sql`traces.metadata || excluded.metadata`,
            // Where the spans already are stays as the spans said.
            tags: sql`excluded.tags || (traces.tags - 'mlflow.artifactLocation')`,
          }),
        )
        .execute();
      return (await records(projectId, [info.id]))[0]!;
    },

    get: async (projectId, id) => (await records(projectId, [id]))[0],
    getMany: records,

    async spans(projectId, ids) {
      const wanted = ids.filter((id) => TRACE_ID.test(id));
      if (!wanted.length) return new Map();
      // The project's traces among them (spans or not), and their spans: no trace info needed.
      const [owned, rows] = await Promise.all([
        k
          .selectFrom('traces')
          .select('id')
          .where('project_id', '=', projectId)
          .where('id', 'in', wanted)
          .execute(),
        k
          .selectFrom('spans as s')
          .innerJoin('traces as t', 't.id', 's.trace_id')
          .select(['s.trace_id', 's.content'])
          .where('t.project_id', '=', projectId)
          .where('s.trace_id', 'in', wanted)
          .orderBy('s.start_time_ns')
          .orderBy('s.span_id')
          .execute(),
      ]);
      const result = new Map<string, OtlpSpan[]>(owned.map((t) => [t.id, []]));
      for (const row of rows)
        result
          .get(row.trace_id)
          ?.push((typeof row.content === 'string' ? JSON.parse(row.content) : row.content) as OtlpSpan);
      return result;
    },

    async setTag(projectId, id, key, value) {
      const { numUpdatedRows } = await k
        .updateTable('traces')
        .set({ tags: sql`tags || jsonb_build_object(${key}::text, ${value}::text)` })
        .where('project_id', '=', projectId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!numUpdatedRows) throw notFound(`Trace with ID ${id} not found.`, { argument: 'trace_id' });
    },

    async deleteTag(projectId, id, key) {
      const trace = (await records(projectId, [id]))[0];
      if (!trace) throw notFound(`Trace with ID ${id} not found.`, { argument: 'trace_id' });
      if (!(key in trace.tags)) throw notFound(`No trace tag with key '${key}'`, { argument: 'key' });
      await k
        .updateTable('traces')
        .set({ tags: sql`tags - ${key}::text` })
        .where('id', '=', id)
        .execute();
    },

    async addAssessment(projectId, traceId, content) {
      if (!(await records(projectId, [traceId])).length)
        throw notFound(`Trace with ID '${traceId}' not found.`, { argument: 'trace_id' });
      const now = Date.now();
      const row = await k
        .insertInto('assessments')
        .values({
          id: `a-${randomUUID().replaceAll('-', '')}`,
          trace_id: traceId,
          content: jsonb(content),
          creation_time: now,
          last_update_time: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return assessmentOf(row);
    },

    async updateAssessment(projectId, traceId, id, change) {
      return k.transaction().execute(async (t) => {
        const current = await t
          .selectFrom('assessments')
          .selectAll()
          .where('id', '=', id)
          .where('trace_id', '=', traceId)
          .where(({ exists, selectFrom }) =>
            exists(
              selectFrom('traces').select('id').where('id', '=', traceId).where('project_id', '=', projectId),
            ),
          )
          .forUpdate()
          .executeTakeFirst();
        if (!current)
          throw notFound(`Assessment with ID '${id}' not found for trace '${traceId}'`, {
            argument: 'assessment_id',
          });
        const row = await t
          .updateTable('assessments')
          .set({ content: jsonb(change(assessmentOf(current))), last_update_time: Date.now() })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return assessmentOf(row);
      });
    },

    async deleteAssessment(projectId, traceId, id) {
      await k
        .deleteFrom('assessments')
        .where('id', '=', id)
        .where('trace_id', '=', traceId)
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('traces').select('id').where('id', '=', traceId).where('project_id', '=', projectId),
          ),
        )
        .execute();
    },

    async linkToRun(projectId, ids, runId) {
      if (!ids.length) return;
      await k
        .updateTable('traces')
        .set({ metadata: sql`metadata || ${jsonb({ 'mlflow.sourceRun': runId })}` })
        .where('project_id', '=', projectId)
        .where('id', 'in', ids)
        .execute();
    },

    async search(projectId, search) {
      const limit = checkMaxResults(search.maxResults);
      const offset = decodePageToken(search.pageToken);
      const experiments = search.experimentIds.map(numericId).filter((id) => id !== undefined);
      if (!experiments.length) return { traces: [] };
      // MLflow's `metadata.<key>` (also request_metadata, trace_metadata): read as the filter's params.
      const filter = search.filter?.replace(/(^|[\s(])(?:request_|trace_)?metadata\./g, '$1params.');
      const conditions = [
        sql<SqlBool>`t.project_id = ${projectId}`,
        sql<SqlBool>`t.experiment_id in (${sql.join(experiments)})`,
        ...parseFilter(filter, ATTRIBUTES).map((c) => {
          if (c.type === 'tag') return compareSql(sql`(t.tags ->> ${c.key})`, c);
          if (c.type === 'param') return compareSql(sql`(t.metadata ->> ${c.key})`, c);
          if (c.type === 'attribute') return compareSql(COLUMN[c.key]!, c);
          throw badUserInput('traces are searched by attributes, tags.<key> and metadata.<key>', {
            argument: 'filter',
          });
        }),
      ];
      const order = parseOrder(search.orderBy, ATTRIBUTES).map((o) => {
        if (o.type !== 'attribute')
          throw badUserInput(`Invalid order_by clause: ${o.key}`, { argument: 'order_by' });
        return sql`${COLUMN[o.key]!} ${sql.raw(o.ascending ? 'asc' : 'desc')}`;
      });
      const { rows } = await sql<Row>`
        select t.* from experiments.traces t where ${sql.join(conditions, sql` and `)}
        order by ${sql.join([...order, sql`t.request_time desc`, sql`t.id`])}
        limit ${limit + 1} offset ${offset}`.execute(db.kysely);
      return {
        traces: rows.slice(0, limit).map((r) => recordOf(r as Record<string, unknown>)),
        ...(rows.length > limit ? { nextPageToken: encodePageToken(offset + limit) } : {}),
      };
    },

    async delete(projectId, experimentId, which) {
      const exp = await experiment(projectId, experimentId);
      if (which.ids?.length) {
        const { numDeletedRows } = await k
          .deleteFrom('traces')
          .where('project_id', '=', projectId)
          .where('experiment_id', '=', exp.id)
          .where('id', 'in', which.ids)
          .executeTakeFirst();
        return Number(numDeletedRows);
      }
      const { rows } = await sql<{ n: string }>`
        with doomed as (
          select id from experiments.traces
          where project_id = ${projectId} and experiment_id = ${exp.id} and request_time <= ${which.maxTimestamp ?? Number.MAX_SAFE_INTEGER}
          order by request_time, id limit ${which.maxTraces ?? 1_000_000}
        ), gone as (delete from experiments.traces where id in (select id from doomed) returning 1)
        select count(*) as n from gone`.execute(db.kysely);
      return Number(rows[0]!.n);
    },
  };
}
