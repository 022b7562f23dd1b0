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

/**
 * What the client asks before large artifact transfers (and workspaces). On S3, Jarvis's
 * artifact proxy hands out presigned part URLs and downloads, so large files go straight to the
 * bucket: the client is told to use them, as MLflow's own server over S3 tells it. On the local
 * store the bytes pass through Jarvis either way, and one streamed request is the faster path
 * (multipart would write them twice), so it says no, as MLflow's server over a folder does; the
 * multipart and presigned routes still answer a client that forces them.
 */
export function serverInfoEndpoint(storage: 'local' | 's3'): MlflowEndpoint {
  const direct = storage === 's3';
  return {
    method: 'GET',
    path: '/api/3.0/mlflow/server-info',
    scope: 'authenticated',
    handle: async () => ({
      store_type: 'SqlStore',
      workspaces_enabled: false,
      trace_archival_enabled: false,
      multipart_uploads_enabled: direct,
      multipart_downloads_enabled: direct,
      // The request contract (run_id and model_id) is served; repositories say per resource.
      presigned_upload_run_id_supported: true,
      presigned_upload_model_id_supported: true,
      features_enabled: { gateway: false },
    }),
  };
}
