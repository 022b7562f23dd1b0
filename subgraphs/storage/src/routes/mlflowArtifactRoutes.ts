import { badUserInput, notFound } from '@jarvis/errors';
import { type HttpRoute, mlflowRoute, requestBody, streamResponse } from '@jarvis/subgraph';
import { cleanPath, runIdOfPath } from '../mlflow/mlflowArtifactPath.ts';
import type { ArtifactRecord } from '../records.ts';
import type { StorageService } from '../service.ts';

const ROOT = '/api/2.0/mlflow-artifacts/artifacts';
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
export function mlflowArtifactRoutes(service: StorageService): HttpRoute[] {
  const routes = proxyRoutes(service);
  // MLflow's web UI calls the same endpoints under /ajax-api.
  return [...routes, ...routes.map((r) => ({ ...r, path: r.path.replace(/^\/api\//, '/ajax-api/') }))];
}

function proxyRoutes(service: StorageService): HttpRoute[] {
  const pathOf = (request: Request) => {
    const { pathname } = new URL(request.url);
    const encoded = pathname.slice(pathname.indexOf(ROOT) + ROOT.length + 1);
    let decoded: string;
    try {
      decoded = decodeURIComponent(encoded);
    } catch {
      throw badUserInput(`the artifact path ${JSON.stringify(encoded)} has a malformed %-escape`);
    }
    return cleanPath(decoded);
  };

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
