import type { MlflowEndpoint } from './mlflowApiRoutes.ts';

/**
 * The MLflow release whose REST API Jarvis serves. Clients read `GET /version` to pick
 * features: from 3.4 the Python client sends trace spans to `/v1/traces` as they end.
 */
export const MLFLOW_API_VERSION = '3.17.2';

export const versionEndpoint: MlflowEndpoint = {
  method: 'GET',
  path: '/version',
  scope: 'authenticated',
  handle: async () =>
    new Response(MLFLOW_API_VERSION, { headers: { 'content-type': 'text/plain; charset=utf-8' } }),
};
