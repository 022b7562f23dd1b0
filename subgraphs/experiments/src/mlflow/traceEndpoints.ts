import { gunzipSync, inflateSync } from 'node:zlib';
import type { Principal } from '@jarvis/context';
import { badUserInput, JarvisError, notFound } from '@jarvis/errors';
import { type HttpRoute, type MlflowParams, readBodyBytes } from '@jarvis/subgraph';
import type { ExperimentsService } from '../service.ts';
import {
  type AssessmentRecord,
  TRACE_STATES,
  type TraceRecord,
  type TraceState,
} from '../store/traceStore.ts';
import type { TraceService } from '../traceService.ts';
import { anyValueOf, type OtlpSpan, spansOfJson, spansOfProtobuf } from '../tracing/otlpSpans.ts';
import { spanAttributes } from '../tracing/spanAttributes.ts';
import type { MlflowEndpoint } from './mlflowApiRoutes.ts';
import { listField } from './mlflowJson.ts';

const V2 = '/api/2.0/mlflow/traces';
const V3 = '/api/3.0/mlflow/traces';

/** protobuf JSON's Duration: seconds, with the fraction only when there is one. */
const duration = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(3)}s`);

/**
 * A span as MLflow's server answers it: attributes decoded from the JSON strings its client
 * sends (`'{"x": 3}'` becomes a kvlist), no kind, nanosecond times as JSON numbers.
 */
const spanJson = (s: OtlpSpan) => {
  const decoded = spanAttributes(s);
  const { kind: _kind, service_name: _service, status, ...rest } = s;
  return {
    ...rest,
    attributes: s.attributes.map(({ key }) => ({ key, value: anyValueOf(decoded[key]) })),
    // protobuf JSON leaves out an enum at its default (UNSET).
    status: {
      ...(status.code === 'STATUS_CODE_UNSET' ? {} : { code: status.code }),
      ...(status.message ? { message: status.message } : {}),
    },
  };
};

/** JSON with nanosecond times as numbers, written from their decimal strings so no digit is lost. */
const withNanos = (body: unknown) =>
  new Response(JSON.stringify(body).replace(/"((?:start_|end_)?time_unix_nano)":"(\d+)"/g, '"$1":$2'), {
    headers: { 'content-type': 'application/json' },
  });

export const assessmentJson = (a: AssessmentRecord) => ({
  assessment_id: a.id,
  trace_id: a.traceId,
  ...a.content,
  create_time: new Date(a.creationTime).toISOString(),
  last_update_time: new Date(a.lastUpdateTime).toISOString(),
});

export const traceInfoJson = (t: TraceRecord) => ({
  trace_id: t.id,
  ...(t.clientRequestId ? { client_request_id: t.clientRequestId } : {}),
  trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: t.experimentId } },
  ...(t.requestPreview !== null ? { request_preview: t.requestPreview } : {}),
  ...(t.responsePreview !== null ? { response_preview: t.responsePreview } : {}),
  request_time: new Date(t.requestTime).toISOString(),
  ...(t.executionDuration !== null ? { execution_duration: duration(t.executionDuration) } : {}),
  state: t.state,
  trace_metadata: t.metadata,
  ...listField('assessments', t.assessments.map(assessmentJson)),
  tags: t.tags,
});

/** A string map of the request (metadata, tags): every value a string, as MLflow's protobuf map. */
function stringMap(value: unknown, key: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (
    typeof value !== 'object' ||
    Array.isArray(value) ||
    !Object.values(value).every((v) => typeof v === 'string')
  )
    throw badUserInput(`Invalid value for parameter '${key}': expected a map of strings.`);
  return value as Record<string, string>;
}

function parseDuration(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const seconds = typeof value === 'string' ? /^(-?\d+(?:\.\d+)?)s$/.exec(value)?.[1] : undefined;
  if (seconds === undefined)
    throw badUserInput(`Invalid value ${JSON.stringify(value)} for parameter 'execution_duration'`);
  return Math.round(Number(seconds) * 1000);
}

/** Experiment ids of a search: v3 `locations`, or v2 `experiment_ids`. */
function experimentIdsOf(p: MlflowParams): string[] {
  const fromLocations = p.objects('locations').map((l) => {
    const id = (l.mlflow_experiment as { experiment_id?: unknown } | undefined)?.experiment_id;
    if (typeof id !== 'string') throw badUserInput('Only MLFLOW_EXPERIMENT trace locations are supported.');
    return id;
  });
  return [...fromLocations, ...p.strings('experiment_ids')];
}

/**
 * MLflow 3's trace API (v3 and the v2 paths its client still calls), over the trace service.
 * `experimentId` maps MLflow's experiment "0" to the project's Default, as the rest of the API.
 */
export function traceEndpoints(service: ExperimentsService, traces: TraceService): MlflowEndpoint[] {
  const experimentId = (principal: Principal, id: string) => service.mlflowExperimentId(principal, id);
  const requireTrace = async (principal: Principal, id: string) => {
    const trace = await traces.get(principal, id);
    if (!trace) throw notFound(`Trace with ID ${id} not found.`);
    return trace;
  };
  const fullTraces = async (principal: Principal, ids: string[]) => {
    const found = await traces.getMany(principal, ids);
    const spans = await traces.spans(
      principal,
      found.map((t) => t.id),
    );
    return found.map((t) => ({
      trace_info: traceInfoJson(t),
      ...listField('spans', (spans.get(t.id) ?? []).map(spanJson)),
    }));
  };
  const read = 'experiments:read';
  const log = 'experiments:log';

  const setTag = async (p: MlflowParams, principal: Principal) => {
    await traces.setTag(principal, p.string('trace_id'), p.string('key'), p.optionalString('value') ?? '');
    return {};
  };
  const deleteTag = async (p: MlflowParams, principal: Principal) => {
    await traces.deleteTag(principal, p.string('trace_id'), p.string('key'));
    return {};
  };
  const remove = async (p: MlflowParams, principal: Principal) => {
    const ids = p.strings('request_ids');
    const maxTimestamp = p.optionalInteger('max_timestamp_millis');
    const maxTraces = p.optionalInteger('max_traces');
    return {
      traces_deleted: await traces.delete(
        principal,
        await experimentId(principal, p.string('experiment_id')),
        {
          ...(ids.length ? { ids } : {}),
          ...(maxTimestamp !== undefined ? { maxTimestamp } : {}),
          ...(maxTraces !== undefined ? { maxTraces } : {}),
        },
      ),
    };
  };
  const search = async (p: MlflowParams, principal: Principal) => {
    const ids = await Promise.all(experimentIdsOf(p).map((id) => experimentId(principal, id)));
    const page = await traces.search(principal, {
      experimentIds: ids,
      filter: p.optionalString('filter'),
      orderBy: p.strings('order_by'),
      maxResults: p.optionalInteger('max_results') ?? 100,
      pageToken: p.optionalString('page_token'),
    });
    return {
      ...listField('traces', page.traces.map(traceInfoJson)),
      ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
    };
  };

  return [
    {
      method: 'POST',
      path: V3,
      scope: log,
      async handle(p, principal) {
        const info = (p.object('trace').trace_info ?? {}) as Record<string, unknown>;
        const location = info.trace_location as
          | { mlflow_experiment?: { experiment_id?: unknown } }
          | undefined;
        const experiment = location?.mlflow_experiment?.experiment_id;
        if (typeof experiment !== 'string')
          throw badUserInput('A trace needs trace_location.mlflow_experiment.experiment_id.');
        const requestTime =
          typeof info.request_time === 'string' ? Date.parse(info.request_time) : Number.NaN;
        if (Number.isNaN(requestTime)) throw badUserInput(`Invalid value for parameter 'request_time'`);
        const state = (typeof info.state === 'string' ? info.state : 'STATE_UNSPECIFIED') as TraceState;
        const executionDuration = parseDuration(info.execution_duration);
        const optional = (key: string) => (typeof info[key] === 'string' ? (info[key] as string) : undefined);
        const trace = await traces.startTrace(principal, {
          id: typeof info.trace_id === 'string' ? info.trace_id : '',
          experimentId: await experimentId(principal, experiment),
          clientRequestId: optional('client_request_id'),
          requestTime,
          ...(executionDuration !== undefined ? { executionDuration } : {}),
          state: TRACE_STATES.includes(state) ? state : 'STATE_UNSPECIFIED',
          requestPreview: optional('request_preview'),
          responsePreview: optional('response_preview'),
          metadata: stringMap(info.trace_metadata, 'trace_metadata'),
          tags: stringMap(info.tags, 'tags'),
        });
        return { trace: { trace_info: traceInfoJson(trace) } };
      },
    },
    {
      method: 'GET',
      path: `${V3}/{trace_id}`,
      scope: read,
      handle: async (p, principal) => ({
        trace: { trace_info: traceInfoJson(await requireTrace(principal, p.string('trace_id'))) },
      }),
    },
    {
      method: 'GET',
      path: `${V2}/{trace_id}/info`,
      scope: read,
      handle: async (p, principal) => {
        // v2's TraceInfo: the fields MLflow 2.x clients read.
        const t = await requireTrace(principal, p.string('trace_id'));
        return {
          trace_info: {
            request_id: t.id,
            experiment_id: t.experimentId,
            timestamp_ms: t.requestTime,
            ...(t.executionDuration !== null ? { execution_time_ms: t.executionDuration } : {}),
            status: t.state === 'STATE_UNSPECIFIED' ? 'TRACE_STATUS_UNSPECIFIED' : t.state,
            request_metadata: Object.entries(t.metadata).map(([key, value]) => ({ key, value })),
            tags: Object.entries(t.tags).map(([key, value]) => ({ key, value })),
          },
        };
      },
    },
    {
      method: 'GET',
      path: `${V3}/get`,
      scope: read,
      handle: async (p, principal) => {
        const [trace] = await fullTraces(principal, [p.string('trace_id')]);
        if (!trace) throw notFound(`Trace with ID ${p.string('trace_id')} not found.`);
        return withNanos({ trace });
      },
    },
    {
      method: 'GET',
      path: `${V3}/batchGet`,
      scope: read,
      handle: async (p, principal) =>
        withNanos(listField('traces', await fullTraces(principal, p.strings('trace_ids')))),
    },
    {
      method: 'POST',
      path: `${V3}/batchGetInfos`,
      scope: read,
      handle: async (p, principal) =>
        listField(
          'trace_infos',
          (await traces.getMany(principal, p.strings('trace_ids'))).map(traceInfoJson),
        ),
    },
    { method: 'POST', path: `${V3}/search`, scope: read, handle: search },
    {
      method: 'POST',
      path: `${V3}/{trace_id}/assessments`,
      scope: log,
      handle: async (p, principal) => ({
        assessment: assessmentJson(
          await traces.addAssessment(principal, p.string('trace_id'), p.object('assessment')),
        ),
      }),
    },
    {
      method: 'GET',
      path: `${V3}/{trace_id}/assessments/{assessment_id}`,
      scope: read,
      handle: async (p, principal) => {
        const found = await traces.assessment(principal, p.string('trace_id'), p.string('assessment_id'));
        if (!found)
          throw notFound(
            `Assessment with ID '${p.string('assessment_id')}' not found for trace '${p.string('trace_id')}'`,
          );
        return { assessment: assessmentJson(found) };
      },
    },
    {
      method: 'PATCH',
      path: `${V3}/{trace_id}/assessments/{assessment_id}`,
      scope: log,
      handle: async (p, principal) => {
        const mask = (p.optionalString('update_mask') ?? '')
          .split(',')
          .map((s) => s.trim().replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))
          .filter(Boolean);
        return {
          assessment: assessmentJson(
            await traces.updateAssessment(
              principal,
              p.string('trace_id'),
              p.string('assessment_id'),
              p.object('assessment'),
              mask,
            ),
          ),
        };
      },
    },
    {
      method: 'DELETE',
      path: `${V3}/{trace_id}/assessments/{assessment_id}`,
      scope: log,
      handle: async (p, principal) => {
        await traces.deleteAssessment(principal, p.string('trace_id'), p.string('assessment_id'));
        return {};
      },
    },
    { method: 'GET', path: V2, scope: read, handle: search },
    { method: 'PATCH', path: `${V2}/{trace_id}/tags`, scope: log, handle: setTag },
    { method: 'DELETE', path: `${V2}/{trace_id}/tags`, scope: log, handle: deleteTag },
    { method: 'PATCH', path: `${V3}/{trace_id}/tags`, scope: log, handle: setTag },
    { method: 'DELETE', path: `${V3}/{trace_id}/tags`, scope: log, handle: deleteTag },
    {
      method: 'POST',
      path: `${V2}/link-to-run`,
      scope: log,
      handle: async (p, principal) => {
        const ids = p.strings('trace_ids');
        if (!ids.length) throw badUserInput("Missing value for required parameter 'trace_ids'.");
        const runId = p.string('run_id');
        if (!(await service.run(principal, runId))) throw notFound(`Run with id=${runId} not found`);
        await traces.linkToRun(principal, ids, runId);
        return {};
      },
    },
    { method: 'POST', path: `${V2}/delete-traces`, scope: 'experiments:write', handle: remove },
    { method: 'POST', path: `${V3}/delete-traces`, scope: 'experiments:write', handle: remove },
  ];
}

const otlpError = (status: number, detail: string) => Response.json({ detail }, { status });

/**
 * OTLP/HTTP at /v1/traces, as MLflow's server takes it: protobuf or JSON, gzip or deflate,
 * into the experiment the `x-mlflow-experiment-id` header names (`x-mlflow-run-id` links the
 * traces to a run). Errors answer in that endpoint's own shape, `{ "detail": … }`.
 */
export function otlpTraceRoute(
  traces: TraceService,
  maxBodyBytes: number,
  service: ExperimentsService,
): HttpRoute {
  return {
    method: 'POST',
    path: '/v1/traces',
    scope: 'experiments:log',
    async handler(request, context) {
      const experiment = request.headers.get('x-mlflow-experiment-id');
      // FastAPI's answer for a missing header, which is what MLflow's server gives.
      if (!experiment)
        return Response.json(
          {
            detail: [
              {
                type: 'missing',
                loc: ['header', 'x-mlflow-experiment-id'],
                msg: 'Field required',
                input: null,
              },
            ],
          },
          { status: 422 },
        );
      const mediaType = request.headers.get('content-type')?.split(';')[0]?.trim();
      if (mediaType !== 'application/x-protobuf' && mediaType !== 'application/json')
        return otlpError(
          400,
          `Invalid Content-Type: ${request.headers.get('content-type')}. Expected: application/x-protobuf or application/json`,
        );
      try {
        let body: Buffer = await readBodyBytes(request, maxBodyBytes, 'server.max_api_body_bytes');
        const encoding = request.headers.get('content-encoding')?.toLowerCase();
        try {
          if (encoding === 'gzip') body = gunzipSync(body, { maxOutputLength: maxBodyBytes });
          else if (encoding === 'deflate') body = inflateSync(body, { maxOutputLength: maxBodyBytes });
          else if (encoding && encoding !== 'identity')
            return otlpError(400, `Unsupported Content-Encoding: ${encoding}`);
        } catch (error) {
          if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
            return otlpError(
              413,
              `the body inflates past ${maxBodyBytes} bytes (server.max_api_body_bytes); send smaller batches`,
            );
          return otlpError(400, `the body is not valid ${encoding} data`);
        }
        let spans: ReturnType<typeof spansOfProtobuf>;
        if (mediaType === 'application/json') {
          let parsed: unknown;
          try {
            parsed = JSON.parse(body.toString('utf8'));
          } catch {
            return otlpError(400, 'Invalid OpenTelemetry format');
          }
          spans = spansOfJson(parsed);
        } else spans = spansOfProtobuf(body);
        if (!spans.length) return otlpError(400, 'Invalid OpenTelemetry format - no spans found');
        const experimentId = await service.mlflowExperimentId(context.principal, experiment);
        const runId = request.headers.get('x-mlflow-run-id') ?? undefined;
        if (runId !== undefined && !(await service.run(context.principal, runId)))
          return otlpError(404, `Run with id=${runId} not found`);
        await traces.logSpans(context.principal, experimentId, spans, runId);
        return new Response(new Uint8Array(0), { headers: { 'content-type': 'application/x-protobuf' } });
      } catch (error) {
        if (error instanceof JarvisError) {
          const status =
            error.code === 'NOT_FOUND'
              ? 404
              : error.code === 'LIMIT_EXCEEDED'
                ? 413
                : error.code === 'CONFLICT'
                  ? 409
                  : 400;
          context.logger.info({ code: error.code, message: error.message }, 'OTLP export refused');
          return otlpError(status, error.message);
        }
        throw error;
      }
    },
  };
}
