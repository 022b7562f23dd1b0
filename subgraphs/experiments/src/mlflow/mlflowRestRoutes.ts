import type { Principal } from '@jarvis/context';
import { badUserInput, JarvisError, notFound } from '@jarvis/errors';
import { type HttpRoute, MlflowParams } from '@jarvis/subgraph';
import type { LoggedModelService } from '../loggedModelService.ts';
import { modelIdOfSource } from '../modelIdOfVersion.ts';
import type { ExperimentsService } from '../service.ts';
import { decodePageToken, encodePageToken } from '../store/pageToken.ts';
import type { RunStatus, ViewType } from '../store/trackingStore.ts';
import type { MlflowEndpoint } from './mlflowApiRoutes.ts';
import {
  experimentJson,
  listField,
  loggedModelJson,
  metricJson,
  modelVersionJson,
  registeredModelJson,
  runInfoJson,
  runJson,
} from './mlflowJson.ts';

const PREFIX = '/api/2.0/mlflow/';
const pairs = (items: { key: string; value: string }[]) =>
  Object.fromEntries(items.map((i) => [i.key, i.value]));

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
  if (method === 'GET' || /(^|\/)search(-datasets)?$|get-latest-versions$/.test(path))
    return 'experiments:read';
  if (ADMIN_PATHS.has(path)) return 'experiments:admin';
  // A training job logs: its runs, the experiment `mlflow.set_experiment` makes on first use,
  // and the models `log_model` makes (but deleting them is writing).
  if (
    /^runs\/(create|update|log-[a-z-]+|set-tag|delete-tag|outputs)$|^experiments\/create$/.test(path) ||
    (method !== 'DELETE' && /^logged-models(\/\{model_id\}(\/params|\/tags)?)?$/.test(path))
  )
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
export function mlflowRestRoutes(service: ExperimentsService, models: LoggedModelService): MlflowEndpoint[] {
  const experimentId = (principal: Principal, id: string) => service.mlflowExperimentId(principal, id);

  const requireRun = async (principal: Principal, p: MlflowParams) => {
    const id = p.optionalString('run_id') ?? p.string('run_uuid');
    const run = await service.run(principal, id);
    if (!run) throw notFound(`Run with id=${id} not found`);
    return run;
  };

  const requireLoggedModel = async (principal: Principal, p: MlflowParams) => {
    const id = p.string('model_id');
    const model = await models.get(principal, id);
    if (!model) throw notFound(`Logged model with ID '${id}' not found.`);
    return model;
  };

  /**
   * MLflow's rule for a version's source: inside the artifacts of the run (or logged model)
   * the request names, so no one registers files they did not log. Other URIs (s3://, a
   * Jarvis artifact) are taken as given.
   */
  const checkSource = async (principal: Principal, source: string, runId?: string, modelId?: string) => {
    const invalid = (by: string) =>
      badUserInput(
        `Invalid model version source: '${source}'. The ${by} request parameter must identify the resource that contains the source.`,
      );
    const within = (root: string) => source === root || source.startsWith(`${root.replace(/\/+$/, '')}/`);
    const fromModel = modelIdOfSource(source);
    if (fromModel !== undefined) {
      if (modelId !== fromModel) throw invalid('model_id');
      // An MLflow backend's registry checks its own logged models.
      if (models.kept && !(await models.get(principal, modelId)))
        throw notFound(`Logged model with ID '${modelId}' not found.`);
      return;
    }
    if (source.split('/').includes('..')) throw invalid(modelId ? 'model_id' : 'run_id');
    const runsUri = /^runs:\/([0-9a-f]{32})(\/|$)/.exec(source)?.[1];
    if (runsUri !== undefined) {
      if (runsUri !== runId) throw invalid('run_id');
      return;
    }
    if (
      /^mlflow-artifacts:/.test(source) ||
      !/^[a-z][a-z0-9+.-]*:/i.test(source) ||
      source.startsWith('file:')
    ) {
      if (modelId && models.kept) {
        const model = await models.get(principal, modelId);
        if (model && within(model.artifactLocation)) return;
        throw invalid('model_id');
      }
      const run = runId ? await service.run(principal, runId) : undefined;
      if (run && within(run.artifactUri)) return;
      throw invalid('run_id');
    }
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

  /** One metric of log-metric or log-batch; `model_id` links it to a logged model too. */
  const metricOf = (m: MlflowParams, at = '') => ({
    key: m.string('key', at),
    value: m.double('value', at),
    step: m.optionalInteger('step') ?? 0,
    timestamp: new Date(m.integer('timestamp', at)),
    modelId: m.optionalString('model_id') || undefined,
    datasetName: m.optionalString('dataset_name') || null,
    datasetDigest: m.optionalString('dataset_digest') || null,
  });

  /** Logs to the run, and the points naming a model to that model too (an unknown model logs nothing). */
  const logMetrics = async (
    principal: Principal,
    runId: string,
    metrics: ReturnType<typeof metricOf>[],
    rest: { params?: { key: string; value: string }[]; tags?: { key: string; value: string }[] } = {},
  ) => {
    const linked = metrics.filter((m) => m.modelId);
    const ids = [...new Set(linked.map((m) => m.modelId!))];
    if (ids.length && models.kept) {
      const found = new Set((await models.getMany(principal, ids)).map((m) => m.id));
      const unknown = ids.find((id) => !found.has(id));
      if (unknown) throw notFound(`Logged model with ID '${unknown}' not found.`);
    }
    await service.logBatch(principal, runId, { metrics, ...rest });
    await models.logMetrics(
      principal,
      linked.map((m) => ({
        key: m.key,
        value: m.value,
        timestamp: m.timestamp.getTime(),
        step: m.step,
        runId,
        modelId: m.modelId!,
        datasetName: m.datasetName,
        datasetDigest: m.datasetDigest,
      })),
    );
  };

  const endpoints: [HttpRoute['method'], string, Handler][] = [
    // Experiments
    [
      'POST',
      'experiments/create',
      async (p, principal) => ({
        experiment_id: (
          await service.createExperiment(
            principal,
            p.string('name'),
            p.keyValues('tags'),
            p.optionalString('artifact_location'),
          )
        ).id,
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
          ...listField('experiments', page.experiments.map(experimentJson)),
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
        // As MLflow: deleting a tag the experiment lacks is not an error.
        await service
          .deleteExperimentTag(principal, p.string('experiment_id'), p.string('key'))
          .catch((error) => {
            if (
              !(
                error instanceof JarvisError &&
                error.code === 'NOT_FOUND' &&
                error.extensions.argument === 'key'
              )
            )
              throw error;
          });
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
          p.optionalString('value') ?? '',
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
        return { run: runJson(run, undefined, true) };
      },
    ],
    [
      'GET',
      'runs/get',
      async (p, principal) => {
        const run = await requireRun(principal, p);
        return { run: runJson(run, (await models.runIo(principal, [run.id])).get(run.id)) };
      },
    ],
    [
      'POST',
      'runs/update',
      async (p, principal) => {
        const run = await requireRun(principal, p);
        // MLflow parses requests as protobuf, which drops an enum value it does not know.
        const given = p.optionalString('status');
        const status = given !== undefined && STATUSES.includes(given as RunStatus) ? given : undefined;
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
        await logMetrics(principal, run.id, [metricOf(p)]);
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
        const metrics = p.objects('metrics').map((m, i) => metricOf(new MlflowParams(m), `metrics[${i}].`));
        await logMetrics(principal, p.string('run_id'), metrics, {
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
        const run = await requireRun(principal, p);
        const datasets = p.objects('datasets').map((d, i) => {
          const input = new MlflowParams(d);
          const dataset = new MlflowParams(input.object('dataset'));
          const at = `datasets[${i}].dataset.`;
          return {
            dataset: {
              name: dataset.string('name', at),
              digest: dataset.string('digest', at),
              sourceType: dataset.string('source_type', at),
              source: dataset.string('source', at),
              schema: dataset.optionalString('schema') ?? null,
              profile: dataset.optionalString('profile') ?? null,
            },
            tags: input.keyValues('tags'),
          };
        });
        const inputs = p.objects('models').map((m) => new MlflowParams(m).string('model_id'));
        await models.logInputs(principal, run.id, datasets, inputs);
        return {};
      },
    ],
    [
      'POST',
      'runs/log-model',
      async (p, principal) => {
        // MLflow 2's record of a logged model: appended to the run's mlflow.log-model.history tag.
        const run = await requireRun(principal, p);
        const text = p.string('model_json');
        let model: unknown;
        try {
          model = JSON.parse(text);
        } catch {
          throw badUserInput(`Malformed model info. \n ${text.slice(0, 200)} \n is not a valid JSON.`);
        }
        const missing = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'].filter(
          (k) => typeof model !== 'object' || model === null || !(k in model),
        );
        if (missing.length)
          throw badUserInput(
            `Model json is missing mandatory fields: {${missing.map((k) => `'${k}'`).join(', ')}}`,
          );
        const history = JSON.parse(run.tags['mlflow.log-model.history'] ?? '[]') as unknown[];
        await service.logBatch(principal, run.id, {
          tags: [{ key: 'mlflow.log-model.history', value: JSON.stringify([...history, model]) }],
        });
        return {};
      },
    ],
    [
      'POST',
      'runs/outputs',
      async (p, principal) => {
        const run = await requireRun(principal, p);
        await models.logOutputs(
          principal,
          run.id,
          p.objects('models').map((m) => {
            const output = new MlflowParams(m);
            return { modelId: output.string('model_id'), step: output.optionalInteger('step') ?? 0 };
          }),
        );
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
          ...listField('metrics', points.slice(offset, offset + maxResults).map(metricJson)),
          ...(next ? { next_page_token: next } : {}),
        };
      },
    ],
    [
      'GET',
      'metrics/get-history-bulk-interval',
      async (p, principal) => {
        const ids = p.strings('run_ids');
        if (!ids.length)
          throw badUserInput('GetMetricHistoryBulkInterval request must specify at least one run_id.');
        if (ids.length > 100)
          throw badUserInput(
            `GetMetricHistoryBulkInterval request cannot specify more than 100 run_ids. Received ${ids.length} run_ids.`,
          );
        const key = p.string('metric_key');
        const maxResults = p.optionalInteger('max_results') ?? 320;
        if (maxResults < 1 || maxResults > 1000)
          throw badUserInput(`max_results must be between 1 and 1000, got ${maxResults}.`);
        const start = p.optionalInteger('start_step');
        const end = p.optionalInteger('end_step');
        if ((start === undefined) !== (end === undefined))
          throw badUserInput('If either start step or end step are specified, both must be specified.');
        if (start !== undefined && end !== undefined && end < start)
          throw badUserInput('end_step must be greater than start_step. ');
        const histories = await Promise.all(
          ids.map(async (id) => {
            const run = await service.run(principal, id);
            if (!run) throw notFound(`Run with id=${id} not found`);
            const points = (await service.metricHistory(principal, run, key)).filter(
              (m) => start === undefined || (m.step >= start && m.step <= end!),
            );
            return points.map((m) => ({ ...metricJson(m), run_id: run.id }));
          }),
        );
        // The same steps for every run, spread evenly from the first to the last (MLflow's sampling).
        const steps = [...new Set(histories.flat().map((m) => m.step))].sort((a, b) => a - b);
        const keep = new Set(
          steps.length <= maxResults
            ? steps
            : Array.from(
                { length: maxResults },
                (_, i) => steps[Math.round((i * (steps.length - 1)) / (maxResults - 1))],
              ),
        );
        return listField(
          'metrics',
          histories.flat().filter((m) => keep.has(m.step)),
        );
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
        const io = await models.runIo(
          principal,
          page.runs.map((r) => r.id),
        );
        return {
          ...(page.runs.length ? { runs: page.runs.map((r) => runJson(r, io.get(r.id))) } : {}),
          ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
        };
      },
    ],

    // Logged models (MLflow 3): what `log_model` makes, with its own artifact location.
    [
      'POST',
      'logged-models',
      async (p, principal) => {
        const model = await models.create(principal, {
          experimentId: await experimentId(principal, p.string('experiment_id')),
          name: p.optionalString('name'),
          modelType: p.optionalString('model_type'),
          sourceRunId: p.optionalString('source_run_id'),
          params: pairs(p.keyValues('params')),
          tags: pairs(p.keyValues('tags')),
        });
        return { model: loggedModelJson(model) };
      },
    ],
    [
      'GET',
      'logged-models/{model_id}',
      async (p, principal) => ({ model: loggedModelJson(await requireLoggedModel(principal, p)) }),
    ],
    [
      'PATCH',
      'logged-models/{model_id}',
      async (p, principal) => {
        p.string('model_id');
        const status = p.optionalString('status') ?? '';
        return { model: loggedModelJson(await models.finalize(principal, p.string('model_id'), status)) };
      },
    ],
    [
      'DELETE',
      'logged-models/{model_id}',
      async (p, principal) => {
        await models.delete(principal, p.string('model_id'));
        return {};
      },
    ],
    [
      'POST',
      'logged-models/{model_id}/params',
      async (p, principal) => {
        await models.logParams(principal, p.string('model_id'), pairs(p.keyValues('params')));
        return {};
      },
    ],
    [
      'PATCH',
      'logged-models/{model_id}/tags',
      async (p, principal) => {
        await models.setTags(principal, p.string('model_id'), pairs(p.keyValues('tags')));
        return {};
      },
    ],
    [
      'DELETE',
      'logged-models/{model_id}/tags/{tag_key}',
      async (p, principal) => {
        await models.deleteTag(principal, p.string('model_id'), p.string('tag_key'));
        return {};
      },
    ],
    [
      'POST',
      'logged-models/search',
      async (p, principal) => {
        const found = await models.search(principal, {
          experimentIds: await Promise.all(
            p.strings('experiment_ids').map((id) => experimentId(principal, id)),
          ),
          filter: p.optionalString('filter'),
          orderBy: p.objects('order_by').map((o) => {
            const order = new MlflowParams(o);
            return {
              field: order.string('field_name'),
              ascending: o.ascending !== false,
              datasetName: order.optionalString('dataset_name'),
              datasetDigest: order.optionalString('dataset_digest'),
            };
          }),
          maxResults: p.optionalInteger('max_results') ?? 50,
          pageToken: p.optionalString('page_token'),
        });
        return {
          ...listField('models', found.models.map(loggedModelJson)),
          ...(found.nextPageToken ? { next_page_token: found.nextPageToken } : {}),
        };
      },
    ],
    [
      'POST',
      'experiments/search-datasets',
      async (p, principal) => {
        const ids = await Promise.all(p.strings('experiment_ids').map((id) => experimentId(principal, id)));
        const datasets = await models.searchDatasets(principal, ids);
        return listField(
          'dataset_summaries',
          datasets.map((d) => ({
            experiment_id: d.experimentId,
            name: d.name,
            digest: d.digest,
            ...(d.context ? { context: d.context } : {}),
          })),
        );
      },
    ],

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
          orderBy: p.strings('order_by'),
          maxResults: p.optionalInteger('max_results') ?? 100,
          ...(p.optionalString('page_token') ? { pageToken: p.optionalString('page_token')! } : {}),
        });
        return {
          ...listField(
            'registered_models',
            await Promise.all(page.items.map((m) => modelJson(principal, m.name))),
          ),
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
        return listField('model_versions', latest ? [modelVersionJson(latest)] : []);
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
        // MLflow answers a missing alias as a bad parameter, not a missing resource.
        if (!found) throw badUserInput(`Registered model alias ${alias} not found.`);
        return { model_version: modelVersionJson(found) };
      },
    ],
    [
      'POST',
      'model-versions/create',
      async (p, principal) => {
        const name = p.string('name');
        const source = p.string('source');
        const runId = p.optionalString('run_id') || undefined;
        const modelId = p.optionalString('model_id') || undefined;
        await requireModel(principal, name);
        await checkSource(principal, source, runId, modelId);
        const created = await service.createModelVersion(principal, {
          name,
          source,
          runId: runId ?? null,
          modelId: modelId ?? null,
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
          orderBy: p.strings('order_by'),
          maxResults: p.optionalInteger('max_results') ?? 1000,
          ...(p.optionalString('page_token') ? { pageToken: p.optionalString('page_token')! } : {}),
        });
        return {
          ...listField(
            'model_versions',
            page.items.map((v) => modelVersionJson(v)),
          ),
          ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
        };
      },
    ],
    [
      'GET',
      'model-versions/get-download-uri',
      async (p, principal) => {
        const found = await requireVersion(principal, p.string('name'), version(p));
        // A version registered from a logged model downloads that model's files.
        const modelId = modelIdOfSource(found.source);
        const model = modelId ? await models.get(principal, modelId) : undefined;
        return { artifact_uri: model?.artifactLocation ?? found.source };
      },
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

  // MLflow's server answers these two on GET as well as POST.
  for (const path of ['experiments/search', 'registered-models/get-latest-versions']) {
    const post = endpoints.find(([method, p]) => method === 'POST' && p === path)!;
    endpoints.push(['GET', path, post[2]]);
  }
  return endpoints.map(
    ([method, path, handle]): MlflowEndpoint => ({
      method,
      path: `${PREFIX}${path}`,
      scope: mlflowScope(method, path),
      handle,
    }),
  );
}
