import type { Principal } from '@jarvis/context';
import { badUserInput, notFound } from '@jarvis/errors';
import type { MlflowParams } from '@jarvis/subgraph';
import type { LoggedModelService } from '../loggedModelService.ts';
import type { ExperimentsService } from '../service.ts';
import type { MlflowEndpoint } from './mlflowApiRoutes.ts';

const API = '/api/2.0/mlflow/artifacts';
const MAX_EXPIRATION = 604_800;

/** MLflow's `validate_path_is_safe`: relative, `/`-separated, no `..`, no `#`. */
function safePath(path: string): string {
  if (
    path.includes('#') ||
    path.includes('\\') ||
    path.split('/').includes('..') ||
    path.startsWith('/') ||
    /^[A-Za-z]:/.test(path)
  )
    throw badUserInput('Invalid path');
  return path;
}

/**
 * MLflow's presigned URLs into a run's (or logged model's) own cloud storage, for clients that
 * write there directly (SageMaker's). Every run Jarvis keeps stores its artifacts behind the
 * artifact proxy (`mlflow-artifacts:`), which MLflow's own server refuses to presign this way:
 * so does Jarvis, after the same checks, in the same words. Large files go through the proxy's
 * multipart uploads and presigned downloads instead (`/api/2.0/mlflow-artifacts/mpu|presigned`).
 */
export function presignedUrlEndpoints(
  service: ExperimentsService,
  models: LoggedModelService,
): MlflowEndpoint[] {
  const refuse = (uri: string, what: 'upload' | 'download') => {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase() ?? '';
    if (['http', 'https', 'mlflow-artifacts'].includes(scheme))
      return badUserInput(
        what === 'upload'
          ? `Presigned upload is not supported for proxied artifact storage (artifact URI scheme: ${scheme}). This endpoint requires a direct cloud storage artifact URI.`
          : `Presigned download is not supported for runs with proxied artifact storage (artifact URI scheme: ${scheme}). This endpoint requires a run with a direct cloud storage artifact URI.`,
      );
    return badUserInput(
      `Jarvis does not presign URLs into ${uri}, a location it does not manage; use that store's own credentials`,
    );
  };
  const runUri = async (principal: Principal, id: string) => {
    const run = await service.run(principal, id);
    if (!run) throw notFound(`Run with id=${id} not found`);
    return run.artifactUri;
  };
  const expiration = (p: MlflowParams) => p.optionalInteger('expiration');

  return [
    {
      method: 'POST',
      path: `${API}/presigned-upload-url`,
      scope: 'experiments:log',
      async handle(p, principal) {
        const runId = p.optionalString('run_id');
        const modelId = p.optionalString('model_id');
        p.string('path');
        expiration(p);
        if (Boolean(runId) === Boolean(modelId))
          throw badUserInput('Exactly one of run_id and model_id must be provided.');
        safePath(p.string('path'));
        if (runId) throw refuse(await runUri(principal, runId), 'upload');
        const model = await models.get(principal, modelId!);
        if (!model) throw notFound(`Logged model with ID '${modelId}' not found.`);
        throw refuse(model.artifactLocation, 'upload');
      },
    },
    {
      method: 'POST',
      path: `${API}/presigned-download-url`,
      scope: 'experiments:read',
      async handle(p, principal) {
        const runId = p.string('run_id');
        p.string('path');
        const seconds = expiration(p) ?? 300;
        if (seconds < 1 || seconds > MAX_EXPIRATION)
          throw badUserInput(`expiration must be between 1 and ${MAX_EXPIRATION} seconds (got ${seconds}).`);
        safePath(p.string('path'));
        throw refuse(await runUri(principal, runId), 'download');
      },
    },
  ];
}
