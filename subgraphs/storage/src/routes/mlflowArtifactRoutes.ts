import type { Principal } from '@jarvis/context';
import { badUserInput, notFound } from '@jarvis/errors';
import { type HttpRoute, MlflowParams, mlflowRoute, requestBody, streamResponse } from '@jarvis/subgraph';
import { cleanPath, runIdOfPath } from '../mlflow/mlflowArtifactPath.ts';
import type { ArtifactRecord } from '../records.ts';
import type { StorageService } from '../service.ts';
import { publicOrigin } from './publicOrigin.ts';
import { signedPath } from './storageRoutes.ts';
import type { UrlSigner } from './urlSigner.ts';

const ROOT = '/api/2.0/mlflow-artifacts/artifacts';
const MPU = '/api/2.0/mlflow-artifacts/mpu';
const PRESIGNED = '/api/2.0/mlflow-artifacts/presigned';
/** How long a presigned download lasts (MLflow's MLFLOW_PRESIGNED_DOWNLOAD_URL_TTL_SECONDS default is 5 min; its client asks again on failure). */
const DOWNLOAD_URL_SECONDS = 3600;
const MEDIA_TYPE = /^[\w.+-]+\/[\w.+-]+$/;

/** MLflow's FileInfo list for the direct children of `dir`, as `prefix` + name: files with sizes, folders once. */
function children(dir: string, artifacts: ArtifactRecord[], prefix = '') {
  const seen = new Set<string>();
  const files: { path: string; is_dir: boolean; file_size?: number }[] = [];
  for (const artifact of artifacts) {
    const rest = artifact.name.slice(dir ? dir.length + 1 : 0);
    const slash = rest.indexOf('/');
    const child = slash < 0 ? rest : rest.slice(0, slash);
    if (!child || seen.has(child)) continue;
    seen.add(child);
    const path = `${prefix}${child}`;
    files.push(slash < 0 ? { path, is_dir: false, file_size: artifact.size } : { path, is_dir: true });
  }
  return files;
}

/**
 * MLflow's artifact proxy on the storage subgraph: `mlflow.log_artifact` PUTs files here,
 * downloads and listings read them back, and every file is a versioned storage artifact
 * linked to its run (so `Run.artifacts` shows what the Python client logged).
 */
export function mlflowArtifactRoutes(
  service: StorageService,
  signer: UrlSigner,
  maxBodyBytes: number,
): HttpRoute[] {
  const routes = [...proxyRoutes(service), ...transferRoutes(service, signer, maxBodyBytes)];
  // MLflow's web UI calls the same endpoints under /ajax-api.
  return [...routes, ...routes.map((r) => ({ ...r, path: r.path.replace(/^\/api\//, '/ajax-api/') }))];
}

/** The artifact path after `prefix` in the request's URL (under /api or /ajax-api). */
function pathAfter(request: Request, prefix: string): string {
  const { pathname } = new URL(request.url);
  const encoded = pathname.slice(pathname.indexOf(prefix) + prefix.length + 1);
  let decoded: string;
  try {
    decoded = decodeURIComponent(encoded);
  } catch {
    throw badUserInput(`the artifact path ${JSON.stringify(encoded)} has a malformed %-escape`);
  }
  return cleanPath(decoded);
}

function proxyRoutes(service: StorageService): HttpRoute[] {
  const pathOf = (request: Request) => pathAfter(request, ROOT);

  return [
    mlflowRoute('PUT', `${ROOT}/*`, 'storage:log', async (request, context) => {
      const path = pathOf(request);
      const body = requestBody(request);
      if (!body) throw badUserInput('the artifact has no body');
      const mediaType = request.headers.get('content-type')?.split(';')[0]?.trim();
      const runId = runIdOfPath(path);
      await service.storeStream(
        context.principal,
        {
          name: path,
          kind: 'OTHER',
          contentType: mediaType && MEDIA_TYPE.test(mediaType) ? mediaType : 'application/octet-stream',
          metadata: { mlflowPath: path },
          component: 'mlflow',
          ...(runId ? { runId } : {}),
        },
        body,
        'mlflow',
      );
      return new Response(null, { status: 200 });
    }),

    mlflowRoute('GET', `${ROOT}/*`, 'storage:read', async (request, context) => {
      const path = pathOf(request);
      const artifact = await service.artifactByName(context.principal, path, null, null, 'mlflow');
      if (!artifact) throw notFound(`no artifact at ${JSON.stringify(path)}`);
      const opened = await service.openContent(context.principal, artifact.id);
      if (!opened) throw notFound(`no artifact at ${JSON.stringify(path)}`);
      return streamResponse(opened.body, {
        headers: {
          'content-type': artifact.contentType,
          'content-length': String(artifact.size),
          etag: `"${artifact.sha256}"`,
        },
      });
    }),

    mlflowRoute('GET', ROOT, 'storage:read', async (request, context) => {
      const dir = cleanPath(new URL(request.url).searchParams.get('path') ?? '');
      const artifacts = await service.latestUnder(context.principal, dir ? `${dir}/` : '');
      return Response.json({ files: children(dir, artifacts) });
    }),

    mlflowRoute('DELETE', `${ROOT}/*`, 'storage:admin', async (request, context) => {
      const path = pathOf(request);
      const exact = await service
        .artifactByName(context.principal, path, null, null, 'mlflow')
        .catch(() => undefined);
      const artifacts = [
        ...(exact ? [exact] : []),
        ...(await service.latestUnder(context.principal, `${path}/`)),
      ];
      if (!artifacts.length) throw notFound(`no artifact at ${JSON.stringify(path)}`);
      for (const artifact of artifacts) await service.deleteName(context.principal, artifact.name);
      return Response.json({});
    }),

    // The tracking server's listing by run, for clients that list through /api/2.0/mlflow.
    mlflowRoute('GET', '/api/2.0/mlflow/artifacts/list', 'storage:read', async (request, context) => {
      const params = new URL(request.url).searchParams;
      const runId = params.get('run_id') ?? params.get('run_uuid') ?? '';
      if (!/^[0-9a-f]{32}$/.test(runId))
        throw badUserInput('run_id must be a run id', { argument: 'run_id' });
      const sub = cleanPath(params.get('path') ?? '');
      const sample = (await service.list(context.principal, { runId }, undefined, 1)).edges[0]?.node;
      const root = sample ? /^(\d+\/[0-9a-f]{32}\/artifacts)/.exec(sample.name)?.[1] : undefined;
      if (!root) return Response.json({ files: [] });
      const dir = sub ? `${root}/${sub}` : root;
      return Response.json({
        root_uri: `mlflow-artifacts:/${root}`,
        files: children(dir, await service.latestUnder(context.principal, `${dir}/`), sub ? `${sub}/` : ''),
      });
    }),
  ];
}

/**
 * MLflow's direct transfers, which its client uses once `/api/3.0/mlflow/server-info` says so:
 * multipart uploads (`mpu/create|complete|abort`, parts PUT to the URLs handed out) and
 * presigned downloads (`presigned/<path>`, then ranged GETs). On S3 the URLs go straight to the
 * bucket; on the local store they are Jarvis's own, signed, so no credentials travel with them.
 */
function transferRoutes(service: StorageService, signer: UrlSigner, maxBodyBytes: number): HttpRoute[] {
  /** An absolute URL the client can use bare: S3's as is, Jarvis's signed on its public origin. */
  const usable = (
    request: Request,
    principal: Principal,
    method: 'GET' | 'PUT',
    url: string,
    seconds: number,
  ) =>
    url.startsWith('/')
      ? `${publicOrigin(request)}${signer.sign(method, signedPath(url), principal.projectId, seconds)}`
      : url;

  /** The upload the body names, which must be of the file the path and `path` name. */
  const namedUpload = async (request: Request, principal: Principal, step: string) => {
    const dir = pathAfter(request, `${MPU}/${step}`);
    const params = await MlflowParams.of(request, maxBodyBytes);
    const name = cleanPath(`${dir}/${baseName(params.string('path'))}`);
    const uploadId = params.optionalString('upload_id');
    if (!uploadId) throw badUserInput("Missing value for required parameter 'upload_id'.");
    const upload = await service.anyUpload(principal, uploadId);
    if (!upload) throw notFound(`no multipart upload ${uploadId}; start one with mpu/create`);
    if (upload.name !== name)
      throw badUserInput(
        `upload ${uploadId} is of ${JSON.stringify(upload.name)}, not ${JSON.stringify(name)}`,
      );
    return { upload, params };
  };

  return [
    mlflowRoute('POST', `${MPU}/create/*`, 'storage:log', async (request, context) => {
      const dir = pathAfter(request, `${MPU}/create`);
      const params = await MlflowParams.of(request, maxBodyBytes);
      const name = cleanPath(`${dir}/${baseName(params.string('path'))}`);
      const runId = runIdOfPath(name);
      const upload = await service.createUndeclaredUpload(
        context.principal,
        {
          name,
          kind: 'OTHER',
          metadata: { mlflowPath: name },
          component: 'mlflow',
          ...(runId ? { runId } : {}),
        },
        params.optionalInteger('num_parts') ?? 0,
        'mlflow',
      );
      const seconds = Math.max(1, Math.floor((upload.expiresAt.getTime() - Date.now()) / 1000));
      return Response.json({
        upload_id: upload.id,
        credentials: upload.partUrls.map((url, i) => ({
          part_number: i + 1,
          // No headers to send with a part: MLflow's JSON leaves the empty map out.
          url: usable(request, context.principal, 'PUT', url, Math.min(seconds, 7 * 24 * 3600)),
        })),
      });
    }),

    mlflowRoute('POST', `${MPU}/complete/*`, 'storage:log', async (request, context) => {
      const { upload, params } = await namedUpload(request, context.principal, 'complete');
      params.objects('parts');
      if (!params.has('parts')) throw badUserInput("Missing value for required parameter 'parts'.");
      // A retried completion gets the same answer; the artifact exists once.
      if (upload.status !== 'COMPLETED') await service.completeUpload(context.principal, upload.id);
      return Response.json({});
    }),

    mlflowRoute('POST', `${MPU}/abort/*`, 'storage:log', async (request, context) => {
      const { upload } = await namedUpload(request, context.principal, 'abort');
      await service.abortUpload(context.principal, upload.id);
      return Response.json({});
    }),

    mlflowRoute('GET', `${PRESIGNED}/*`, 'storage:read', async (request, context) => {
      const path = pathAfter(request, PRESIGNED);
      const artifact = await service.artifactByName(context.principal, path, null, null, 'mlflow');
      if (!artifact) throw notFound(`no artifact at ${JSON.stringify(path)}`);
      const url = await service.downloadUrl(artifact, DOWNLOAD_URL_SECONDS);
      return Response.json({
        url: usable(request, context.principal, 'GET', url, DOWNLOAD_URL_SECONDS),
        headers: {},
        file_size: artifact.size,
      });
    }),
  ];
}

/** The file name of a client's local path, POSIX or Windows (MLflow sends the whole local path). */
function baseName(localPath: string): string {
  const name = localPath.split(/[\\/]/).at(-1) ?? '';
  if (!name) throw badUserInput(`path ${JSON.stringify(localPath)} names no file`, { argument: 'path' });
  return name;
}
