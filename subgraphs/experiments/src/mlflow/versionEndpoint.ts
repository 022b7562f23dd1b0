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
 * What the client asks before large artifact transfers (and workspaces): Jarvis's artifact
 * proxy takes multipart uploads and hands out presigned downloads (straight to S3, or signed
 * URLs of its own on the local store), so large files do not stream through one request.
 */
export const serverInfoEndpoint: MlflowEndpoint = {
  method: 'GET',
  path: '/api/3.0/mlflow/server-info',
  scope: 'authenticated',
  handle: async () => ({
    store_type: 'SqlStore',
    workspaces_enabled: false,
    trace_archival_enabled: false,
    multipart_uploads_enabled: true,
    multipart_downloads_enabled: true,
    // The request contract (run_id and model_id) is served; repositories say per resource.
    presigned_upload_run_id_supported: true,
    presigned_upload_model_id_supported: true,
    features_enabled: { gateway: false },
  }),
};
