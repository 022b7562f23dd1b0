import type { Principal } from '@jarvis/context';
import { backendUnavailable, badUserInput, JarvisError, notFound } from '@jarvis/errors';
import { type HttpRoute, type MlflowParams, readBodyBytes } from '@jarvis/subgraph';
import type { ExperimentsService } from '../service.ts';
import type { RunIo } from '../store/loggedModelStore.ts';
import type { MlflowEndpoint } from './mlflowApiRoutes.ts';

interface MlflowRunIo {
  inputs?: {
    dataset_inputs?: {
      tags?: { key: string; value: string }[];
      dataset: {
        name: string;
        digest: string;
        source_type: string;
        source: string;
        schema?: string;
        profile?: string;
      };
    }[];
    model_inputs?: { model_id: string }[];
  };
  outputs?: { model_outputs?: { model_id: string; step?: number | string }[] };
}

/** The MLflow 3 families only the native store keeps; with an MLflow backend they pass through. */
export const PASSED_THROUGH =
  /^\/(?:ajax-)?api\/[23]\.0\/mlflow\/(?:logged-models|traces|runs\/(?:log-inputs|outputs)|experiments\/search-datasets)(?:\/|$)/;

/**
 * MLflow 3's logged models, datasets and traces on an existing MLflow server (`services.experiment
 * .type: mlflow`): each request goes to that server as the client sent it, once everything it
 * names is known to be the caller's project's. MLflow has no projects, so Jarvis checks the
 * experiments, runs, logged models and traces a request names (its path, `experiment_id(s)`,
 * `locations`, `run_id`, `trace_ids`/`request_ids`) before forwarding, and answers
 * RESOURCE_DOES_NOT_EXIST for anything another project owns, as if it were not there.
 */
export function mlflowPassThrough(trackingUri: string, service: ExperimentsService) {
  const base = trackingUri.replace(/\/+$/, '');

  async function send(method: string, path: string, body?: BodyInit, headers: Record<string, string> = {}) {
    try {
      return await fetch(`${base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw backendUnavailable('MLflow', error);
    }
  }

  async function experimentOwned(principal: Principal, id: unknown) {
    if (typeof id !== 'string' || !(await service.experiment(principal, id)))
      throw notFound(`No Experiment with id=${String(id)} exists`);
  }

  /** The experiment a logged model or trace belongs to, read from the MLflow server. */
  async function ownerOf(path: string, at: string, missing: string) {
    const answer = await send('GET', path);
    if (answer.status === 404) throw notFound(missing);
    if (!answer.ok) throw backendUnavailable('MLflow', `HTTP ${answer.status} on ${path}`);
    return at
      .split('.')
      .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], await answer.json());
  }

  /** A thing in another project's experiment is "not found", in its own words; other errors stay. */
  async function owned(principal: Principal, path: string, at: string, missing: string) {
    const experimentId = await ownerOf(path, at, missing);
    await experimentOwned(principal, experimentId).catch((error: unknown) => {
      throw error instanceof JarvisError && error.code === 'NOT_FOUND' ? notFound(missing) : error;
    });
  }

  const modelOwned = (principal: Principal, id: string) =>
    owned(
      principal,
      `/api/2.0/mlflow/logged-models/${encodeURIComponent(id)}`,
      'model.info.experiment_id',
      `Logged model with ID '${id}' not found.`,
    );

  const traceOwned = (principal: Principal, id: string) =>
    owned(
      principal,
      `/api/3.0/mlflow/traces/${encodeURIComponent(id)}`,
      'trace.trace_info.trace_location.mlflow_experiment.experiment_id',
      `Trace with ID ${id} not found.`,
    );

  /** Everything the request names must be the caller's project's. */
  async function guard(p: MlflowParams, principal: Principal) {
    const values = p.toJSON();
    const checks: Promise<void>[] = [];
    for (const id of [values.experiment_id].filter((v) => v !== undefined))
      checks.push(experimentOwned(principal, id));
    for (const id of p.strings('experiment_ids')) checks.push(experimentOwned(principal, id));
    for (const location of p.objects('locations'))
      checks.push(
        experimentOwned(
          principal,
          (location.mlflow_experiment as { experiment_id?: unknown } | undefined)?.experiment_id,
        ),
      );
    const info = (p.object('trace').trace_info ?? {}) as {
      trace_location?: { mlflow_experiment?: { experiment_id?: unknown } };
    };
    if (info.trace_location)
      checks.push(experimentOwned(principal, info.trace_location.mlflow_experiment?.experiment_id));
    if (typeof values.run_id === 'string')
      checks.push(
        service.run(principal, values.run_id).then((run) => {
          if (!run) throw notFound(`Run with id=${String(values.run_id)} not found`);
        }),
      );
    if (typeof values.model_id === 'string') checks.push(modelOwned(principal, values.model_id));
    if (typeof values.trace_id === 'string' && !info.trace_location)
      checks.push(traceOwned(principal, values.trace_id));
    for (const id of [...p.strings('trace_ids'), ...p.strings('request_ids')])
      checks.push(traceOwned(principal, id));
    for (const m of p.objects('models'))
      if (typeof m.model_id === 'string') checks.push(modelOwned(principal, m.model_id));
    await Promise.all(checks);
  }

  /** An endpoint's handler that checks, then forwards the request as the client sent it. */
  function forwarding(endpoint: MlflowEndpoint): MlflowEndpoint {
    return {
      ...endpoint,
      async handle(p, principal, request) {
        // A search needs the experiments it looks in, or it would see every project's.
        if (
          /\/search$/.test(endpoint.path) &&
          !p.strings('experiment_ids').length &&
          !p.objects('locations').length
        )
          throw badUserInput('name the experiments to search (experiment_ids)', {
            argument: 'experiment_ids',
          });
        await guard(p, principal);
        const url = new URL(request.url);
        const path = url.pathname.replace(/^\/ajax-api\//, '/api/') + url.search;
        const answer = await send(
          request.method,
          path,
          request.method === 'GET' ? undefined : JSON.stringify(p.toJSON(true)),
          request.method === 'GET' ? {} : { 'content-type': 'application/json' },
        );
        return new Response(answer.body, {
          status: answer.status,
          headers: { 'content-type': answer.headers.get('content-type') ?? 'application/json' },
        });
      },
    };
  }

  /** OTLP at /v1/traces: the experiment header checked, the bytes forwarded as they came. */
  function otlpRoute(maxBodyBytes: number): HttpRoute {
    return {
      method: 'POST',
      path: '/v1/traces',
      scope: 'experiments:log',
      async handler(request, context) {
        const experiment = request.headers.get('x-mlflow-experiment-id') ?? '';
        if (!(await service.experiment(context.principal, experiment)))
          return Response.json({ detail: `No Experiment with id=${experiment} exists` }, { status: 404 });
        const runId = request.headers.get('x-mlflow-run-id');
        if (runId && !(await service.run(context.principal, runId)))
          return Response.json({ detail: `Run with id=${runId} not found` }, { status: 404 });
        const headers: Record<string, string> = { 'x-mlflow-experiment-id': experiment };
        for (const name of ['content-type', 'content-encoding', 'x-mlflow-run-id']) {
          const value = request.headers.get(name);
          if (value) headers[name] = value;
        }
        const body = await readBodyBytes(request, maxBodyBytes, 'server.max_api_body_bytes');
        const answer = await send('POST', '/v1/traces', new Uint8Array(body), headers);
        return new Response(answer.body, {
          status: answer.status,
          headers: { 'content-type': answer.headers.get('content-type') ?? 'application/x-protobuf' },
        });
      },
    };
  }

  /** Runs' inputs and outputs as the MLflow server keeps them (the caller has the runs already). */
  async function runIo(runIds: readonly string[]): Promise<Map<string, RunIo>> {
    const entries = await Promise.all(
      runIds.map(async (id): Promise<[string, RunIo]> => {
        const answer = await send('GET', `/api/2.0/mlflow/runs/get?run_id=${encodeURIComponent(id)}`);
        const run = answer.ok ? ((await answer.json()) as { run?: MlflowRunIo }).run : undefined;
        return [
          id,
          {
            datasetInputs: (run?.inputs?.dataset_inputs ?? []).map((d) => ({
              dataset: {
                id: `${d.dataset.name}:${d.dataset.digest}`,
                experimentId: '',
                name: d.dataset.name,
                digest: d.dataset.digest,
                sourceType: d.dataset.source_type,
                source: d.dataset.source,
                schema: d.dataset.schema ?? null,
                profile: d.dataset.profile ?? null,
              },
              tags: d.tags ?? [],
            })),
            modelInputs: (run?.inputs?.model_inputs ?? []).map((m) => ({ modelId: m.model_id })),
            modelOutputs: (run?.outputs?.model_outputs ?? []).map((m) => ({
              modelId: m.model_id,
              step: Number(m.step ?? 0),
            })),
          },
        ];
      }),
    );
    return new Map(entries);
  }

  return { forwarding, otlpRoute, runIo };
}
