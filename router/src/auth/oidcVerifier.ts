import type { JarvisConfig } from '@jarvis/config';
import { ErrorCode, JarvisError } from '@jarvis/errors';
import { createRemoteJWKSet, type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';

type OidcConfig = NonNullable<JarvisConfig['auth']['oidc']>;

export interface VerifiedIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  name: string | null;
  groups: string[];
}

const unauthenticated = (message: string) => new JarvisError(ErrorCode.UNAUTHENTICATED, message);

/**
 * Checks an OpenID provider's bearer JWTs: signature against the issuer's JWKS (found through
 * its discovery document, cached, fetched again when a token names an unknown `kid`), issuer,
 * audience, expiry with the configured clock skew, and an asymmetric algorithm from the list.
 */
export function oidcVerifier(config: OidcConfig, fetchImpl: typeof fetch = fetch) {
  const issuer = config.issuer.replace(/\/$/, '');
  let keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const discover = async () => {
    const url = `${issuer}/.well-known/openid-configuration`;
    let response: Response;
    try {
      response = await fetchImpl(url, { signal: AbortSignal.timeout(5_000) });
    } catch (error) {
      throw new JarvisError(
        ErrorCode.BACKEND_UNAVAILABLE,
        `the OpenID provider at ${issuer} is not answering (${(error as Error).message}); check auth.oidc.issuer`,
        { backend: 'oidc' },
      );
    }
    if (!response.ok)
      throw new JarvisError(
        ErrorCode.BACKEND_UNAVAILABLE,
        `${url} answered HTTP ${response.status}; check auth.oidc.issuer`,
        {
          backend: 'oidc',
        },
      );
    const document = (await response.json()) as { jwks_uri?: string; issuer?: string };
    if (!document.jwks_uri)
      throw new JarvisError(ErrorCode.BACKEND_UNAVAILABLE, `${url} names no jwks_uri`, { backend: 'oidc' });
    return createRemoteJWKSet(new URL(document.jwks_uri), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  };
  return async function verify(token: string): Promise<VerifiedIdentity> {
    keys ??= discover().catch((error: unknown) => {
      keys = undefined; // the next request asks again
      throw error;
    });
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await keys, {
        issuer: [issuer, `${issuer}/`],
        audience: config.audience,
        algorithms: config.algorithms,
        clockTolerance: config.clock_skew_seconds,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      if (error instanceof JarvisError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated('the token expired; sign in again');
      if (error instanceof joseErrors.JWTClaimValidationFailed)
        throw unauthenticated(
          `the token's "${error.claim}" claim is not what this server accepts (${error.reason})`,
        );
      if (error instanceof joseErrors.JOSEAlgNotAllowed)
        throw unauthenticated(
          `tokens signed with that algorithm are refused; accepted: ${config.algorithms.join(', ')}`,
        );
      throw unauthenticated(
        'the token is not valid here (bad signature, malformed, or from another provider)',
      );
    }
    const claim = payload[config.roles_claim];
    const groups = Array.isArray(claim)
      ? claim.filter((g): g is string => typeof g === 'string')
      : typeof claim === 'string'
        ? [claim]
        : [];
    const text = (v: unknown) => (typeof v === 'string' && v.length <= 320 ? v : null);
    return {
      issuer,
      subject: String(payload.sub),
      email: text(payload.email),
      name: text(payload.name) ?? text(payload.preferred_username),
      groups,
    };
  };
}
