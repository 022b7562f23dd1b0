import { JarvisError } from '@jarvis/errors';
import { type HttpRoute, readBody } from '@jarvis/subgraph';
import type { IdentityService, OidcIdentity } from './service.ts';

/** Where `jarvis serve router` asks the identity service who a credential names. */
export const IDENTITY_ROUTE_PREFIX = '/identity/internal/';

type Meta = { requestId: string; clientAddress?: string };

/**
 * The router's questions to identity when they run in separate processes (`jarvis serve`): only
 * the router may ask (`internal`: its own signed identity), never a caller through it.
 */
export function internalRoutes(service: IdentityService, maxBodyBytes: number): HttpRoute[] {
  const route = (name: string, answer: (body: Record<string, unknown>) => Promise<unknown>): HttpRoute => ({
    method: 'POST',
    path: `${IDENTITY_ROUTE_PREFIX}${name}`,
    scope: 'internal',
    audit: false,
    async handler(request) {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(await readBody(request, maxBodyBytes, 'server.max_api_body_bytes')) as Record<
          string,
          unknown
        >;
      } catch {
        return Response.json({ error: 'the body must be JSON', code: 'BAD_USER_INPUT' }, { status: 400 });
      }
      try {
        return Response.json((await answer(body)) ?? {});
      } catch (error) {
        if (error instanceof JarvisError)
          return Response.json(
            { error: error.message, code: error.code, ...error.extensions },
            { status: 400 },
          );
        throw error;
      }
    },
  });
  const meta = (body: Record<string, unknown>) => (body.request ?? { requestId: 'unknown' }) as Meta;
  const project = (body: Record<string, unknown>) =>
    typeof body.project === 'string' ? body.project : undefined;
  return [
    route('key', (body) => service.principalForKey(String(body.secret ?? ''), meta(body), project(body))),
    route('oidc', (body) => service.principalForOidc(body.identity as OidcIdentity, project(body))),
    route('sign-in-failure', (body) => service.recordSignInFailure(String(body.reason ?? ''), meta(body))),
  ];
}
