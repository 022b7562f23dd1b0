import { ANONYMOUS_PRINCIPAL } from '@jarvis/context';
import { badUserInput } from '@jarvis/errors';
import { type HttpRoute, requestBody, streamResponse } from '@jarvis/subgraph';
import type { StorageService } from '../service.ts';
import { byteRange } from './byteRange.ts';
import { httpError } from './httpError.ts';
import type { UrlSigner } from './urlSigner.ts';

const PART_PATH = /^\/storage\/(?:signed\/)?uploads\/([^/]+)\/parts\/(\d+)$/;
const CONTENT_PATH = /^\/storage\/(?:signed\/)?artifacts\/([^/]+)\/content$/;

/** Where a signed twin of one of these paths lives: the same path under /storage/signed/. */
export const signedPath = (path: string) => path.replace(/^\/storage\//, '/storage/signed/');

/**
 * The storage subgraph's HTTP endpoints, served on the router's origin. Each also has a signed
 * twin under /storage/signed/ that needs no credentials, only a signature (see UrlSigner).
 */
export function storageRoutes(service: StorageService, signer: UrlSigner): HttpRoute[] {
  /** `bare`: answer as S3 does a presigned PUT, an ETag and no body (what MLflow's client reads). */
  const receivePart =
    (bare: boolean): HttpRoute['handler'] =>
    async (request, context) => {
      try {
        const match = PART_PATH.exec(new URL(request.url).pathname);
        if (!match) throw badUserInput('expected /storage/uploads/<upload id>/parts/<part number>');
        const body = requestBody(request);
        if (!body) throw badUserInput('the part has no body');
        const part = await service.receivePart(context.principal, match[1]!, Number(match[2]), body);
        const headers = { etag: `"${part.etag}"` };
        return bare ? new Response(null, { headers }) : Response.json(part, { headers });
      } catch (error) {
        return httpError(error);
      }
    };

  const content: HttpRoute['handler'] = async (request, context) => {
    try {
      const match = CONTENT_PATH.exec(new URL(request.url).pathname);
      const artifact = match ? await service.artifact(context.principal, match[1]!) : undefined;
      if (!artifact || artifact.deletedAt)
        return Response.json({ error: 'no such artifact', code: 'NOT_FOUND' }, { status: 404 });
      const etag = `"${artifact.sha256}"`;
      const headers: Record<string, string> = {
        'content-type': artifact.contentType,
        'accept-ranges': 'bytes',
        etag,
        'cache-control': 'private, max-age=31536000, immutable',
        'content-disposition': `attachment; filename="${artifact.name.split('/').at(-1)!.replace(/["\\]/g, '_')}"`,
      };
      if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
      const range = byteRange(request.headers.get('range'), artifact.size);
      if (range === 'unsatisfiable') {
        return new Response(null, {
          status: 416,
          headers: { ...headers, 'content-range': `bytes */${artifact.size}` },
        });
      }
      const length = range ? range.end - range.start + 1 : artifact.size;
      headers['content-length'] = String(length);
      if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${artifact.size}`;
      const status = range ? 206 : 200;
      if (request.method === 'HEAD' || length === 0) return new Response(null, { status, headers });
      const opened = await service.openContent(context.principal, artifact.id, range);
      if (!opened) return Response.json({ error: 'no such artifact', code: 'NOT_FOUND' }, { status: 404 });
      return streamResponse(opened.body, { status, headers });
    } catch (error) {
      return httpError(error);
    }
  };

  // The signature stands for the caller: it names the project, and the path the one object.
  const signed =
    (handler: HttpRoute['handler']): HttpRoute['handler'] =>
    async (request, context) => {
      let projectId: string;
      try {
        projectId = signer.verify(request);
      } catch (error) {
        return httpError(error);
      }
      return handler(request, {
        ...context,
        principal: { ...ANONYMOUS_PRINCIPAL, kind: 'service', userId: 'signed-url', projectId },
      });
    };

  return [
    { method: 'PUT', path: '/storage/uploads/*', scope: 'storage:write', handler: receivePart(false) },
    { method: 'GET', path: '/storage/artifacts/*', scope: 'storage:read', handler: content },
    { method: 'HEAD', path: '/storage/artifacts/*', scope: 'storage:read', handler: content },
    { method: 'PUT', path: '/storage/signed/uploads/*', scope: 'signed', handler: signed(receivePart(true)) },
    { method: 'GET', path: '/storage/signed/artifacts/*', scope: 'signed', handler: signed(content) },
    { method: 'HEAD', path: '/storage/signed/artifacts/*', scope: 'signed', handler: signed(content) },
  ];
}
