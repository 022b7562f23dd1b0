import { INTERNAL_HEADER, ROUTER_PRINCIPAL, signPrincipal } from '@jarvis/auth';
import { ErrorCode, JarvisError } from '@jarvis/errors';
import type { IdentityResolver } from './authenticator.ts';

/**
 * The identity service behind `jarvis serve identity`, asked over HTTP by `jarvis serve router`
 * with the router's own signed identity (the only caller its internal routes take).
 */
export function remoteIdentity(graphqlUrl: string, secret: string): IdentityResolver {
  const base = graphqlUrl.replace(/\/graphql\/?$/, '');
  const call = async <T>(name: string, body: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(`${base}/identity/internal/${name}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [INTERNAL_HEADER]: await signPrincipal(ROUTER_PRINCIPAL, secret),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5_000),
      });
    } catch (error) {
      throw new JarvisError(
        ErrorCode.BACKEND_UNAVAILABLE,
        `the identity service is not answering (${(error as Error).message}), so credentials cannot be checked; retry shortly`,
        { service: 'identity' },
      );
    }
    const answer = (await response.json().catch(() => ({}))) as { error?: string; code?: string } & T;
    if (response.ok) return answer;
    throw new JarvisError(
      (answer.code as ErrorCode | undefined) ?? ErrorCode.UNAUTHENTICATED,
      answer.error ?? `the identity service answered HTTP ${response.status}`,
    );
  };
  return {
    principalForKey: (secret, request, project) => call('key', { secret, request, project }),
    principalForOidc: (identity, project) => call('oidc', { identity, project }),
    recordSignInFailure: async (reason, request) => {
      await call('sign-in-failure', { reason, request });
    },
  };
}
