import { createHmac, timingSafeEqual } from 'node:crypto';
import { JarvisError } from '@jarvis/errors';

/**
 * Signs Jarvis's own URLs so a client can use them without credentials, as it would a presigned
 * S3 URL: MLflow PUTs multipart parts and GETs presigned downloads with a bare `requests` call.
 * A signature binds the method, the path and the project, and ends at `expires`.
 */
export interface UrlSigner {
  /** `path` with `?project=…&expires=…&signature=…` appended. */
  sign(method: 'GET' | 'PUT', path: string, projectId: string, expiresInSeconds: number): string;
  /** The project a signed request acts in; FORBIDDEN when the signature is missing, wrong or expired. */
  verify(request: Request): string;
}

const forbidden = (message: string) => new JarvisError('FORBIDDEN', message);

export function createUrlSigner(secret: string | Buffer): UrlSigner {
  // A key of its own: the secret may also sign other things (auth.internal_secret does).
  const key = createHmac('sha256', secret).update('jarvis storage signed urls').digest();
  const mac = (method: string, path: string, projectId: string, expires: string) =>
    createHmac('sha256', key).update(`${method}\n${path}\n${projectId}\n${expires}`).digest();

  return {
    sign(method, path, projectId, expiresInSeconds) {
      const expires = String(Math.floor(Date.now() / 1000) + expiresInSeconds);
      const signature = mac(method, path, projectId, expires).toString('base64url');
      const query = new URLSearchParams({ project: projectId, expires, signature });
      return `${path}?${query}`;
    },
    verify(request) {
      const url = new URL(request.url);
      const projectId = url.searchParams.get('project');
      const expires = url.searchParams.get('expires');
      const signature = url.searchParams.get('signature');
      if (!projectId || !expires || !signature)
        throw forbidden('this URL is not signed: ask Jarvis for a new one (MLflow does so by itself)');
      const method = request.method === 'HEAD' ? 'GET' : request.method;
      const expected = mac(method, url.pathname, projectId, expires);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        throw forbidden(`the signature does not match this ${method} of ${url.pathname}; ask for a new URL`);
      const expiresAt = Number(expires);
      if (!Number.isSafeInteger(expiresAt) || expiresAt * 1000 < Date.now())
        throw forbidden(
          `the signed URL expired at ${new Date(expiresAt * 1000).toISOString()}; ask for a new one`,
        );
      return projectId;
    },
  };
}
