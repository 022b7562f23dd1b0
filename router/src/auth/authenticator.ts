import { credentialsOf } from '@jarvis/auth';
import type { JarvisConfig } from '@jarvis/config';
import { ANONYMOUS_PRINCIPAL, LOCAL_PRINCIPAL, type Principal } from '@jarvis/context';
import { ErrorCode, JarvisError } from '@jarvis/errors';
import { clientAddressOf } from '../adapters/clientAddress.ts';
import { oidcVerifier, type VerifiedIdentity } from './oidcVerifier.ts';
import type { RateLimits } from './rateLimits.ts';

/** The header a user in several projects chooses the one a request acts in with. */
export const PROJECT_HEADER = 'x-jarvis-project';

/** Where the router learns who a credential names: the identity subgraph, in process or over HTTP. */
export interface IdentityResolver {
  principalForKey(
    secret: string,
    request: { requestId: string; clientAddress?: string },
    project?: string,
  ): Promise<Principal>;
  principalForOidc(identity: VerifiedIdentity, project: string | undefined): Promise<Principal>;
  recordSignInFailure(reason: string, request: { requestId: string; clientAddress?: string }): Promise<void>;
}

export type Authenticate = (request: Request) => Promise<Principal>;

const PROJECT = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Who a request comes from, by `auth.mode`: `local` is the local admin; `keys` and `oidc` read
 * the credentials every door accepts (Bearer, Basic, x-api-key, a WebSocket's connection_init).
 * No credentials is the anonymous caller (public fields only); bad ones are UNAUTHENTICATED, and
 * an address that keeps failing waits (LIMIT_EXCEEDED).
 */
export function createAuthenticator(options: {
  config: JarvisConfig;
  identity: () => IdentityResolver;
  limits: RateLimits;
  requestIdOf: (request: Request) => string;
}): Authenticate {
  const { config, limits } = options;
  if (config.auth.mode === 'local') return async () => LOCAL_PRINCIPAL;
  const verify = config.auth.mode === 'oidc' && config.auth.oidc ? oidcVerifier(config.auth.oidc) : undefined;
  return async (request) => {
    const credential = credentialsOf(request.headers);
    if (credential.kind === 'none') return ANONYMOUS_PRINCIPAL;
    const clientAddress = clientAddressOf(request);
    const meta = { requestId: options.requestIdOf(request), ...(clientAddress ? { clientAddress } : {}) };
    const address = clientAddress ?? 'unknown';
    await limits.checkSignIns(address);
    const project = request.headers.get(PROJECT_HEADER) ?? undefined;
    if (project !== undefined && !PROJECT.test(project))
      throw new JarvisError(ErrorCode.BAD_USER_INPUT, `${PROJECT_HEADER} is not a project id`);
    try {
      if (credential.kind === 'apiKey') {
        return await options.identity().principalForKey(credential.secret, meta, project);
      }
      if (!verify)
        throw new JarvisError(
          ErrorCode.UNAUTHENTICATED,
          'this server takes API keys (Authorization: Bearer jv_…); bearer tokens need auth.mode: oidc',
        );
      return await options.identity().principalForOidc(await verify(credential.token), project);
    } catch (error) {
      if (error instanceof JarvisError && error.code === ErrorCode.UNAUTHENTICATED) {
        await limits.failedSignIn(address);
        if (credential.kind === 'token') await options.identity().recordSignInFailure(error.message, meta);
      }
      throw error;
    }
  };
}
