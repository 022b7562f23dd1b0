import type { Principal, RequestContext } from '@jarvis/context';
import { badUserInput, notFound } from '@jarvis/errors';
import { type HttpRoute, mlflowRoute } from '@jarvis/subgraph';
import type { ExperimentsService } from '../service.ts';
import { decodePageToken, encodePageToken } from '../store/pageToken.ts';
import type { RunStatus, ViewType } from '../store/trackingStore.ts';
import {
  experimentJson,
  metricJson,
  modelVersionJson,
  registeredModelJson,
  runInfoJson,
  runJson,
} from './mlflowJson.ts';
import { MlflowParams, toDouble } from './mlflowRequest.ts';

const PREFIX = '/api/2.0/mlflow/';

const ADMIN_PATHS = new Set([
  'experiments/delete',
  'experiments/restore',
  'runs/delete',
  'runs/restore',
  'registered-models/delete',
  'model-versions/delete',
]);

/**
 * What an MLflow endpoint needs, as the same operation needs in GraphQL: reading (GET and the
 * POST searches), logging to runs (a launcher may), deleting (admin), or writing.
 */
export function mlflowScope(method: string, path: string): string {
  if (method === 'GET' || /(^|\/)search$|get-latest-versions$/.test(path)) return 'experiments:read';
  if (ADMIN_PATHS.has(path)) return 'experiments:admin';
  // A training job logs: its runs, and the experiment `mlflow.set_experiment` makes on first use.
  if (/^runs\/(create|update|log-[a-z-]+|set-tag|delete-tag)$|^experiments\/create$/.test(path))
    return 'experiments:log';
  return 'experiments:write';
}
const VIEWS: ViewType[] = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'];
const STATUSES: RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

type Handler = (p: MlflowParams, principal: Principal) => Promise<unknown>;

function view(p: MlflowParams, key: string): ViewType {
  const value = p.optionalString(key) ?? 'ACTIVE_ONLY';
  if (!VIEWS.includes(value as ViewType)) throw badUserInput(`${key} must be one of ${VIEWS.join(', ')}`);
  return value as ViewType;
}

function version(p: MlflowParams): number {
  const raw = p.string('version');
  if (!/^\d+$/.test(raw))
    throw badUserInput(
      `Invalid value ${JSON.stringify(raw)} for parameter 'version': expected a version number.`,
    );
  return Number(raw);
}

/**
 * The MLflow REST API 2.0 (tracking and model registry) over the experiments service, so the
 * official clients work with `MLFLOW_TRACKING_URI` set to Jarvis. Experiment "0", which
 * clients use when none is set, is the project's "Default" experiment.
 */
export function mlflowRestRoutes(service: ExperimentsService, maxBodyBytes: number): HttpRoute[] {
  const experimentId = async (principal: Principal, id: string) =>
    id === '0' ? (await service.defaultExperiment(principal)).id : id;

  const requireRun = async (principal: Principal, p: MlflowParams) => {
    const id = p.optionalString('run_id') ?? p.string('run_uuid');
    const run = await service.run(principal, id);
    if (!run) throw notFound(`Run with id=${id} not found`);
    return run;
  };

  const requireModel = async (principal: Principal, name: string) => {
    const model = await service.registeredModel(principal, name);
    if (!model) throw notFound(`Registered Model with name=${name} not found`);
    return model;
  };

  const requireVersion = async (principal: Principal, name: string, number: number) => {
    const found = await service.modelVersion(principal, name, number);
    if (!found) throw notFound(`Model Version (name=${name}, version=${number}) not found`);
    return found;
  };

  const modelJson = async (principal: Principal, name: string) => {
    const model = await requireModel(principal, name);
    const latest =
      model.latestVersion === null
        ? undefined
        : await service.modelVersion(principal, name, model.latestVersion);
    return registeredModelJson(model, latest);
  };

  const endpoints: [HttpRoute['method'], string, Handler][] = [
    // Experiments
    [
      'POST',
      'experiments/create',
      async (p, principal) => ({
        experiment_id: (await service.createExperiment(principal, p.string('name'), p.keyValues('tags'))).id,
      }),
    ],
    [
      'GET',
      'experiments/get',
      async (p, principal) => {
        const id = await experimentId(principal, p.string('experiment_id'));
        const experiment = await service.experiment(principal, id);
        if (!experiment) throw notFound(`No Experiment with id=${id} exists`);
        return { experiment: experimentJson(experiment) };
      },
    ],
    [
      'GET',
      'experiments/get-by-name',
      async (p, principal) => {
        const name = p.string('experiment_name');
        const experiment = await service.experimentByName(principal, name);
        if (!experiment) throw notFound(`Could not find experiment with name '${name}'`);
        return { experiment: experimentJson(experiment) };
      },
    ],
    [
      'POST',
      'experiments/search',
      async (p, principal) => {
        const page = await service.experimentPage(principal, {
          ...(p.optionalString('filter') ? { filter: p.optionalString('filter')! } : {}),
          view: view(p, 'view_type'),
          maxResults: p.optionalInteger('max_results') ?? 1000,
          ...(p.optionalString('page_token') ? { pageToken: p.optionalString('page_token')! } : {}),
        });
        return {
          experiments: page.experiments.map(experimentJson),
          ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
        };
      },
    ],
    [
      'POST',
      'experiments/update',
      async (p, principal) => {
        await service.renameExperiment(principal, p.string('experiment_id'), p.string('new_name'));
        return {};
      },
    ],
    [
      'POST',
      'experiments/delete',
      async (p, principal) => {
        await service.setExperimentDeleted(principal, p.string('experiment_id'), true);
        return {};
      },
    ],
    [
      'POST',
      'experiments/restore',
      async (p, principal) => {
        await service.setExperimentDeleted(principal, p.string('experiment_id'), false);
        return {};
      },
    ],
    [
      'POST',
      'experiments/delete-experiment-tag',
      async (p, principal) => {
        await service.deleteExperimentTag(principal, p.string('experiment_id'), p.string('key'));
        return {};
      },
    ],
    [
      'POST',
      'experiments/set-experiment-tag',
      async (p, principal) => {
        await service.setExperimentTag(
          principal,
          p.string('experiment_id'),
          p.string('key'),
          p.string('value'),
        );
        return {};
      },
    ],

    // Runs
    [
      'POST',
      'runs/create',
      async (p, principal) => {
        const tags = p.keyValues('tags');
        const user = p.optionalString('user_id');
        if (user && !tags.some((t) => t.key === 'mlflow.user'))
          tags.push({ key: 'mlflow.user', value: user });
        const startTime = p.optionalInteger('start_time');
        const run = await service.createRun(principal, {
          experimentId: await experimentId(principal, p.optionalString('experiment_id') ?? '0'),
          name: p.optionalString('run_name') ?? null,
          tags,
          startTime: startTime === undefined ? null : new Date(startTime),
        });
        return { run: runJson(run) };
      },
    ],
    ['GET', 'runs/get', async (p, principal) => ({ run: runJson(await requireRun(principal, p)) })],
    [
      'POST',
      'runs/update',
      async (p, principal) => {
        const run = await requireRun(principal, p);
        const status = p.optionalString('status');
        if (status !== undefined && !STATUSES.includes(status as RunStatus))
          throw badUserInput(`status must be one of ${STATUSES.join(', ')}`);
        const endTime = p.optionalInteger('end_time');
        const updated = await service.updateRun(principal, run.id, {
          status: (status as RunStatus | undefined) ?? null,
          endTime: endTime === undefined ? null : new Date(endTime),
          name: p.optionalString('run_name') ?? null,
        });
        return { run_info: runInfoJson(updated) };
      },
    ],
    [
      'POST',
      'runs/delete',
      async (p, principal) => {
        await service.setRunDeleted(principal, p.string('run_id'), true);
        return {};
      },
    ],
    [
      'POST',
      'runs/restore',
      async (p, principal) => {
        await service.setRunDeleted(principal, p.string('run_id'), false);
        return {};
      },
    ],
    [
      'POST',
      'runs/log-metric',
      async (p, principal) => {
        const run = await requireRun(principal, p);
        await service.logBatch(principal, run.id, {
          metrics: [
            {
              key: p.string('key'),
              value: p.double('value'),
              step: p.optionalInteger('step') ?? 0,
              timestamp: new Date(p.integer('timestamp')),
            },
          ],
        });
        return {};
      },
    ],
    [
      'POST',
      'runs/log-parameter',
      async (p, principal) => {
        const run = await requireRun(principal, p);
        await service.logBatch(principal, run.id, {
          params: [{ key: p.string('key'), value: p.optionalString('value') ?? '' }],
        });
        return {};
      },
    ],
    [
      'POST',
      'runs/set-tag',
      async (p, principal) => {
        const run = await requireRun(principal, p);
        await service.logBatch(principal, run.id, {
          tags: [{ key: p.string('key'), value: p.optionalString('value') ?? '' }],
        });
        return {};
      },
    ],
    [
      'POST',
      'runs/delete-tag',
      async (p, principal) => {
        await service.deleteRunTag(principal, p.string('run_id'), p.string('key'));
        return {};
      },
    ],
    [
      'POST',
      'runs/log-batch',
      async (p, principal) => {
        const metrics = p.objects('metrics').map((m) => {
          const metric = new MlflowParams(m);
          return {
            key: metric.string('key'),
            value: toDouble(m.value, 'value'),
            step: metric.optionalInteger('step') ?? 0,
            timestamp: new Date(metric.integer('timestamp')),
          };
        });
        await service.logBatch(principal, p.string('run_id'), {
          metrics,
          params: p.keyValues('params'),
          tags: p.keyValues('tags'),
        });
        return {};
      },
    ],
    [
      'POST',
      'runs/log-inputs',
      async (p, principal) => {
        // Dataset inputs are kept as tags until Jarvis tracks datasets as artifacts with lineage.
        const run = await requireRun(principal, p);
        const datasets = p.objects('datasets');
        if (datasets.length) {
          await service.logBatch(principal, run.id, {
            tags: datasets.map((d, i) => {
              const dataset = (d.dataset ?? {}) as Record<string, unknown>;
              return {
                key: `mlflow.dataset.${String(dataset.name ?? i)}`
                  .replace(/[^A-Za-z0-9_\-./ :]/g, '_')
                  .slice(0, 250),
                value: JSON.stringify(dataset).slice(0, 8000),
              };
            }),
          });
        }
        return {};
      },
    ],
    [
      'GET',
      'metrics/get-history',
      async (p, principal) => {
        const run = await requireRun(principal, p);
        // Pages as MLflow's do (the Python client follows next_page_token).
        const points = await service.metricHistory(principal, run, p.string('metric_key'));
        const maxResults = Math.min(p.optionalInteger('max_results') ?? 25_000, 25_000);
        if (maxResults < 1) throw badUserInput('max_results must be at least 1');
        const offset = decodePageToken(p.optionalString('page_token'));
        const next = offset + maxResults < points.length ? encodePageToken(offset + maxResults) : undefined;
        return {
          metrics: points.slice(offset, offset + maxResults).map(metricJson),
          ...(next ? { next_page_token: next } : {}),
        };
      },
    ],
    [
      'POST',
      'runs/search',
      async (p, principal) => {
        const ids = await Promise.all(p.strings('experiment_ids').map((id) => experimentId(principal, id)));
        const page = await service.runPage(principal, {
          experimentIds: ids,
          ...(p.optionalString('filter') ? { filter: p.optionalString('filter')! } : {}),
          orderBy: p.strings('order_by'),
          maxResults: p.optionalInteger('max_results') ?? 1000,
          ...(p.optionalString('page_token') ? { pageToken: p.optionalString('page_token')! } : {}),
          view: view(p, 'run_view_type'),
        });
        return {
          runs: page.runs.map(runJson),
          ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
        };
      },
    ],

    // MLflow 3 looks for logged models before falling back to run artifacts; Jarvis keeps
    // models as run artifacts and registry versions, so there are none to find.
    ['POST', 'logged-models/search', async () => ({ models: [] })],

    // Model registry
    [
      'POST',
      'registered-models/create',
      async (p, principal) => {
        const model = await service.createRegisteredModel(
          principal,
          p.string('name'),
          p.optionalString('description'),
          p.keyValues('tags'),
        );
        return { registered_model: registeredModelJson(model) };
      },
    ],
    [
      'GET',
      'registered-models/get',
      async (p, principal) => ({ registered_model: await modelJson(principal, p.string('name')) }),
    ],
    [
      'POST',
      'registered-models/rename',
      async (p, principal) => {
        const model = await service.renameRegisteredModel(principal, p.string('name'), p.string('new_name'));
        return { registered_model: await modelJson(principal, model.name) };
      },
    ],
    [
      'PATCH',
      'registered-models/update',
      async (p, principal) => {
        await service.updateRegisteredModel(
          principal,
          p.string('name'),
          p.optionalString('description') ?? '',
        );
        return { registered_model: await modelJson(principal, p.string('name')) };
      },
    ],
    [
      'DELETE',
      'registered-models/delete',
      async (p, principal) => {
        await service.deleteRegisteredModel(principal, p.string('name'));
        return {};
      },
    ],
    [
      'GET',
      'registered-models/search',
      async (p, principal) => {
        const page = await service.registeredModelPage(principal, {
          ...(p.optionalString('filter') ? { filter: p.optionalString('filter')! } : {}),
          maxResults: p.optionalInteger('max_results') ?? 100,
          ...(p.optionalString('page_token') ? { pageToken: p.optionalString('page_token')! } : {}),
        });
        return {
          registered_models: await Promise.all(page.items.map((m) => modelJson(principal, m.name))),
          ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
        };
      },
    ],
    [
      'POST',
      'registered-models/get-latest-versions',
      async (p, principal) => {
        // Stages are deprecated in MLflow; every version is in stage "None".
        const model = await requireModel(principal, p.string('name'));
        const stages = p.strings('stages').map((s) => s.toLowerCase());
        const latest =
          model.latestVersion === null || (stages.length && !stages.includes('none'))
            ? undefined
            : await service.modelVersion(principal, model.name, model.latestVersion);
        return { model_versions: latest ? [modelVersionJson(latest)] : [] };
      },
    ],
    [
      'POST',
      'registered-models/set-tag',
      async (p, principal) => {
        await service.setRegisteredModelTag(
          principal,
          p.string('name'),
          p.string('key'),
          p.optionalString('value') ?? '',
        );
        return {};
      },
    ],
    [
      'DELETE',
      'registered-models/delete-tag',
      async (p, principal) => {
        await service.setRegisteredModelTag(principal, p.string('name'), p.string('key'), null);
        return {};
      },
    ],
    [
      'POST',
      'registered-models/alias',
      async (p, principal) => {
        await service.setModelAlias(principal, p.string('name'), p.string('alias'), version(p));
        return {};
      },
    ],
    [
      'DELETE',
      'registered-models/alias',
      async (p, principal) => {
        await service.deleteModelAlias(principal, p.string('name'), p.string('alias'));
        return {};
      },
    ],
    [
      'GET',
      'registered-models/alias',
      async (p, principal) => {
        const name = p.string('name');
        const alias = p.string('alias');
        const found = await service.modelVersionByAlias(principal, name, alias);
        if (!found) throw notFound(`Registered model alias ${alias} not found.`);
        return { model_version: modelVersionJson(found) };
      },
    ],
    [
      'POST',
      'model-versions/create',
      async (p, principal) => {
        const created = await service.createModelVersion(principal, {
          name: p.string('name'),
          source: p.string('source'),
          runId: p.optionalString('run_id') || null,
          description: p.optionalString('description') ?? null,
          tags: p.keyValues('tags'),
        });
        return { model_version: modelVersionJson(created) };
      },
    ],
    [
      'GET',
      'model-versions/get',
      async (p, principal) => ({
        model_version: modelVersionJson(await requireVersion(principal, p.string('name'), version(p))),
      }),
    ],
    [
      'PATCH',
      'model-versions/update',
      async (p, principal) => ({
        model_version: modelVersionJson(
          await service.updateModelVersion(
            principal,
            p.string('name'),
            version(p),
            p.optionalString('description') ?? '',
          ),
        ),
      }),
    ],
    [
      'DELETE',
      'model-versions/delete',
      async (p, principal) => {
        await service.deleteModelVersion(principal, p.string('name'), version(p));
        return {};
      },
    ],
    [
      'GET',
      'model-versions/search',
      async (p, principal) => {
        const page = await service.modelVersionPage(principal, {
          ...(p.optionalString('filter') ? { filter: p.optionalString('filter')! } : {}),
          maxResults: p.optionalInteger('max_results') ?? 1000,
          ...(p.optionalString('page_token') ? { pageToken: p.optionalString('page_token')! } : {}),
        });
        return {
          model_versions: page.items.map(modelVersionJson),
          ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
        };
      },
    ],
    [
      'GET',
      'model-versions/get-download-uri',
      async (p, principal) => ({
        artifact_uri: (await requireVersion(principal, p.string('name'), version(p))).source,
      }),
    ],
    [
      'POST',
      'model-versions/set-tag',
      async (p, principal) => {
        await service.setModelVersionTag(
          principal,
          p.string('name'),
          version(p),
          p.string('key'),
          p.optionalString('value') ?? '',
        );
        return {};
      },
    ],
    [
      'DELETE',
      'model-versions/delete-tag',
      async (p, principal) => {
        await service.setModelVersionTag(principal, p.string('name'), version(p), p.string('key'), null);
        return {};
      },
    ],
  ];

  const routes = endpoints.map(([method, path, handle]) =>
    mlflowRoute(
      method,
      `${PREFIX}${path}`,
      mlflowScope(method, path),
      async (request: Request, context: RequestContext) =>
        Response.json(await handle(await MlflowParams.of(request, maxBodyBytes), context.principal)),
    ),
  );
  // Anything else under the API answers as MLflow does for an endpoint it lacks, so clients
  // report it plainly instead of failing to parse a foreign error.
  const missing = (method: HttpRoute['method']): HttpRoute => ({
    method,
    path: `${PREFIX}*`,
    scope: 'authenticated',
    handler: async (request) =>
      Response.json(
        {
          error_code: 'ENDPOINT_NOT_FOUND',
          message: `Jarvis does not implement ${method} ${new URL(request.url).pathname} of the MLflow API; see docs/experiments.md in Jarvis for what it serves`,
        },
        { status: 404 },
      ),
  });
  return [...routes, ...(['GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'HEAD'] as const).map(missing)];
}
